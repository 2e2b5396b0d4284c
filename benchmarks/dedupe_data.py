"""A seeded generator of noisy Vietnamese leads with known truth, for dedupe accuracy runs.

People (some in households sharing one phone, some strangers sharing a common name and a
province) leave leads on forms, Facebook lead ads, Zalo / Messenger chats and CSV imports.
Every lead is a LeadDraft, as a connector would produce it, tagged with its person and household.

How the channels behave (CHANNELS.md, and the platforms' documentation):
- A Lead Ads instant form is prefilled from the person's Facebook account: its name, its phone
  and its email; people can edit them before submitting, and rarely do (10 % here for the name,
  10 % for the phone). So a person's lead ads carry one name, spelt one way, and one phone.
- A Messenger or Zalo message arrives without a name: the webhook carries the page-scoped id
  (PSID) or the OA-scoped Zalo user id, and a phone only if the person types it. The hub fetches
  the sender's profile once per new identity (hub/enrich): Messenger gives the Facebook account's
  name (the one Lead Ads prefill), Zalo the display name the person chose (their name, or a
  nickname, or a kinship term and their given name). Each chat sample carries that `profile`.
- A profile is the same every time it is read: the names a person shows are drawn once per
  person, from a random stream of their own (seed, person), so everything else the generator
  draws is identical to what `named_chats=True` draws.

- A number typed by hand (web forms, imports, an edited lead ad) has a slip now and then: one
  digit wrong (1.5 %) or two neighbours swapped (0.5 %), in the subscriber part (never the
  network prefix). The slips are drawn from a stream of their own (per lead), so everything
  else is drawn as without them. A lead ad's prefilled number, and one typed in a chat (where
  people copy it), have none.

- A lead names the person's province, or now and then (5 % of the leads that name one)
  another: a workplace's, a delivery address's, a hometown's. A household lives in one
  province. Both drawn without touching the other draws (a stream per lead; the household
  takes its first member's province). The three generators written later from the issue
  alone all have people whose leads name two provinces (6-14 % of a person's lead pairs with
  both provinces, against 3 % here before, all from the normalizer's reading), and families
  in one province; without that the model weighed a different province as near proof of two
  people (-11.29) and households' members as living apart.

`named_chats=True` is the generator as it was before those channel facts were written down:
chats named at capture (a profile name or a signature, drawn per chat), Lead Ads name and phone
drawn per lead. It stays for comparing figures across the change.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from hub.model import Identity, LeadDraft

SURNAMES = {"Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 5, "Phan": 4.5, "Huỳnh": 4,
            "Vũ": 4, "Võ": 3, "Đặng": 2, "Bùi": 2, "Đỗ": 1.5, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1,
            "Lý": 0.5, "Trương": 0.5, "Đinh": 0.5, "Mai": 0.3, "Lâm": 0.3}
MIDDLE = {"m": ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Ngọc"],
          "f": ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Phương", "Hồng"]}
GIVEN = {
    "m": "Hùng Dũng Tuấn Minh Nam Long Hải Sơn Phong Quân Huy Khoa Thắng Cường Tùng Đạt Phúc Bảo "
         "Trung Hiếu Vinh Tâm Thành Hoàng Khánh Lộc Tài Nghĩa Quang Toàn Việt Hưng Duy Kiên".split(),
    "f": "Lan Hương Hoa Mai Linh Trang Thảo Hà Nhung Hằng Thủy Yến Vy Anh Phương Nga Dung Huyền "
         "Oanh Loan Trâm Quỳnh Hạnh Nhi Giang Ngân Châu Tuyết Diệp Uyên Hiền Liên Thư Vân".split(),
}
COMMON_NAMES = [("Nguyễn", "Văn", "Hùng", "m"), ("Nguyễn", "Thị", "Lan", "f"), ("Trần", "Văn", "Nam", "m"),
                ("Nguyễn", "Thị", "Hương", "f"), ("Lê", "Văn", "Dũng", "m"), ("Nguyễn", "Văn", "Minh", "m")]
NICKNAMES = ["Bống", "Tũn", "Bin", "Su", "Mít", "Na", "Cún", "Bé Heo", "Tít", "Bơ"]
SALUTE = {"m": ["anh", "a", "Anh", "chú", "Mr"], "f": ["chị", "c", "Chị", "cô", "em", "Ms"]}
PROVINCES = [["TP.HCM", "Hồ Chí Minh", "HCM", "tphcm", "Sài Gòn", "Quận 1", "Bình Dương"],
             ["Hà Nội", "HN", "Ha Noi", "hà nội", "Hanoi"], ["Đà Nẵng", "ĐN", "Da Nang"],
             ["Hải Phòng", "HP"], ["Cần Thơ", "Can Tho"], ["Đồng Nai", "Biên Hòa"],
             ["Khánh Hòa", "Nha Trang"], ["Nghệ An", "Vinh"], ["Thanh Hóa"], ["Huế", "Thừa Thiên Huế"]]
NEW_PREFIXES = ["90", "91", "93", "94", "96", "97", "98", "86", "88", "89", "70", "76", "77", "78",
                "79", "81", "82", "83", "84", "85", "32", "33", "34", "35", "36", "37", "38", "39", "56", "58"]
OLD_OF = {**{f"3{d}": f"16{d}" for d in "23456789"}, "70": "120", "79": "121", "77": "122",
          "76": "126", "78": "128", "83": "123", "84": "124", "85": "125", "81": "127", "82": "129",
          "56": "186", "58": "188"}
DOMAIN_TYPOS = {"gmail.com": ["gmial.com", "gmai.com", "gmail.con", "gamil.com"], "yahoo.com": ["yahooo.com"]}
START = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)


@dataclass
class Person:
    id: int
    sex: str
    family: str
    middle: str
    given: str
    province: int
    phones: list[str]  # national significant numbers, 9 digits
    email: str | None
    household: int | None = None
    nickname: str | None = None
    western_profile: bool = False
    identities: dict[str, Identity] = field(default_factory=dict)
    facebook_name: str = ""  # the Facebook account's name (Lead Ads prefill, Messenger profile)
    facebook_phone: str = ""  # the phone on the Facebook account (Lead Ads prefill)
    zalo_name: str = ""  # the Zalo display name


@dataclass(frozen=True)
class Sample:
    person: int
    household: int | None
    draft: LeadDraft
    profile: LeadDraft | None = None  # a chat's sender profile, as enrichment fetches it


def _profiles(seed: int, p: Person) -> random.Random:
    """Draw the names and phone the person's accounts show; the stream for their lead ads' edits."""
    own = random.Random(f"{seed}:profiles:{p.id}")
    p.facebook_name = full_name(own, p, western=p.western_profile)
    p.facebook_phone = _pick_phone(own, p)
    p.zalo_name = full_name(own, p, western=p.western_profile) if own.random() < 0.6 else chat_name(own, p)
    return own


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _phone(rng: random.Random) -> str:
    return rng.choice(NEW_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(7))


def _email(rng: random.Random, taken: set[str], family: str, middle: str, given: str) -> str:
    """A mailbox nobody else has (taken: those given out, dots removed as Gmail ignores them)."""
    f, m, g = (_fold(x).lower() for x in (family, middle, given))
    year = str(rng.randint(75, 105) % 100).zfill(2)
    local = rng.choice([f"{g}{f}{year}", f"{g}.{f}", f"{f}{m}{g}", f"{g}{f}", f"{f}{g}{year}", f"{g}{year}{f[0]}"])
    domain = rng.choices(["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "fpt.com.vn"],
                         [70, 10, 8, 5, 7])[0]
    while f"{local.replace('.', '')}@{domain}" in taken:
        local += rng.choice("0123456789")
    taken.add(f"{local.replace('.', '')}@{domain}")
    return f"{local}@{domain}"


def _person(rng: random.Random, pid: int, taken: set[str], family: str | None = None,
            phone: str | None = None) -> Person:
    sex = rng.choice("mf")
    family = family or rng.choices(list(SURNAMES), list(SURNAMES.values()))[0]
    middle, given = rng.choice(MIDDLE[sex]), rng.choice(GIVEN[sex])
    phones = [phone] if phone else [_phone(rng)]
    if rng.random() < 0.12:
        phones.append(_phone(rng))
    email = _email(rng, taken, family, middle, given) if rng.random() < 0.55 else None
    person = Person(pid, sex, family, middle, given, rng.randrange(len(PROVINCES)), phones, email)
    person.nickname = rng.choice(NICKNAMES) if rng.random() < 0.1 else None
    person.western_profile = rng.random() < 0.45
    for channel, scope, digits, share in (("zalo", "oa1", 19, 0.5), ("messenger", "page1", 16, 0.4)):
        if rng.random() < share:
            person.identities[channel] = Identity(channel, scope, "".join(rng.choice("0123456789") for _ in range(digits)))
    return person


def people(rng: random.Random, count: int) -> list[Person]:
    """count people: about 15 % in households sharing a phone, 8 % with a very common name."""
    found: list[Person] = []
    taken: set[str] = set()
    household = 0
    while len(found) < count:
        roll = rng.random()
        if roll < 0.06:  # a household: 2-3 people, one family name, one shared home phone
            household += 1
            family, home = rng.choices(list(SURNAMES), list(SURNAMES.values()))[0], _phone(rng)
            givens: set[str] = set()
            first = len(found)
            for _ in range(rng.choice([2, 2, 3])):
                member = _person(rng, len(found), taken, family, home)
                while member.given in givens:  # Hùng and Hưng, Dũng and Dung: two people
                    member.given = rng.choice(GIVEN[member.sex])
                givens.add(member.given)
                member.household = household
                if found[first:]:  # a household lives in one province: its first member's
                    member.province = found[first].province
                if rng.random() < 0.5:
                    member.phones.append(_phone(rng))
                found.append(member)
            continue
        person = _person(rng, len(found), taken)
        if roll < 0.14:
            person.family, person.middle, person.given, person.sex = rng.choice(COMMON_NAMES)
            person.province = rng.randrange(2)
            person.email = person.email and _email(rng, taken, person.family, person.middle, person.given)
        found.append(person)
    return found[:count]


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["swap", "drop", "double"])
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:] if op == "drop" else word[:i] + word[i] + word[i:]


def _styled(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.25:
        text = _fold(text)
    elif roll < 0.35:
        text = unicodedata.normalize("NFD", text)
    if rng.random() < 0.1:
        text = rng.choice([text.upper(), text.lower()])
    return text


def full_name(rng: random.Random, p: Person, western: bool = False) -> str:
    """The person's name as typed: middle name dropped sometimes, a typo now and then."""
    parts = [p.family] + ([p.middle] if rng.random() > 0.15 else []) + [p.given]
    if rng.random() < 0.05:
        k = rng.randrange(len(parts))
        if len(parts[k]) >= 4:
            parts[k] = _typo(rng, parts[k])
    if western:
        parts = parts[-1:] + parts[:-1] if rng.random() < 0.5 else [p.given, p.family]
    return _styled(rng, " ".join(parts))


