"""A second, independent generator of noisy Vietnamese leads with known truth (dedupe benchmark).

Written WITHOUT seeing the matcher (hub/dedupe, hub/normalize) or the first generator
(benchmarks/dedupe_data.py), from hub/model.py, shared/CHANNELS.md and general knowledge of
Vietnamese names and lead data, to see whether the matcher's accuracy generalises.
`generate(seed, people_count)` returns the leads of `people_count` people in capture order.

Rates (per person unless "per lead"):
- leads: 1 48 %, 2 25 %, 3 12 %, 4 7 %, 5 4 %, 6-8 4 % (mean ~2.1), each after the previous one
  by < 2 days (50 %) or ~Exp(20 days). Channel: the person's favourite for 55 % of leads, else
  forms 26 %, facebook (Lead Ads) 24 %, zalo 20 %, messenger 17 %, import 13 %.
- names: real surname frequencies (Nguyễn 38 %, Trần 11 %, Lê 9.5 %, Phạm 7 %, ...); 0/1/2 middle
  words 6/80/14 %; 116 Zipf-weighted given names (unisex; Hùng/Hưng, Dung/Dũng, Tâm/Tám, Thủy/
  Thúy/Thùy, Nga/Ngà); 5 % carry one of 10 very common full names (75 % of them in HCM / Hà Nội).
  Forms and imports (per lead): as registered 46 %, no diacritics 18 %, middle dropped 7 %,
  Western order 9 %, honorific 6 %, given only 4 %, nickname 3 %, junk 2 %; then old tone
  placement (Hoà, Thuý) 40 % where it applies, one-letter typo 4 %, CAPS 6 % (imports 20 %),
  lower 5 %, NFD 8 %, extra spaces 5 %; imports without a name 5 %.
- Facebook account name (kept on 92 % of Lead Ads; the Messenger profile): Vietnamese order 45 %,
  "Hùng Nguyễn" 22 %, "Hùng Văn Nguyễn" 5 %, "Hùng Nguyễn Văn" 3 %, "Nguyễn Hùng" 4 %, no
  diacritics 8 %, with nickname 6 %, English first name 5 %, decorated 2 %. Zalo display name: full
  35 %, given 10 %, Western 8 %, no diacritics 12 %, kinship + given 13 %, "Mẹ Bin" 3 %, nickname
  9 %, decorated 5 %, English 3 %, shop 2 %.
- phones: Viettel 50 %, MobiFone 25 %, VinaPhone 20 %, others 5 %; 45 % of people whose number had
  an 11-digit form type it on 35 % of leads (on the Facebook account 6 %); 10 % have 2 phones; per
  typed phone a wrong digit 2 %, two digits swapped 1 %; none on 5 % of forms, 8 % of imports, 2 %
  of Lead Ads; 12 spellings (imports drop the leading 0 25 %, Lead Ads "+84..." 75 %). In the text
  of 40 % of Zalo / 30 % of Messenger messages; 8 % of Zalo leads are info forms ("84...").
- emails: 62 % have one (8 % of them two), 80 % Gmail; per lead Gmail dots added / removed 8 %,
  +tag 3 %, domain typo 3 %, capitals 8 %; in 3 % of chat messages.
- households: 6 % of draws make one of 2-4 people: a father, a mother (70 %, her own surname) and
  children (his surname, distinct given names, a shared middle name 60 %) on the father's phone, in
  one province; 35 % of members also have their own phone, 8 % use the father's email.
- provinces: 22, TP.HCM 30 %, Hà Nội 24 %, typed several ways; on 60 % of forms, 75 % of imports,
  25 % of Lead Ads, 50 % of Zalo info forms; 4 % name another province.
"""
from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from benchmarks.dedupe_data import Sample
from hub.model import Identity, LeadDraft

