"""A third, independent generator of noisy Vietnamese leads with known truth.

    from benchmarks.dedupe_data_third import generate
    samples = generate(seed=1, people_count=1500)

Written from the issue's wording and hub/model.py only, the way an outside evaluator would (no
look at the matcher, the normalizer or the other two generators). Datasheet of the rates:

People
- households: 10 % of draws start a family of 2 (40 %), 3 (30 %), 4 (25 %) or 5 (5 %): a couple
  (the wife keeps her own family name), children with the father's family name, a grandparent
  at 5; a size-2 family is a couple (80 %) or a parent and an adult child. About 25 % of people
  live in one. The family phone is the wife's (55 %) or the husband's; spouses have a phone of
  their own 90 %, children 40 %, grandparents 50 %; a member with their own phone uses the
  family one on 50 % (spouse) / 75 % (child) / 70 % (grandparent) of their leads, one without,
  always. 25 % of families whose phone owner has an email share it: members without an email of
  their own always give it, the others on half their leads.
- names: family names by frequency (Nguyễn 38 %, Trần 11, Lê 9.5, Phạm 7, Phan 4.5, Hoàng 4,
  Huỳnh 4, Vũ 3.5, Võ 3.5, Đặng 2, Bùi 2, Đỗ 1.5, ...); middle name Văn for 40 % of men, Thị
  for 45 % of women, a double middle ("Thị Thu") for 12 % of women, none 4 %; given names by a
  Zipf-like weight (rank^-0.8). 7 % of the
  people outside families take one of 12 very common full names ("Nguyễn Văn Hùng"...):
  strangers with the same name. 30 % have a nickname (Bống, Tí, Bin...), 10 % an English name
  (never two alike in a family).
- phones: 10-digit mobiles on the current prefixes; those on a converted range (032-039, 070,
  076-079, 081-085, 056, 058, 059) had an 11-digit number before 2018 (0162-0169, 0120..., 0186,
  0188, 0199). 8 % have a second SIM, given on 25 % of their leads.
- emails: 62 % have one (80 % Gmail, then Yahoo, Hotmail, Outlook, iCloud, a company domain),
  one mailbox per person as the hub reads them (Gmail dots; yahoo.com.vn is yahoo.com, issue #3).
- province: one per person (HCMC 25 %, Hà Nội 22 %, others), 5 % of leads name another.
- accounts: one Facebook name and one Zalo display name per person, drawn by weight: full name
  30, "Lan Nguyễn" 22, either without diacritics 13, "Thu Trang" 10, given only 7 (Zalo 15),
  "Nguyễn Lan" 5, "Lan Bống" 25 for those with a nickname, "Linda Nguyễn" 35 for those with an
  English name; Zalo also "Mẹ Bin" 4, emoji-decorated 3, shop names 4 (a non-personal name).
  One page-scoped id per Facebook page and per Zalo OA used.

Leads
- per person: 1 (45 %), 2 (25 %), 3 (14 %), 4 (8 %), 5 (4 %), 6-8 (4 %); the next lead 40 % on
  the channel of the previous one, else forms 30 %, facebook 25 %, zalo 20 %, messenger 12 %,
  import 13 %. Over 240 days from 2024-03-01 (+07:00), 7-23 h; 8 % of repeats within minutes,
  the others a day + an exponential wait (mean 12 days) later.
- forms: a typed name (12 % split into Họ / Tên fields), a phone 97 % (a wrong digit 1.5 %, the
  old 11-digit form 5 %), the email 55 % of the time, province 55 %, a note 20 %.
- facebook: the Facebook name (10 % edited to a typed one), the account phone 95 % (in "+84"
  form 70 %; an old 11-digit number 30 % of the time for converted ranges), the email 80 %,
  province 35 %.
- zalo / messenger: no name, the OA- / page-scoped identity (85 % the main OA / page) and a
  message; the phone in the message 40 % (zalo) / 35 % (messenger; old form 5 %), in the Zalo
  phone field 10 %, an email 5 %. The profile (the Zalo / Facebook display name) is fetched for
  96 % of identities.
- import: a typed name (CAPS 30 %, honorific 12 %), phone 92 % (old 11-digit 25 % for converted
  ranges, leading zero lost 15 %, an Excel "'0..." 5 %), email 45 %, province 70 %, address 20 %.
- typed names: full 60 %, middle dropped 12 %, Western order 10 %, given only 6 %, honorific
  ("Chị Lan", "anh Tuấn", "Mr Hung") 10 % (forms) / 12 % (imports), nickname 2 %; then no
  diacritics 25 % (35 % imports), NFD 8 %, CAPS 7 %, lower case 6 %, a one-letter typo 5 %,
  stray spaces 4 %.
- phone spellings: "0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "+84 912345678",
  "+84912345678", "84912345678", "(+84) 912 345 678", "912345678", each channel its own mix.
- email variants: Gmail dots moved 10 %, "+tag" 5 %, capitals 8 %, googlemail.com 2 %, a domain
  typo 1 %.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from benchmarks.dedupe_data import Sample
from hub.model import Identity, LeadDraft

VN = timezone(timedelta(hours=7))
START = datetime(2024, 3, 1, tzinfo=VN)

SURNAMES = {"Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Phan": 4.5, "Hoàng": 4, "Huỳnh": 4,
            "Vũ": 3.5, "Võ": 3.5, "Đặng": 2, "Bùi": 2, "Đỗ": 1.5, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1,
            "Lý": 0.6, "Trương": 0.8, "Đinh": 0.6, "Lâm": 0.5, "Mai": 0.5, "Trịnh": 0.4, "Đoàn": 0.5,
            "Hà": 0.4, "Cao": 0.4, "Lương": 0.3, "Tạ": 0.2, "Quách": 0.1}
MIDDLE = {"m": ["Văn"] * 8 + ["Minh", "Đức", "Quốc", "Hữu", "Thanh", "Công", "Xuân", "Hoàng", "Gia", "Trọng", "Quang", "Anh"],
          "f": ["Thị"] * 9 + ["Ngọc", "Thu", "Thanh", "Minh", "Kim", "Mỹ", "Hồng", "Bảo", "Phương", "Thùy", "Khánh"]}
GIVEN = {"m": "Hùng Tuấn Dũng Minh Nam Hải Long Sơn Thắng Cường Huy Phúc Khoa Quân Trung Đức Hiếu Tài Phong "
              "Thành Bình Vinh Khánh Tùng Toàn An Bảo Duy Kiên Lâm Nghĩa Phát Quang Tâm Thịnh Việt Hưng Đạt Lộc".split(),
         "f": "Lan Hương Linh Trang Hoa Mai Ngọc Thảo Hằng Nga Hà Vy Anh Phương Thủy Yến Nhung Huyền Dung Loan "
              "Oanh Chi My Quỳnh Trâm Tuyết Nhi Giang Hạnh Thu Uyên Diệp Xuân Thư Hiền".split()}
COMMON = ["Nguyễn Văn Hùng", "Nguyễn Thị Lan", "Nguyễn Văn Nam", "Trần Văn Tuấn", "Nguyễn Thị Hương",
          "Lê Văn Minh", "Nguyễn Thị Linh", "Phạm Văn Dũng", "Nguyễn Văn Long", "Trần Thị Mai",
          "Nguyễn Thị Thu Trang", "Lê Thị Hoa"]
NICKS = "Bống Tí Tèo Bin Bo Su Mít Cún Na Xu Ốc Sóc Bi Heo Ken Tôm Nhím Gấu Mèo Bé".split()
ENGLISH = {"m": "Tony Kevin David Peter Jack Henry Leo".split(), "f": "Linda Lily Anna Jenny Vicky Daisy Rose".split()}
HONORIFIC = {"m": ["anh", "Anh", "a.", "Mr", "Mr.", "chú", "ông", "em"],
             "f": ["chị", "Chị", "c.", "Ms", "Mrs", "cô", "bà", "em"]}
PREFIXES = ("086 096 097 098 032 033 034 035 036 037 038 039 088 091 094 081 082 083 084 085 "
            "089 090 093 070 076 077 078 079 092 056 058 099 059").split()
OLD = {"032": "0162", "033": "0163", "034": "0164", "035": "0165", "036": "0166", "037": "0167", "038": "0168",
       "039": "0169", "070": "0120", "079": "0121", "077": "0122", "076": "0126", "078": "0128", "083": "0123",
       "084": "0124", "085": "0125", "081": "0127", "082": "0129", "056": "0186", "058": "0188", "059": "0199"}
PROVINCES: dict[str, tuple[float, list[str]]] = {  # canonical: (weight, spellings)
    "Hồ Chí Minh": (25, ["TP.HCM", "Hồ Chí Minh", "TP. Hồ Chí Minh", "Sài Gòn", "HCM", "Tp Hcm", "Ho Chi Minh City", "SG",
                         "Thành phố Hồ Chí Minh"]),
    "Hà Nội": (22, ["Hà Nội", "Ha Noi", "HN", "Hanoi", "TP Hà Nội", "Thủ đô Hà Nội"]),
    "Đà Nẵng": (5, ["Đà Nẵng", "Da Nang", "TP Đà Nẵng", "ĐN"]), "Hải Phòng": (4, ["Hải Phòng", "Hai Phong", "TP. Hải Phòng"]),
    "Cần Thơ": (3, ["Cần Thơ", "Can Tho", "TP Cần Thơ"]), "Bình Dương": (5, ["Bình Dương", "Binh Duong", "Tỉnh Bình Dương"]),
    "Đồng Nai": (5, ["Đồng Nai", "Dong Nai", "Biên Hòa, Đồng Nai"]),
    "Khánh Hòa": (2, ["Khánh Hòa", "Khánh Hoà", "Khanh Hoa", "Nha Trang"]),
    "Nghệ An": (3, ["Nghệ An", "Nghe An", "tỉnh Nghệ An"]), "Thanh Hóa": (3, ["Thanh Hóa", "Thanh Hoá", "Thanh Hoa"]),
    "Bắc Ninh": (2, ["Bắc Ninh", "Bac Ninh"]), "Quảng Ninh": (2, ["Quảng Ninh", "Quang Ninh", "Hạ Long, Quảng Ninh"]),
    "Long An": (2, ["Long An"]), "Lâm Đồng": (2, ["Lâm Đồng", "Lam Dong", "Đà Lạt"]),
    "Thừa Thiên Huế": (2, ["Thừa Thiên Huế", "Huế", "TT Huế", "Thua Thien Hue"]),
    "Bà Rịa - Vũng Tàu": (2, ["Bà Rịa - Vũng Tàu", "Vũng Tàu", "BR-VT", "Ba Ria Vung Tau"]),
    "Hải Dương": (2, ["Hải Dương", "Hai Duong"]), "Nam Định": (2, ["Nam Định", "Nam Dinh"]), "An Giang": (2, ["An Giang"]),
    "Đắk Lắk": (2, ["Đắk Lắk", "Đăk Lăk", "Dak Lak", "Buôn Ma Thuột"]),
}
CHANNELS = {"forms": 30, "facebook": 25, "zalo": 20, "messenger": 12, "import": 13}
PAGES = {"facebook": ["104233671922817", "187755302114096"], "messenger": ["104233671922817", "187755302114096"],
         "zalo": ["4318820117725331092", "1205593471283340655"]}
DOMAINS = {"gmail.com": 80, "yahoo.com": 6, "yahoo.com.vn": 3, "hotmail.com": 4, "outlook.com": 3, "icloud.com": 2,
           "company": 2}
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt"]
NOTES = ["Tư vấn giúp mình khóa học", "Báo giá giúp em", "Gọi sau 18h", "Quan tâm gói VIP", "đặt lịch thứ 7"]
ASKS = ["Cho mình hỏi giá sản phẩm này", "Shop ơi tư vấn giúp em với", "Còn hàng không ạ?", "ib em nhé",
        "Mình muốn đặt lịch", "Chương trình khuyến mãi còn không shop", "Giá bao nhiêu vậy ạ"]


def _pick(rng: random.Random, weights: dict[str, float] | list[tuple[str, float]]) -> str:
    items = list(weights.items()) if isinstance(weights, dict) else weights
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def fold(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@dataclass
class Person:
    id: int
    household: int | None
    role: str  # "single", "owner" (of the family phone), "husband", "wife", "child", "grandparent"
    gender: str  # "m" / "f"
    surname: str
    middle: str
    given: str
    nick: str | None
    english: str | None
    phone: str | None = None  # own primary number, national 10 digits
    phone2: str | None = None
    family_phone: str | None = None
    family_email: str | None = None
    email: str | None = None
    province: str = ""
    fb_name: str = ""
    zalo_name: str = ""
    ids: dict[tuple[str, str], str] = field(default_factory=dict)  # (channel, page / OA) -> user id

    @property
    def full(self) -> str:
        return " ".join(x for x in (self.surname, self.middle, self.given) if x)


class World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        self.locals: set[str] = set()
        self.given_w = {g: {g2: 1 / (i + 1) ** 0.8 for i, g2 in enumerate(GIVEN[g])} for g in GIVEN}

    def phone(self) -> str:
        while True:
            number = self.rng.choice(PREFIXES) + "".join(self.rng.choice("0123456789") for _ in range(7))
            if number not in self.phones:
                self.phones.add(number)
                return number

    def email(self, p: Person) -> str:
        rng = self.rng
        s, m, g = (fold(x).lower().replace(" ", "") for x in (p.surname, p.middle, p.given))
        initials = s[:1] + "".join(w[:1] for w in fold(p.middle).lower().split())
        year = str(rng.randint(1970, 2004))
        while True:
            local = rng.choice([f"{g}{s}{year[2:]}", f"{s}{m}{g}", f"{g}.{s}", f"{s}{g}{rng.randint(1, 999)}",
                                f"{initials}{g}", f"{g}{year}", f"{(fold(p.nick or g)).lower()}{g}{rng.randint(10, 99)}"])
            domain = _pick(rng, DOMAINS)
            if domain == "company":
                domain = rng.choice(["fpt.com.vn", "viettel.com.vn", "vng.com.vn", "tiki.vn", "abcgroup.vn"])
            address = f"{local}@{domain}"
            # One mailbox per person, as the hub reads mailboxes: Gmail ignores dots, and
            # yahoo.com.vn is a Yahoo ID like yahoo.com (issue #3).
            mailbox = f"{local.replace('.', '')}@{'yahoo.com' if domain == 'yahoo.com.vn' else domain}"
            if mailbox not in self.locals:
                self.locals.add(mailbox)
                return address

    def person(self, pid: int, household: int | None, role: str, gender: str, surname: str | None = None,
               common: bool = False) -> Person:
        rng = self.rng
        if common:
            parts = rng.choice(COMMON).split()
            surname, middle, given = parts[0], " ".join(parts[1:-1]), parts[-1]
            gender = "f" if "Thị" in middle else "m"
        else:
            surname = surname or _pick(rng, SURNAMES)
            r = rng.random()
            middle = "" if r < 0.04 else rng.choice(MIDDLE[gender])
            if r > 0.88 and gender == "f":
                middle = f"Thị {rng.choice(['Thu', 'Ngọc', 'Kim', 'Minh', 'Thanh'])}"
            given = _pick(rng, self.given_w[gender])
        p = Person(pid, household, role, gender, surname, middle, given,
                   rng.choice(NICKS) if rng.random() < 0.30 else None,
                   rng.choice(ENGLISH[gender]) if rng.random() < 0.10 else None,
                   province=_pick(rng, {k: v[0] for k, v in PROVINCES.items()}))
        own = {"single": 1.0, "husband": 0.9, "wife": 0.9, "child": 0.4, "grandparent": 0.5}[role]
        if rng.random() < own:
            p.phone = self.phone()
            p.phone2 = self.phone() if rng.random() < 0.08 else None
        if rng.random() < 0.62:
            p.email = self.email(p)
        p.fb_name, p.zalo_name = self.account_name(p, zalo=False), self.account_name(p, zalo=True)
        return p

    def account_name(self, p: Person, zalo: bool) -> str:
        rng = self.rng
        short = p.middle.split()[-1] + " " + p.given if p.middle else p.given
        menu = [(p.full, 30), (f"{p.given} {p.surname}", 22), (fold(rng.choice([p.full, f"{p.given} {p.surname}"])), 13),
                (short, 10), (f"{p.given} {p.nick}", 25 if p.nick else 0),
                (f"{p.english} {p.surname}", 35 if p.english else 0), (p.given, 7 + 8 * zalo),
                (f"{p.surname} {p.given}", 5)]
        if zalo:
            menu += [(f"Mẹ {rng.choice(NICKS)}" if p.gender == "f" else f"Bố {rng.choice(NICKS)}", 4),
                     (f"🌸 {p.given} {p.surname} 🌸", 3), (f"{p.given} Shop", 2), (f"{p.given} Spa - Mỹ phẩm", 2)]
        return _pick(rng, menu)


def _household(world: World, start: int, hid: int, size: int) -> list[Person]:
    rng = world.rng
    if size == 2 and rng.random() < 0.2:
        parent = world.person(start, hid, "grandparent", rng.choice("mf"))
        surname = parent.surname if parent.gender == "m" else None
        members = [parent, world.person(start + 1, hid, "child", rng.choice("mf"), surname)]
        owner = parent if parent.phone else members[1]
    else:
        husband = world.person(start, hid, "husband", "m")
        wife = world.person(start + 1, hid, "wife", "f")
        members = [husband, wife]
        for k in range(min(size, 4) - 2):
            members.append(world.person(start + 2 + k, hid, "child", rng.choice("mf"), husband.surname))
        if size == 5:
            members.append(world.person(start + 4, hid, "grandparent", "m", husband.surname))
        owner = wife if rng.random() < 0.55 else husband
    owner.phone = owner.phone or world.phone()
    owner.role = "owner"
    given_seen: set[str] = set()
    for m in members:
        renamed = False
        while fold(m.given) in given_seen:
            m.given, renamed = _pick(rng, world.given_w[m.gender]), True
        given_seen.add(fold(m.given))
        m.english = m.english if m.english not in given_seen else None  # no two "Henry"s in one family
        given_seen.add(m.english or "")
        if renamed and m.email:
            m.email = world.email(m)
        m.family_phone = owner.phone
        m.province = owner.province
    if owner.email and rng.random() < 0.25:
        for m in members:
            m.family_email = owner.email
    for m in members:  # names fixed now: (re)draw the account names
        m.fb_name, m.zalo_name = world.account_name(m, zalo=False), world.account_name(m, zalo=True)
    return members


def people(rng: random.Random, count: int) -> list[Person]:
    world = World(rng)
    out: list[Person] = []
    hid = 0
    while len(out) < count:
        if rng.random() < 0.10 and count - len(out) >= 2:
            size = min(count - len(out), int(_pick(rng, {"2": 40, "3": 30, "4": 25, "5": 5})))
            hid += 1
            out += _household(world, len(out), hid, size)
        else:
            out.append(world.person(len(out), None, "single", rng.choice("mf"), common=rng.random() < 0.07))
    return out


def typo(rng: random.Random, text: str) -> str:
    spots = [i for i, c in enumerate(text) if c.isalpha()]
    if len(spots) < 3:
        return text
    i, kind = rng.choice(spots[1:]), rng.random()
    if kind < 0.7 and i + 1 < len(text) and text[i + 1].isalpha() and kind >= 0.5:  # swap two letters
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    new = "" if kind < 0.3 else 2 * text[i] if kind < 0.7 else fold(text[i]) if kind < 0.85 else rng.choice("aeioumnthgc")
    return text[:i] + new + text[i + 1:]


def typed_name(rng: random.Random, p: Person, channel: str) -> str:
    imp = channel == "import"
    hon = rng.choice(HONORIFIC[p.gender])
    short = f"{p.surname} {p.given}"
    shape = [(p.full, 60), (short, 12), (f"{p.given} {p.surname} {p.middle}".strip(), 5), (f"{p.given} {p.surname}", 5),
             (p.given, 6), (f"{hon} {p.given}", 8 + 2 * imp), (f"{hon} {rng.choice([p.full, short])}", 2),
             (rng.choice([f"{p.given} {p.nick}", p.nick]) if p.nick else p.given, 2 if p.nick else 0)]
    name = _pick(rng, shape)
    if rng.random() < (0.35 if imp else 0.25):
        name = fold(name)
    r = rng.random()
    name = name.upper() if r < (0.30 if imp else 0.07) else name.lower() if r > 0.94 else name
    if rng.random() < 0.05:
        name = typo(rng, name)
    if rng.random() < 0.08:
        name = unicodedata.normalize("NFD", name)
    if rng.random() < 0.04:
        name = rng.choice([f" {name}", f"{name}  ", name.replace(" ", "  ", 1)])
    return name


def spell(rng: random.Random, number: str, style: str) -> str:
    """number: a national form, 10 or 11 digits with its leading 0."""
    sub = number[1:]
    a, b = (3, 6) if len(sub) == 9 else (4, 7)
    grouped = f"{sub[:a]} {sub[a:b]} {sub[b:]}"
    menus = {
        "typed": {"0" + sub: 45, f"0{grouped}": 15, "0" + grouped.replace(" ", "."): 8, "0" + grouped.replace(" ", "-"): 3,
                  f"+84 {sub}": 8, f"+84{sub}": 5, f"84{sub}": 6, f"(+84) {grouped}": 3, sub: 5},
        "facebook": {f"+84{sub}": 70, "0" + sub: 25, f"0{grouped}": 5},
        "zalo": {f"84{sub}": 100},
        "import": {"0" + sub: 50, sub: 15, f"0{grouped}": 10, "0" + grouped.replace(" ", "."): 8, f"84{sub}": 7,
                   f"+84 {sub}": 5, f"'0{sub}": 5},
        "chat": {"0" + sub: 55, f"0{grouped}": 20, "0" + grouped.replace(" ", "."): 10, f"+84{sub}": 5, sub: 10},
    }
    return _pick(rng, menus[style])


def email_variant(rng: random.Random, address: str) -> str:
    local, domain = address.split("@")
    if domain == "gmail.com":
        bare = local.replace(".", "")
        if rng.random() < 0.10:
            cut = rng.randint(1, len(bare) - 1)
            local = bare[:cut] + "." + bare[cut:]
        if rng.random() < 0.05:
            local += "+" + rng.choice(["fb", "shop", "ads", "2024", "promo"])
        if rng.random() < 0.02:
            domain = "googlemail.com"
        if rng.random() < 0.01:
            domain = rng.choice(["gmial.com", "gmai.com", "gmail.con", "gamil.com"])
    r = rng.random()
    if r < 0.04:
        local = local.capitalize()
    elif r < 0.08:
        local, domain = local.upper(), domain.upper()
    return f"{local}@{domain}"


def phone_digit_typo(rng: random.Random, number: str) -> str:
    i = rng.randrange(3, len(number))
    return number[:i] + str((int(number[i]) + rng.randint(1, 9)) % 10) + number[i + 1:]


def lead_phone(rng: random.Random, p: Person) -> str | None:
    share = {"owner": 1.0, "husband": 0.5, "wife": 0.5, "child": 0.75, "grandparent": 0.7, "single": 0.0}[p.role]
    if p.family_phone and (p.phone is None or rng.random() < share):
        return p.family_phone
    if p.phone2 and rng.random() < 0.25:
        return p.phone2
    return p.phone


def old_form(rng: random.Random, number: str, rate: float) -> str:
    return OLD[number[:3]] + number[3:] if number[:3] in OLD and rng.random() < rate else number


def lead_email(rng: random.Random, p: Person) -> str | None:
    address = p.family_email if p.family_email and (p.email is None or rng.random() < 0.5) else p.email
    return email_variant(rng, address) if address else None


def province(rng: random.Random, p: Person) -> str:
    name = p.province if rng.random() > 0.05 else _pick(rng, {k: v[0] for k, v in PROVINCES.items()})
    return rng.choice(PROVINCES[name][1])


class Leads:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.count = rng, 0

    def ref(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count:07d}{self.rng.randrange(1000):03d}"

    def uid(self, p: Person, channel: str) -> Identity:
        kind = "zalo" if channel == "zalo" else "messenger"
        scope = PAGES[kind][0] if self.rng.random() < 0.85 else PAGES[kind][1]
        if (kind, scope) not in p.ids:
            digits = 19 if kind == "zalo" else 16
            p.ids[(kind, scope)] = str(self.rng.randrange(10 ** (digits - 1), 10 ** digits))
        return Identity(kind, scope, p.ids[(kind, scope)])

    def make(self, p: Person, channel: str, at: datetime) -> Sample:
        rng = self.rng
        number = lead_phone(rng, p)
        if channel == "forms":
            typed = number and (phone_digit_typo(rng, number) if rng.random() < 0.015 else old_form(rng, number, 0.05))
            phones = (spell(rng, typed, "typed"),) if typed and rng.random() < 0.97 else ()
            split = rng.random() < 0.12  # "Họ" / "Tên" fields: Tên is the given name, or middle + given
            parts = p.full.split()
            cut = 1 if rng.random() < 0.4 else len(parts) - 1
            email = lead_email(rng, p) if rng.random() < 0.55 else None
            return Sample(p.id, p.household, LeadDraft(
                "forms", self.ref("sub_"), at, name=None if split else typed_name(rng, p, channel),
                given_name=" ".join(parts[cut:]) if split else None, family_name=" ".join(parts[:cut]) if split else None,
                phones=phones, emails=(email,) if email else (), province=province(rng, p) if rng.random() < 0.55 else None,
                text=rng.choice(NOTES) if rng.random() < 0.2 else None,
                attribution={"utm_source": rng.choice(["google", "facebook", "tiktok", "direct"])}))
        if channel == "facebook":
            account = p.phone2 if p.phone2 and rng.random() < 0.25 else number
            phones = (spell(rng, old_form(rng, account, 0.3), "facebook"),) if account and rng.random() < 0.95 else ()
            email = lead_email(rng, p) if rng.random() < 0.8 else None
            name = p.fb_name if rng.random() < 0.9 else typed_name(rng, p, channel)
            return Sample(p.id, p.household, LeadDraft(
                "facebook", self.ref("fbl_"), at, name=name, phones=phones, emails=(email,) if email else (),
                province=province(rng, p) if rng.random() < 0.35 else None,
                attribution={"form_id": rng.choice(["88121", "88177", "90311"]), "page_id": PAGES["facebook"][0]}))
        if channel in ("zalo", "messenger"):
            identity = self.uid(p, channel)
            text = rng.choice(ASKS).rstrip("?")
            if number and rng.random() < (0.40 if channel == "zalo" else 0.35):
                shown = spell(rng, old_form(rng, number, 0.05), "chat")
                me, given = "chị" if p.gender == "f" else "anh", fold(p.given) if rng.random() < 0.5 else p.given
                text = rng.choice([f"{text}, sđt {shown}", f"{text}. Gọi cho {me} số {shown}", shown,
                                   f"sdt: {shown} tư vấn giúp mình", f"Em tên {given}, số {shown}"])
            if p.email and rng.random() < 0.05:
                text += f" mail {lead_email(rng, p)}"
            phones = (spell(rng, number, "zalo"),) if channel == "zalo" and number and rng.random() < 0.10 else ()
            ref = self.ref("msg_" if channel == "zalo" else "m_")
            fetched = int(identity.external_id[-4:]) % 100 >= 4  # 96 %, the same for all the identity's chats
            profile = LeadDraft(channel, f"profile:{identity.scope}:{identity.external_id}", at + timedelta(seconds=2),
                                name=p.zalo_name if channel == "zalo" else p.fb_name, identity=identity) if fetched else None
            return Sample(p.id, p.household, LeadDraft(channel, ref, at, phones=phones, text=text, identity=identity), profile)
        phones = (spell(rng, old_form(rng, number, 0.25), "import"),) if number and rng.random() < 0.92 else ()
        email = lead_email(rng, p) if rng.random() < 0.45 else None
        return Sample(p.id, p.household, LeadDraft(
            "import", self.ref("csv_"), at, name=typed_name(rng, p, channel), phones=phones,
            emails=(email,) if email else (), province=province(rng, p) if rng.random() < 0.7 else None,
            address=f"{rng.randint(1, 300)} {rng.choice(STREETS)}" if rng.random() < 0.2 else None))


def generate(seed: int, people_count: int = 1500) -> list[Sample]:
    rng = random.Random(f"dedupe-third:{seed}")
    leads = Leads(rng)
    out: list[Sample] = []
    for p in people(rng, people_count):
        n = int(_pick(rng, {"1": 45, "2": 25, "3": 14, "4": 8, "5": 4, "6": 2, "7": 1.2, "8": 0.8}))
        at = START + timedelta(days=rng.randrange(240), hours=7 + rng.uniform(0, 16))
        channel = _pick(rng, CHANNELS)
        for k in range(n):
            if k:
                if rng.random() < 0.08:
                    at += timedelta(minutes=rng.uniform(1, 30))
                else:
                    day = at.replace(hour=0, minute=0, second=0) + timedelta(days=1 + int(rng.expovariate(1 / 12)))
                    at = day + timedelta(hours=7 + rng.uniform(0, 16))
                channel = channel if rng.random() < 0.4 else _pick(rng, CHANNELS)
            out.append(leads.make(p, channel, at.replace(microsecond=0)))
    out.sort(key=lambda s: (s.draft.captured_at, s.draft.source_ref))
    return out