def chat_name(rng: random.Random, p: Person) -> str:
    """How someone signs a chat: kinship term + given name, a nickname, or the given name alone."""
    roll = rng.random()
    if p.nickname and roll < 0.3:
        return p.nickname
    if roll < 0.7:
        return _styled(rng, f"{rng.choice(SALUTE[p.sex])} {p.given}")
    return _styled(rng, p.given)


def phone_text(rng: random.Random, nsn: str) -> str:
    """One spelling of the number: +84 / 84 / 0084 / (+84) / 0, dots, spaces, old prefix, full-width."""
    if nsn[:2] in OLD_OF and rng.random() < 0.3:
        nsn = OLD_OF[nsn[:2]] + nsn[2:]
    style = rng.randrange(8)
    head, body = nsn[:-6], nsn[-6:]
    spelled = [f"0{nsn}", f"+84{nsn}", f"84{nsn}", f"0084 {nsn}", f"(+84) {head}.{body[:3]}.{body[3:]}",
               f"0{head} {body[:3]} {body[3:]}", f"0{head}.{body[:3]}.{body[3:]}", nsn][style]
    if rng.random() < 0.03:
        spelled = spelled.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    return spelled


def email_text(rng: random.Random, email: str) -> str:
    """Gmail dots and +tags, a typo'd domain, capitals."""
    local, domain = email.split("@")
    if domain == "gmail.com" and rng.random() < 0.3:
        local = local.replace(".", "")
        i = rng.randrange(1, len(local))
        local = local[:i] + "." + local[i:]
    if domain == "gmail.com" and rng.random() < 0.15:
        local += rng.choice(["+shop", "+fb", "+1"])
    if domain in DOMAIN_TYPOS and rng.random() < 0.08:
        domain = rng.choice(DOMAIN_TYPOS[domain])
    text = f"{local}@{domain}"
    return text.capitalize() if rng.random() < 0.1 else text