Name = tuple[str, tuple[str, ...], str]  # family, middle words, given
START, DAYS = datetime(2025, 3, 3, tzinfo=timezone(timedelta(hours=7))), 150
HOURS = [0] * 6 + [1, 2, 3, 4, 4, 4, 5, 4, 4, 4, 4, 4, 4, 5, 7, 8, 7, 4]  # evenings peak
CHANNELS = {"forms": 26, "facebook": 24, "zalo": 20, "messenger": 17, "import": 13}
SURNAMES = {"Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 3.5, "Huỳnh": 3, "Phan": 3,
            "Vũ": 2.5, "Võ": 2.5, "Đặng": 2, "Bùi": 2, "Đỗ": 1.5, "Hồ": 1.3, "Ngô": 1.3,
            "Dương": 1, "Lý": 0.6, "Trương": 1, "Đinh": 0.8, "Đoàn": 0.6, "Lâm": 0.5, "Mai": 0.4,
            "Cao": 0.4, "Lương": 0.4, "Trịnh": 0.4, "Hà": 0.4, "Tạ": 0.3, "Tô": 0.2, "Châu": 0.2}
MIDDLE = {True: {"Văn": 45, "Đức": 8, "Minh": 8, "Hữu": 6, "Quốc": 5, "Thanh": 5, "Công": 4,
                 "Xuân": 3, "Đình": 4, "Quang": 4, "Gia": 3, "Bảo": 2, "Ngọc": 2, "Hoàng": 2},
          False: {"Thị": 50, "Ngọc": 9, "Thu": 6, "Thanh": 5, "Minh": 3, "Bảo": 3, "Kim": 4,
                  "Phương": 3, "Mỹ": 3, "Hồng": 4, "Khánh": 2, "Diệu": 2, "Hoài": 2, "Thùy": 2}}
SECOND_MIDDLE = {True: ["Minh", "Gia", "Bảo", "Hoàng", "Anh", "Đức", "Quang", "Khánh"],
                 False: ["Thu", "Ngọc", "Kim", "Thanh", "Hồng", "Mỹ", "Bảo", "Minh", "Khánh"]}
SIBLING_MIDDLE = ["Minh", "Gia", "Bảo", "Ngọc", "Thanh", "Khánh", "Hoàng", "Anh"]
UNISEX = ["Anh", "Linh", "Thanh", "Tâm", "Ngọc", "Khánh", "An", "Bình", "Giang", "Phương", "Xuân"]
GIVEN = {True: ["Hùng", "Minh", "Tuấn", "Dũng", "Nam", "Huy", "Hải", "Long", "Đức", "Sơn", "Thắng",
                "Cường", "Hưng", "Khoa", "Phúc", "Quân", "Tùng", "Trung", "Hiếu", "Vinh", "Thành",
                "Phong", "Toàn", "Việt", "Hoàng", "Đạt", "Duy", "Kiên", "Lộc", "Tài", "Thịnh",
                "Tú", "Quang", "Nghĩa", "Tiến", "Tám", "Hậu", "Lâm", "Khải", "Bảo", "Vũ", "Thái",
                "Nhân", "Hòa", "Tín", "Trí", "Hào", "Khang", "Sang", "Phát", "Thiện", "Lợi", "Lân",
                "Tân", "Quý", "Chiến", "Hiệp"],
         False: ["Lan", "Hương", "Linh", "Trang", "Thảo", "Hà", "Mai", "Hằng", "Dung", "Nhung",
                "Yến", "Hạnh", "Huyền", "Thủy", "Hoa", "Loan", "Oanh", "Vy", "Nhi", "Trâm",
                "Quỳnh", "Ánh", "Diệp", "My", "Chi", "Hiền", "Uyên", "Thư", "Thúy", "Thùy", "Nga",
                "Ngà", "Vân", "Châu", "Hồng", "Liên", "Nhàn", "Tuyết", "Ngân", "Thắm", "Duyên",
                "Hoài", "Diễm", "Kiều", "Trinh", "Tiên", "Hân", "Thơ", "Nguyệt", "Hòa"]}
for _pool in GIVEN.values():  # unisex names spread over the top of both pools (Zipf weights)
    for _rank, _name in enumerate([name for name in UNISEX if name not in _pool]):
        _pool.insert(2 + 4 * _rank, _name)