def slipped(ref: str, nsn: str) -> str:
    """The number as typed on lead `ref`: a wrong digit (1.5 %) or two neighbours swapped (0.5 %),
    after the network prefix. Its own stream: the lead's other fields are drawn as without it."""
    slip = random.Random(f"slip:{ref}")
    roll, digits = slip.random(), list(nsn)
    if roll < 0.015:
        i = slip.randrange(2, len(digits))
        digits[i] = slip.choice([d for d in "0123456789" if d != digits[i]])
    elif roll < 0.02:
        i = slip.randrange(2, len(digits) - 1)
        while digits[i] == digits[i + 1] and i + 2 < len(digits):  # swapping twins changes nothing
            i += 1
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
    return "".join(digits)


def elsewhere(ref: str, province: int) -> int:
    """The province lead `ref` names: the person's own, or (5 %) another one, a workplace's, a
    delivery address's or a hometown's. Its own stream: the lead's other fields are drawn as
    without it."""
    other = random.Random(f"province:{ref}")
    if other.random() < 0.05:
        return other.choice([i for i in range(len(PROVINCES)) if i != province])
    return province


def _pick_phone(rng: random.Random, p: Person) -> str:
    return p.phones[1] if len(p.phones) > 1 and rng.random() < 0.35 else p.phones[0]


def _maybe(rng: random.Random, share: float, value: str | None) -> tuple[str, ...]:
    return (value,) if value and rng.random() < share else ()


def _form(rng: random.Random, p: Person, channel: str, ref: str, at: datetime,
          own: random.Random | None) -> LeadDraft:
    """A web form, an import row or (channel "facebook") a lead ad; `own`: the person's own
    stream when lead ads are prefilled from their account (None: drawn per lead, as before)."""
    profile = channel == "facebook"
    name = full_name(rng, p, western=profile and p.western_profile)
    if rng.random() < 0.1 and not profile:
        name = f"{rng.choice(SALUTE[p.sex])} {name}"
    if rng.random() < 0.015:
        name = rng.choice(["Khách hàng", "Shop Hoa Mai", "User 8812", "🌸🌸"])
    phones = _maybe(rng, 0.95 if profile else 0.9, phone_text(rng, slipped(ref, _pick_phone(rng, p))))
    if profile and own is not None:  # prefilled from the account, unless edited
        name = p.facebook_name if own.random() >= 0.1 else name
        phones = (phone_text(own, p.facebook_phone),) if phones and own.random() >= 0.1 else phones
    return LeadDraft(
        channel=channel, source_ref=ref, captured_at=at, name=name, phones=phones,
        emails=_maybe(rng, 0.5 if profile else 0.65, p.email and email_text(rng, p.email)),
        province=(rng.choice(PROVINCES[elsewhere(ref, p.province)])
                  if rng.random() < (0.3 if profile else 0.7) else None),
    )


def _chat(rng: random.Random, p: Person, channel: str, ref: str, at: datetime, named: bool) -> Sample:
    """A chat and, unless `named` (the old way: a name drawn per chat), no name but the profile
    enrichment will fetch; sometimes a phone in the message."""
    name: str | None = full_name(rng, p, western=p.western_profile) if rng.random() < 0.6 else chat_name(rng, p)
    text = "Shop ơi tư vấn giúp em với"
    if rng.random() < 0.65:
        number = "0" + _pick_phone(rng, p)
        spelled = rng.choice([number, f"{number[:4]} {number[4:7]} {number[7:]}", "+84" + number[1:]])
        text = f"{chat_name(rng, p)} đây, sđt {spelled} gọi lại giúp mình"
    identity = p.identities[channel]
    profile = None
    if not named:
        name = None
        shown = p.zalo_name if channel == "zalo" else p.facebook_name
        profile = LeadDraft(channel=channel, source_ref=f"profile:{identity.scope}:{identity.external_id}",
                            captured_at=at, name=shown, identity=identity)
    draft = LeadDraft(channel=channel, source_ref=ref, captured_at=at, name=name, text=text, identity=identity)
    return Sample(p.id, p.household, draft, profile)


def _lead(rng: random.Random, p: Person, ref: str, at: datetime, own: random.Random | None) -> Sample:
    kinds = ["forms", "forms", "facebook", "facebook", "import"] + list(p.identities) * 2
    kind = rng.choice(kinds)
    if kind in p.identities:
        return _chat(rng, p, kind, ref, at, named=own is None)
    return Sample(p.id, p.household, _form(rng, p, kind, ref, at, own))


def generate(seed: int, people_count: int = 1500, *, named_chats: bool = False) -> list[Sample]:
    """Leads of people_count people (1-5 each) in capture order; the same seed, the same leads.

    named_chats: the generator before the channel facts in the module docstring (for comparison).
    """
    rng = random.Random(seed)
    samples = []
    everyone = people(rng, people_count)
    own = {p.id: _profiles(seed, p) for p in everyone} if not named_chats else {}
    for p in everyone:
        for _ in range(rng.choices([1, 2, 3, 4, 5], [40, 28, 17, 10, 5])[0]):
            at = START + timedelta(minutes=rng.randrange(90 * 24 * 60))
            samples.append((at, p))
    samples.sort(key=lambda item: (item[0], item[1].id))
    return [_lead(rng, p, f"{seed}-{i}", at, own.get(p.id)) for i, (at, p) in enumerate(samples)]