COMMON_FULL = [("Nguyễn", ("Văn",), "Hùng", True), ("Nguyễn", ("Thị",), "Lan", False),
               ("Trần", ("Thị",), "Hương", False), ("Nguyễn", ("Văn",), "Nam", True),
               ("Nguyễn", ("Thị",), "Hằng", False), ("Lê", ("Văn",), "Dũng", True),
               ("Nguyễn", ("Ngọc",), "Anh", False), ("Phạm", ("Thị",), "Mai", False),
               ("Trần", ("Văn",), "Minh", True), ("Nguyễn", ("Thị",), "Thảo", False)]
NICKNAMES = ["Bin", "Bống", "Tí", "Tèo", "Su", "Mít", "Na", "Bơ", "Cún", "Ken", "Bi", "Gấu", "Heo",
             "Xoài", "Sóc", "Kem", "Bé", "Út", "Bo", "Mun"]
ENGLISH = {True: ["Tony", "Kevin", "Peter", "David", "John", "Henry", "Jack"],
           False: ["Linda", "Anna", "Lily", "Vivian", "Jenny", "Cindy", "Rose"]}
HONORIFIC = {True: ["anh", "Anh", "a.", "a", "chú", "Mr", "em", "bác"],
             False: ["chị", "Chị", "c.", "c", "cô", "Ms", "em", "bà"]}
JUNK = ["Khách hàng", "Khách", "Shop Mẹ Bắp", "Shop Hoa Xinh", "Admin", "🌸🌸", "Test", "abc",
        "Chủ shop", "User 123", ".", "Zalo User"]
PROVINCES = [(30, "TP.HCM|Hồ Chí Minh|TP Hồ Chí Minh|HCM|Sài Gòn|Sai Gon|tphcm|TPHCM|SG|Quận 7"),
             (24, "Hà Nội|Ha Noi|HN|hà nội|Hanoi|TP Hà Nội|Cầu Giấy, Hà Nội"),
             (5, "Đà Nẵng|Da Nang|ĐN|đà nẵng"), (4, "Hải Phòng|Hai Phong|HP"),
             (3, "Cần Thơ|Can Tho|TP Cần Thơ"), (4, "Bình Dương|Binh Duong|BD|Thủ Dầu Một"),
             (3, "Đồng Nai|Dong Nai|Biên Hòa"), (3, "Nghệ An|Nghe An|Vinh, Nghệ An"),
             (3, "Thanh Hóa|Thanh Hoá|Thanh Hoa"), (2, "Khánh Hòa|Nha Trang|Khanh Hoa"),
             (2, "Quảng Ninh|Quang Ninh|Hạ Long"), (2, "Bắc Ninh|Bac Ninh"),
             (2, "Huế|Thừa Thiên Huế|Hue"), (2, "Lâm Đồng|Đà Lạt|Lam Dong"),
             (1.5, "An Giang|Long Xuyên"), (1.5, "Đắk Lắk|Đắc Lắc|Buôn Ma Thuột"),
             (1.5, "Nam Định|Nam Dinh"), (1.5, "Thái Bình|Thai Binh"), (1.5, "Long An"),
             (1.5, "Vũng Tàu|Bà Rịa - Vũng Tàu|BR-VT"), (1, "Kiên Giang|Phú Quốc"),
             (1, "Bình Định|Quy Nhơn")]
OLD_PREFIX = {**{f"03{d}": f"016{d}" for d in "23456789"}, "070": "0120", "079": "0121",
              "077": "0122", "076": "0126", "078": "0128", "083": "0123", "084": "0124",
              "085": "0125", "081": "0127", "082": "0129", "056": "0186", "058": "0188",
              "059": "0199"}
CARRIERS = [(50, "032 033 034 035 036 037 038 039 086 096 097 098"),  # Viettel
            (25, "070 076 077 078 079 0898 090 093"), (20, "081 082 083 084 085 088 091 094"),
            (3, "056 058 092"), (2, "059 0993 0994 0995 0996 0997")]
PREFIXES = {p: w / len(ps.split()) for w, ps in CARRIERS for p in ps.split()}
PHONE_STYLES = [34, 12, 10, 4, 10, 7, 6, 3, 4, 4, 4, 2]  # the 12 spellings of spell_phone
IMPORT_STYLES = [*PHONE_STYLES[:9], 25, *PHONE_STYLES[10:]]  # spreadsheets drop the leading 0
AD_STYLES = [25, 0, 0, 0, 75] + [0] * 7  # Lead Ads prefill: mostly +84...
ZALO_INFO_STYLES = [0] * 5 + [1] + [0] * 6  # user_submit_info: 84...
MAIL_DOMAINS = {"gmail.com": 80, "yahoo.com": 7, "yahoo.com.vn": 3, "hotmail.com": 3,
                "outlook.com": 3, "icloud.com": 2, "fpt.com.vn": 1, "vnpt.vn": 1}
DOMAIN_TYPOS = ["gmial.com", "gmail.con", "gmai.com", "gamil.com", "gmail.co", "gmal.com"]
OPENERS = ["Cho em hỏi giá ạ", "Shop ơi tư vấn giúp mình", "Còn hàng không ạ?", "Báo giá giúp em",
           "Mình muốn đăng ký khóa học", "ib em với", "Tư vấn cho chị sản phẩm này", "Chào shop",
           "gia bao nhieu vay shop", "cho minh hoi dia chi cua hang", "Em muốn đặt lịch", "ok",
           "👍", "Chương trình khuyến mãi còn không ạ"]
PHONE_PHRASES = ["sđt {p}", "zalo {p}", "số em {p} nhé", "sdt: {p}", "liên hệ {p}", "{p}",
                 "gọi mình {p}", "em tên {g}, sđt {p}", "SĐT {p} ạ", "Đt {p}"]
TONES = "\u0300\u0301\u0303\u0309\u0323"
OLD_TONES = {f"{a}{t}{b}": f"{a}{b}{t}" for a, b in ("oa", "oe", "uy") for t in TONES}
FULL_WIDTH = {ord("0") + d: 0xFF10 + d for d in range(10)}  # for str.translate


def pick(rng: random.Random, table: dict[str, float]) -> str:
    """A key of `table`, drawn with the values as weights."""
    return rng.choices(list(table), weights=list(table.values()))[0]


def fold(text: str) -> str:
    """Text without diacritics, đ → d."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


def old_tones(text: str) -> str:
    """Old-style tone placement: Hòa → Hoà, Thủy → Thuỷ."""
    text = unicodedata.normalize("NFD", text)
    for new, old in OLD_TONES.items():
        text = text.replace(new, old)
    return unicodedata.normalize("NFC", text)


def old_form(number: str) -> str | None:
    """The pre-2018 11-digit spelling of a 10-digit mobile number, if it had one."""
    prefix = OLD_PREFIX.get(number[:3])
    return prefix + number[3:] if prefix else None


def typo(rng: random.Random, text: str) -> str:
    """One slip on one letter: dropped, doubled, swapped, wrong tone mark or wrong letter."""
    spots = [i for i, c in enumerate(text) if c.isalpha()][1:]
    if len(spots) < 2:
        return text
    i, roll = rng.choice(spots), rng.random()
    head, char, tail = text[:i], text[i], text[i + 1:]
    if roll < 0.3:
        return head + tail
    if roll < 0.5:
        return head + char + char + tail
    if roll < 0.7 and tail[:1].isalpha():
        return head + tail[0] + char + tail[1:]
    marks = unicodedata.normalize("NFD", char)
    base = "".join(c for c in marks if c not in TONES)
    if roll < 0.85 and fold(base).lower() in "aeiouy":
        current = next((m for m in marks if m in TONES), "")
        tone = rng.choice([t for t in [*TONES, ""] if t != current])
        return head + unicodedata.normalize("NFC", base + tone) + tail
    return head + rng.choice([c for c in "aeiounhgtmc" if c != char]) + tail


@dataclass
class Person:
    """The truth about one person, drawn once."""

    pid: int
    male: bool
    family: str
    middle: tuple[str, ...]
    given: str
    province: int  # index into PROVINCES
    phones: list[str]  # 10-digit national numbers; the first is the one used most
    household: int | None
    old_style: bool = False  # still types the pre-2018 11-digit form now and then
    emails: list[str] = field(default_factory=list)
    nickname: str = ""
    fb_name: str = ""  # Facebook account name (Lead Ads prefill, Messenger profile)
    fb_phone: str = ""  # the number on the Facebook account (sometimes its old form)
    zalo_name: str = ""
    psid: str = ""
    zalo_id: str = ""
    favourite: str = ""  # the channel most of this person's leads come from

    @property
    def full(self) -> str:
        return " ".join([self.family, *self.middle, self.given])


def _mailbox(address: str) -> str:
    """The mailbox an address reaches: Gmail ignores dots, and a Yahoo ID is one name across
    Yahoo's regional domains (x@yahoo.com.vn and x@yahoo.com are one account), so two people
    never get addresses that differ only so. (Added after the first runs: at 20,000 people
    strangers got x@yahoo.com and x@yahoo.com.vn.)"""
    local, domain = address.split("@")
    if domain == "gmail.com":
        local = local.replace(".", "")
    return f"{local}@{'yahoo.com' if domain == 'yahoo.com.vn' else domain}"


class AltGenerator:
    """Draws people, then their leads; every draw comes from one seeded Random."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"dedupe-alt:{seed}")
        self.taken: set[str] = set()  # phones, emails and chat ids already given to someone
        self.households = 0

    def unique(self, make: Callable[[], str], key: Callable[[str], str] = str) -> str:
        while key(value := make()) in self.taken:
            pass
        self.taken.add(key(value))
        return value

    # ---- people ---------------------------------------------------------------------------
    def people(self, count: int) -> list[Person]:
        out: list[Person] = []
        while len(out) < count:
            left = count - len(out)
            if left >= 2 and self.rng.random() < 0.06:
                out += self.household(len(out), min(left, self.rng.choice([2, 2, 3, 3, 4])))
            else:
                out.append(self.person(len(out)))
        return out

    def draw_name(self, male: bool, family: str | None = None, taken: Collection[str] = ()) -> Name:
        rng = self.rng
        if family is None and not taken and rng.random() < 0.05:
            return rng.choice([c for c in COMMON_FULL if c[3] == male])[:3]
        family, roll = family or pick(rng, SURNAMES), rng.random()
        first = pick(rng, {m: w for m, w in MIDDLE[male].items() if roll <= 0.86 or m != "Văn"})
        middle: tuple[str, ...] = () if roll < 0.06 else (first,)
        if roll > 0.86:  # two middle words: Thị Thu, Hoàng Gia, Ngọc Bảo...
            middle += (rng.choice([m for m in SECOND_MIDDLE[male] if m != first]),)
        weights = [1 / (rank + 4) ** 0.9 for rank in range(len(GIVEN[male]))]
        while (given := rng.choices(GIVEN[male], weights)[0]) in {*taken, *middle}:
            pass
        return family, middle, given

    def person(self, pid: int, male: bool | None = None, name: Name | None = None,
               province: int | None = None, household: int | None = None,
               phones: list[str] | None = None) -> Person:
        rng = self.rng
        male = rng.random() < 0.48 if male is None else male
        family, middle, given = name or self.draw_name(male)
        if province is None and (family, middle, given, male) in COMMON_FULL:
            province = rng.randrange(2) if rng.random() < 0.75 else None  # TP.HCM or Hà Nội
        if province is None:
            province = rng.choices(range(len(PROVINCES)), [w for w, _ in PROVINCES])[0]
        phones = phones or [self.new_phone() for _ in range(2 if rng.random() < 0.10 else 1)]
        p = Person(pid, male, family, middle, given, province, phones, household,
                   old_style=rng.random() < 0.45, nickname=rng.choice(NICKNAMES))
        if rng.random() < 0.62:
            p.emails = [self.new_email(p) for _ in range(2 if rng.random() < 0.08 else 1)]
        old = old_form(phones[0])
        p.fb_phone = old if old and p.old_style and rng.random() < 0.06 else phones[0]
        p.fb_name, p.zalo_name = self.fb_name(p), self.zalo_name(p)
        p.psid = self.unique(lambda: str(rng.randrange(10**15, 10**17)))
        p.zalo_id = self.unique(lambda: str(rng.randrange(10**17, 10**19)))
        p.favourite = pick(rng, CHANNELS)
        return p

    def household(self, first_pid: int, size: int) -> list[Person]:
        """A father, often a mother (her own surname), children; all share the father's phone."""
        rng = self.rng
        self.households += 1
        head = self.person(first_pid, male=True, household=self.households)
        members, givens = [head], {head.given}
        sibling_middle = rng.choice(SIBLING_MIDDLE) if rng.random() < 0.6 else None
        for k in range(1, size):
            spouse = k == 1 and rng.random() < 0.7
            male = False if spouse else rng.random() < 0.5
            family, middle, given = self.draw_name(male, None if spouse else head.family, givens)
            if spouse and family == head.family and rng.random() < 0.9:
                family = pick(rng, SURNAMES)  # wives keep their own surname
            elif not spouse and sibling_middle:
                middle = (sibling_middle,)
            givens.add(given)
            own = [self.new_phone()] if rng.random() < 0.35 else []
            members.append(self.person(first_pid + k, male, (family, middle, given),
                                       head.province, self.households, [head.phones[0], *own]))
            if head.emails and rng.random() < 0.08:
                members[-1].emails = [head.emails[0]]
        return members

    def new_phone(self) -> str:
        rng = self.rng
        return self.unique(lambda: (prefix := pick(rng, PREFIXES))
                           + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix))))

    def new_email(self, p: Person) -> str:
        rng = self.rng
        g, f, nick = fold(p.given).lower(), fold(p.family).lower(), fold(p.nickname).lower()
        mid = [fold(m).lower() for m in p.middle]
        ini = "".join(m[0] for m in mid)
        yy, year = f"{rng.randrange(75, 106) % 100:02d}", str(rng.randrange(1975, 2006))
        local = rng.choice([f"{g}{f}{yy}", f + "".join(mid) + g, f"{g}.{f[0]}{ini}", g + year,
                            f"{f}.{g}{yy}", f"{f[0]}{ini}{g}", f"{nick}{g}{yy}", f"{g}_{f}"])
        domain = pick(rng, MAIL_DOMAINS)
        return self.unique(lambda: f"{local}{rng.randrange(100) if rng.random() < 0.3 else ''}"
                                   f"@{domain}", key=_mailbox)

    def fb_name(self, p: Person) -> str:
        rng, given, family, middle = self.rng, p.given, p.family, " ".join(p.middle)
        return " ".join(rng.choices(
            [p.full, f"{given} {family}", f"{given} {middle} {family}",
             f"{given} {family} {middle}", f"{family} {given}",
             fold(rng.choice([p.full, f"{given} {family}"])),
             rng.choice([f"{p.nickname} {family}", f"{given} {p.nickname}"]),
             f"{rng.choice(ENGLISH[p.male])} {family}", f"✿ {given} {family} ✿"],
            [45, 22, 5, 3, 4, 8, 6, 5, 2])[0].split())

    def zalo_name(self, p: Person) -> str:
        rng = self.rng
        kin = rng.choice(["Anh", "Chú", "Bác"] if p.male else ["Chị", "Cô", "Em"])
        return rng.choices(
            [p.full, p.given, f"{p.given} {p.family}", fold(p.full), f"{kin} {p.given}",
             f"{'Ba' if p.male else 'Mẹ'} {rng.choice(NICKNAMES)}",
             rng.choice([p.nickname, f"{p.given} {p.nickname}"]),
             rng.choice([f"🌸 {p.given} 🌸", f"{p.given} ✔️", f"꧁{p.given}꧂"]),
             rng.choice(ENGLISH[p.male]), rng.choice(JUNK[2:4])],
            [35, 10, 8, 12, 13, 3, 9, 5, 3, 2])[0]

    # ---- spellings ------------------------------------------------------------------------
    def typed_name(self, p: Person, channel: str) -> str | None:
        rng = self.rng
        if channel == "import" and rng.random() < 0.05:
            return None
        middle, honor = " ".join(p.middle), rng.choice(HONORIFIC[p.male])
        name = " ".join(rng.choices(
            [p.full, fold(p.full), f"{p.family} {p.given}", f"{p.given} {p.family}",
             f"{p.given} {middle} {p.family}", f"{p.given} {p.family} {middle}",
             f"{honor} {rng.choice([p.given, p.full])}", p.given, p.nickname, rng.choice(JUNK)],
            [46, 18, 7, 5, 2, 2, 6, 4, 3, 2])[0].split())
        changes: list[tuple[float, Callable[[str], str]]] = [
            (0.40, old_tones), (0.04, lambda s: typo(rng, s)),
            (0.20 if channel == "import" else 0.06, str.upper), (0.05, str.lower),
            (0.08, lambda s: unicodedata.normalize("NFD", s)),
            (0.05, lambda s: rng.choice([f" {s}", f"{s} ", s.replace(" ", "  ", 1)]))]
        for rate, change in changes:
            if rng.random() < rate:
                name = change(name)
        return name

    def spell_phone(self, number: str, styles: list[float] = PHONE_STYLES) -> str:
        """One of 12 ways of writing a number (10 digits, or an old 11-digit one)."""
        d, n = number, number[1:]
        return [d, f"{d[:4]} {d[4:7]} {d[7:]}", f"{d[:4]}.{d[4:7]}.{d[7:]}",
                f"{d[:4]}-{d[4:7]}-{d[7:]}", f"+84{n}", f"84{n}", f"+84 {n[:3]} {n[3:6]} {n[6:]}",
                f"0084{n}", f"(+84) {n}", n, f"{d[:3]} {d[3:6]} {d[6:]}",
                d.translate(FULL_WIDTH)][self.rng.choices(range(12), styles)[0]]

    def phone_as_typed(self, p: Person, number: str, styles: list[float] = PHONE_STYLES) -> str:
        """A number as the person types it: sometimes its old form, rarely with a slip."""
        rng = self.rng
        old = old_form(number)
        if old and p.old_style and rng.random() < 0.35:
            number = old
        roll, digits = rng.random(), list(number)
        if roll < 0.02:  # a wrong digit: another number
            i = rng.randrange(3, len(digits))
            digits[i] = rng.choice([d for d in "0123456789" if d != digits[i]])
        elif roll < 0.03:  # two neighbours swapped
            i = rng.randrange(3, len(digits) - 1)
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
        return self.spell_phone("".join(digits), styles)

    def email_as_typed(self, address: str) -> str:
        rng = self.rng
        local, domain = address.split("@")
        if domain == "gmail.com":
            if rng.random() < 0.08:
                i = rng.randrange(1, len(local))
                local = local.replace(".", "") if "." in local else f"{local[:i]}.{local[i:]}"
            if rng.random() < 0.03:
                local += "+" + rng.choice(["fb", "shop", "ads", "1", "vn"])
            if rng.random() < 0.03:
                domain = rng.choice(DOMAIN_TYPOS)
        if rng.random() < 0.08:
            local = local.upper() if rng.random() < 0.25 else local.capitalize()
        return f"{local}@{domain}"

    def province_as_typed(self, p: Person, rate: float) -> str | None:
        rng = self.rng
        if rng.random() >= rate:
            return None
        index = p.province if rng.random() >= 0.04 else rng.randrange(len(PROVINCES))
        return rng.choice(PROVINCES[index][1].split("|"))

    # ---- leads ----------------------------------------------------------------------------
    def lead(self, p: Person, channel: str, at: datetime, ref: str) -> Sample:
        rng = self.rng
        number = p.phones[0] if len(p.phones) == 1 or rng.random() < 0.6 else p.phones[-1]
        email = (p.emails[0] if rng.random() < 0.7 else p.emails[-1]) if p.emails else None
        phones: tuple[str, ...] = ()
        if channel in ("zalo", "messenger"):
            return self.chat(p, channel, at, ref, number, email)
        if channel == "facebook":  # prefilled from the account; rarely edited
            if rng.random() < 0.05:
                phones = (self.phone_as_typed(p, number),)
            elif rng.random() < 0.98:
                phones = (self.spell_phone(p.fb_phone, AD_STYLES),)
            name = p.fb_name if rng.random() < 0.92 else self.typed_name(p, channel)
            draft = LeadDraft(channel, ref, at.astimezone(UTC), name=name, phones=phones,
                              emails=(email,) if email and rng.random() < 0.9 else (),
                              province=self.province_as_typed(p, 0.25))
            return Sample(person=p.pid, household=p.household, draft=draft)
        if rng.random() >= (0.08 if channel == "import" else 0.05):  # forms and CSV rows
            numbers = p.phones if len(p.phones) > 1 and rng.random() < 0.15 else [number]
            styles = IMPORT_STYLES if channel == "import" else PHONE_STYLES
            phones = tuple(self.phone_as_typed(p, n, styles) for n in numbers)
        draft = LeadDraft(
            channel, ref, at, name=self.typed_name(p, channel), phones=phones,
            emails=(self.email_as_typed(email),) if email and rng.random() < 0.85 else (),
            province=self.province_as_typed(p, 0.75 if channel == "import" else 0.6))
        return Sample(person=p.pid, household=p.household, draft=draft)

    def chat(self, p: Person, channel: str, at: datetime, ref: str, number: str,
             email: str | None) -> Sample:
        """A Zalo / Messenger message: no name, maybe a phone in the text; the profile's name."""
        rng = self.rng
        scope, uid = ("oa1", p.zalo_id) if channel == "zalo" else ("page1", p.psid)
        identity = Identity(channel, scope, uid)
        phones: tuple[str, ...] = ()
        province, text = None, rng.choice(OPENERS)
        if channel == "zalo" and rng.random() < 0.08:  # user_submit_info: the phone as 84...
            phones, text = (self.spell_phone(number, ZALO_INFO_STYLES),), None
            province = self.province_as_typed(p, 0.5)
        elif rng.random() < (0.40 if channel == "zalo" else 0.30):
            said = rng.choice(PHONE_PHRASES).format(p=self.phone_as_typed(p, number), g=p.given)
            text = rng.choice([said, f"{text}. {said}", f"{text} {said}"])
        if text and email and rng.random() < 0.03:
            text += f" mail {self.email_as_typed(email)}"
        name = p.zalo_name if channel == "zalo" else p.fb_name
        profile = LeadDraft(channel, f"profile:{scope}:{uid}", at, name=name, identity=identity)
        draft = LeadDraft(channel, ref, at, phones=phones, province=province, text=text,
                          identity=identity)
        return Sample(person=p.pid, household=p.household, draft=draft, profile=profile)

    def schedule(self, p: Person) -> list[tuple[datetime, str]]:
        """When this person's leads come, and through which channel."""
        rng = self.rng
        at = START + timedelta(days=rng.randrange(DAYS), hours=rng.choices(range(24), HOURS)[0],
                               seconds=rng.randrange(3600))
        plan = []
        for k in range(rng.choices(range(1, 9), [48, 25, 12, 7, 4, 2, 1.2, 0.8])[0]):
            if k:
                at += (timedelta(hours=rng.uniform(0.02, 48)) if rng.random() < 0.5
                       else timedelta(days=rng.expovariate(1 / 20)))
            plan.append((at, p.favourite if rng.random() < 0.55 else pick(rng, CHANNELS)))
        return plan


def generate(seed: int, people_count: int = 1500) -> list[Sample]:
    """The leads of `people_count` people in capture order; the same for the same arguments."""
    gen = AltGenerator(seed)
    people = gen.people(people_count)
    plan = sorted(((at, p.pid, k, channel) for p in people
                   for k, (at, channel) in enumerate(gen.schedule(p))), key=lambda row: row[:3])
    return [gen.lead(people[pid], channel, at, f"alt{seed}-{i}")
            for i, (at, pid, _k, channel) in enumerate(plan)]
