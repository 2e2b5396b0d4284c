"""A fourth seeded generator of noisy Vietnamese leads with known truth, written as an outside
evaluator (without reading the matcher, normalizer, store or other generators) to catch wrong
automatic merges: families, workplaces and sales collaborators sharing a phone or a mailbox,
relatives and strangers whose given names are one tone or letter apart, strangers with the
commonest full names; next to the usual noise of one person's leads.

    samples = generate(seed=1, people_count=1500)  # list[Sample], sorted by captured_at

Truth: a lead belongs to the one person it is about (a grandparent's form typed on the
grandchild's phone is the grandparent's). `household` is shared by people who share a phone or a
mailbox (a family, a workplace, a CTV and her customers), else None. A channel identity (Zalo
user, Messenger PSID) is one person's, as the hub's rules assume. Outside a household no two
people share a number, nor a mailbox under Gmail's rules (case, dots, +tags, googlemail.com) or
yahoo.com.vn = yahoo.com; a typed slip never lands on someone else's number.

DATASHEET (per unit / person / lead; everything from one random.Random(seed))
Units until people_count: single 60 % (10 % of them one of 20 very common full names, "Nguyễn Văn
  Hùng"..., 80 % of those in Hà Nội / TP.HCM); couple 5 %; parent + adult child 4 %; siblings
  (2: 75 %, 3: 25 %) 3.5 %; grandparent + grandchild 2 %; 2-5 colleagues 2.3 %; CTV + 2-6
  customers 1.6 %. -> ~56 % of people alone, 28 % in families, 8 % colleagues, 7.5 % CTV groups.
Couple: family names independent; the household phone is the husband's (60 %) or the wife's, the
  other types it on 35 % of leads. Parent + child: a father's child has his family name; the
  parent (own phone 80 %) types the child's phone on 50 %. Siblings: same family name, same
  middle name 55 % if of one sex; in 25 % the eldest and the next get given names one tone or
  letter apart (Hưng/Hùng, Tuấn/Tuân, Thanh/Thành, Quân/Quang, Tú/Tùng, Lâm/Lân, Vinh/Vĩnh,
  Thắng/Thăng, Hoa/Hòa, Hương/Hường, Thủy/Thúy, Phương/Phượng, Nga/Ngà; brother/sister Dũng/Dung,
  Lân/Lan, Tráng/Trang, Hiển/Hiền); the younger type the eldest's phone on 30 %. A family
  mailbox (the first member's) in 25 % of couples, 20 % of the others, typed by the rest on
  50 %. Grandparent (born 1935-58, own phone 35 %): 85 % of leads (all, without a phone) typed by
  the grandchild with his/her phone (+ email 50 %), "Bà"/"Ông" first 35 %; form 60 %, import
  20 %, Lead Ads on the grandchild's Facebook 20 %.
Workplace: hotline a landline (028/024/0236...) 50 % or a mobile; a company mailbox 70 %
  (info@minhphat.vn, minhphat@gmail.com...); SIMs consecutive (or one apart) in 40 %; hotline on
  40 % of a colleague's leads, company mailbox on 50 %; " - Cty X" after the name 8 % of typed
  leads; 10 % of colleagues carry a common full name.
CTV (85 % women) types 70 % of each customer's leads (all, for the 15 % without a phone) with her
  phone (+ the customer's 12 %) and her email (50 %); form 50 %, import 30 %, Lead Ads on her
  Facebook 20 %; 10 % of customers carry a common full name.
People: sex 50/50; family names by share (Nguyễn 38 %, Trần 11 %, Lê 9.5 %...); Văn 35 % of men,
  Thị 45 % of women; own mobile 95 %, second SIM 15 %; 45 % of numbers on a converted prefix
  (032-039, 070/076-079, 081-085, 056/058/059) are typed in the pre-2018 11-digit form on 25 %
  of typings (imports 45 %); a mailbox 60 % (born before 1970: 25 %): gmail 80 %, yahoo.com 8 %,
  yahoo.com.vn 3 %, outlook/hotmail 5 %, icloud 2 %, fpt.vn/vnn.vn 2 %; an older second one 20 %;
  handles from the name (hungnguyen89, hung.nguyen, nguyenvanhung, hungnv, bong27), so common
  names get near-miss handles of different mailboxes; Zalo for 90 % of people with a phone.
Leads per person: 1: 42 %, 2: 27 %, 3: 14 %, 4: 8 %, 5: 5 %, 6: 2.5 %, 7: 1 %, 8: 0.5 %; a chat
  session counts once: 1 (65 %), 2 (25 %) or 3 (10 %) messages minutes apart, a lead each.
  Channel: forms 30 %, facebook (Lead Ads) 28 %, zalo 20 % (a quarter user_submit_info: typed
  name + the account's phone as 84XXXXXXXXX), messenger 12 % (two pages, page-scoped ids, 80 %
  on the usual page), import 10 %; the previous channel again 40 %. Time: from 2025-03-01
  +07:00, first lead uniform over 200 days, next within 0-3 days 60 %, else exponential (mean 30
  days); hours 7-23, peaks 9-11 h and 20-22 h.
Chats carry no name; a message gives a phone 40 % (the shared one when used, "số chồng chị ...",
  "số cty ..."), an email 5 %. Profile fetched 85 %, Facebook / Zalo name: full 35/30 %, "Lan
  Nguyễn" 25/10 %, "Nguyễn Lan" 12/8 %, given 5/12 %, "Lan Cute" 10/15 %, "Bống" / "Mẹ Bin"
  0/8 %, English ("Linda Nguyen", "Tony Hùng") 8/7 %, "Thu Trang (Nguyễn)" 5 %, "Lan Shop"
  0/5 % (nickname, English, shop only if born 1975+); no diacritics 20 %, emoji 8/12 %, CAPS
  0/3 %; a Zalo profile shows the phone 15 %.
Typed names (forms, import, Zalo submit, edited Lead Ads): NFC 63 %, no diacritics 20 %, NFD 5 %,
  CAPS 6 % (import 20 %), lower 6 %; old tone placement (hoà, thuý) 30 % where it applies;
  Western order 5 %; honorific + full 7 %, honorific + given only 8 %; a letter typo 3 %; a tone
  slip to the near-miss name 1 %. Lead Ads: the Facebook name 80 % (unless typed for someone
  else), first/last fields 10 %, the account's own phone prefilled 80 % (+84... 70 % of those).
  Import rows with Họ / Tên columns 15 %.
Phones typed: 0912345678 30 %, 0912 345 678 15 %, dots 10 %, +84 15 %, +84 91 234 5678 4 %, 84
  8 %, (+84) 4 %, 0084 2 % (landlines: 028 3823 4567 30 %, (028) 15 %...); leading 0 dropped 6 %
  (imports 30 %); full-width 1 %; "(Zalo)" after a mobile 2 % of forms; forms and imports: a
  wrong digit 1.5 %, adjacent digits swapped 1 %.
Emails typed: capitalised 8 %; gmail: dots moved 8 %, +tag 3 %, googlemail.com 1 %; yahoo: .com
  <-> .com.vn 30 %; domain typo (gmial.com, gmail.con, gmai.com, yahoo.con) 2 %.
Province given: forms 50 %, import 60 %, Lead Ads 30 %, Zalo submit 80 %; spellings and old units
  (HN, Sài Gòn, TPHCM, Quận 7, Bình Dương, Biên Hòa, Nha Trang...); not the home one 5 %.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from benchmarks.dedupe_data import Sample
from hub.model import Identity, LeadDraft

START = datetime(2025, 3, 1, tzinfo=timezone(timedelta(hours=7)))
FAMILIES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 2.5),
            ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 2.2), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4),
            ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.6), ("Trương", 0.6),
            ("Lâm", 0.4), ("Mai", 0.4), ("Cao", 0.4), ("Hà", 0.4), ("Đoàn", 0.4), ("Trịnh", 0.3)]
MIDDLE_M = ["Minh", "Đức", "Quốc", "Thanh", "Hữu", "Công", "Hoàng", "Anh", "Xuân", "Quang",
            "Ngọc", "Duy", "Trung", "Thành", "Gia", "Hải", "Tuấn"]
MIDDLE_F = ["Ngọc", "Thu", "Thanh", "Thùy", "Minh", "Kim", "Phương", "Mỹ", "Hồng", "Bích",
            "Diệu", "Khánh", "Bảo", "Hoài", "Quỳnh", "Thúy", "Lan"]
GIVEN_M = ["Hùng", "Hưng", "Nam", "Tuấn", "Tuân", "Dũng", "Minh", "Long", "Hải", "Sơn", "Thắng",
           "Cường", "Quang", "Huy", "Phong", "Tùng", "Tú", "Khoa", "Đức", "Trung", "Thành", "Thanh",
           "Phúc", "Bình", "Hiếu", "Hoàng", "Kiên", "Vinh", "Việt", "Lâm", "Tâm", "Nghĩa", "Duy",
           "Đạt", "Khánh", "Lộc", "Tài", "Trí", "Quân", "Hòa", "Anh", "Bảo", "Thịnh", "Lân", "Hiển"]
GIVEN_F = ["Lan", "Hoa", "Hương", "Hường", "Linh", "Trang", "Mai", "Hằng", "Nga", "Thảo", "Hà",
           "Huyền", "Ngọc", "Phương", "Thủy", "Thúy", "Yến", "Nhung", "Vân", "Oanh", "Dung", "Hạnh",
           "Loan", "Nhi", "Vy", "Anh", "Chi", "Quỳnh", "Giang", "Hiền", "Hòa", "Thanh", "My", "Trâm",
           "Tuyết", "Liên", "Hồng", "Xuân", "Ly", "Tâm", "Nhàn", "Thư", "Ánh", "Phượng", "Ngà"]
NEAR_M = [("Hưng", "Hùng"), ("Tuấn", "Tuân"), ("Thanh", "Thành"), ("Quân", "Quang"), ("Tú", "Tùng"),
          ("Lâm", "Lân"), ("Vinh", "Vĩnh"), ("Thắng", "Thăng")]
NEAR_F = [("Hoa", "Hòa"), ("Hương", "Hường"), ("Thủy", "Thúy"), ("Phương", "Phượng"), ("Nga", "Ngà"),
          ("Thanh", "Thành")]
NEAR_X = [("Dũng", "Dung"), ("Lân", "Lan"), ("Tráng", "Trang"), ("Hiển", "Hiền")]  # (brother, sister)
NEAR = {b: a for pairs in (NEAR_M, NEAR_F, NEAR_X) for a, b in pairs} | {
    a: b for pairs in (NEAR_M, NEAR_F, NEAR_X) for a, b in pairs}
COMMON = ["Nguyễn Văn Hùng", "Nguyễn Thị Hương", "Trần Văn Nam", "Nguyễn Văn Nam", "Nguyễn Thị Lan",
          "Nguyễn Thị Hoa", "Nguyễn Văn Dũng", "Lê Thị Hồng", "Nguyễn Văn Tuấn", "Phạm Thị Hằng",
          "Nguyễn Thị Thu Trang", "Nguyễn Thị Mai", "Trần Thị Lan", "Nguyễn Minh Tuấn", "Nguyễn Văn Minh",
          "Lê Văn Hùng", "Nguyễn Thị Ngọc Anh", "Trần Văn Hưng", "Nguyễn Văn Hưng", "Nguyễn Thị Hường"]
NICK_F, NICK_M = ["Bống", "Mèo", "Su", "Na", "Cún", "Xù", "Thỏ", "Ỉn"], ["Tèo", "Bin", "Tý", "Bo", "Gấu", "Tũn"]
ADJ_F, ADJ_M = ["Cute", "Xinh", "Nhỏ", "Kute", "Bé"], ["Béo", "Đẹp Trai", "Idol", "Lùn", "Pro"]
ENG_F = ["Linda", "Lily", "Anna", "Jenny", "Cindy", "Vicky", "Mia", "Rosie", "Selena"]
ENG_M = ["Tony", "Kevin", "Peter", "David", "John", "Henry", "Jack", "Alex", "Ken"]
EMOJI = ["🌸", "🌻", "❤️", "💕", "🍀", "✨", "🌷", "😊", "🐰", "⭐"]
HONOR = {(True, False): ["anh", "Anh", "a", "A.", "Mr", "em"], (False, False): ["chị", "Chị", "c", "C.", "Ms", "em"],
         (True, True): ["chú", "Chú", "bác", "ông", "Ông"], (False, True): ["cô", "Cô", "bác", "bà", "Bà"]}
PROVINCES = [  # (share, spellings)
    (30, ["Hà Nội", "Ha Noi", "HN", "TP Hà Nội", "hà nội", "Hanoi"]),
    (32, ["TP. Hồ Chí Minh", "Hồ Chí Minh", "HCM", "TPHCM", "Sài Gòn", "SG", "tp hcm", "Quận 7", "Q.1"]),
    (5, ["Đà Nẵng", "Da Nang", "ĐN"]), (4, ["Hải Phòng", "Hai Phong"]), (3, ["Cần Thơ", "Can Tho"]),
    (5, ["Bình Dương", "Binh Duong", "BD"]), (4, ["Đồng Nai", "Dong Nai", "Biên Hòa"]),
    (2, ["Nghệ An", "Nghe An", "Vinh"]), (2, ["Thanh Hóa", "Thanh Hoá", "Thanh Hoa"]),
    (2, ["Khánh Hòa", "Nha Trang"]), (2, ["Quảng Ninh", "Quang Ninh"]), (2, ["Bắc Ninh", "Bac Ninh"]),
    (2, ["Hải Dương", "Hai Duong"]), (2, ["Lâm Đồng", "Đà Lạt"]), (2, ["Huế", "Thừa Thiên Huế"]),
    (2, ["Bà Rịa - Vũng Tàu", "Vũng Tàu", "BRVT"]), (2, ["Long An"])]
# new 10-digit prefix -> the pre-2018 11-digit one (CHANNELS.md)
OLD = {f"03{d}": f"016{d}" for d in "23456789"} | {
    "070": "0120", "079": "0121", "077": "0122", "076": "0126", "078": "0128", "083": "0123",
    "084": "0124", "085": "0125", "081": "0127", "082": "0129", "056": "0186", "058": "0188", "059": "0199"}
PREFIXES = [("086", 5), ("096", 7), ("097", 7), ("098", 7)] + [(p, 3) for p in OLD if p.startswith("03")] + [
    ("089", 2), ("090", 5), ("093", 4), ("070", 2), ("079", 2), ("077", 2), ("076", 1), ("078", 1),
    ("088", 2), ("091", 5), ("094", 4), ("083", 1), ("084", 1), ("085", 1), ("081", 1), ("082", 1),
    ("092", 1), ("056", 1), ("058", 1), ("099", 0.5), ("059", 0.5)]
DOMAINS = [("gmail.com", 80), ("yahoo.com", 8), ("yahoo.com.vn", 3), ("outlook.com", 3),
           ("hotmail.com", 2), ("icloud.com", 2), ("fpt.vn", 1), ("vnn.vn", 1)]
TYPO_DOMAINS = {"gmail.com": ["gmial.com", "gmail.con", "gmai.com"], "yahoo.com": ["yahoo.con"]}
OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "úy": "uý", "ùy": "uỳ",
             "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ", "óe": "oé", "òe": "oè"}
CHAT = ["Shop ơi tư vấn giúp mình với", "Cho em hỏi giá sản phẩm này ạ", "Còn hàng không shop?",
        "Mình muốn đặt 2 cái", "Tư vấn cho chị với em ơi", "ib giá giúp mình", "alo shop",
        "Bên mình có ship tỉnh không ạ", "Mình cần báo giá chi tiết", "Ok bạn, gọi lại cho mình nhé",
        "Khi nào có hàng lại vậy ạ", "Cho mình xin địa chỉ cửa hàng"]
PHONE_IN_TEXT = ["sđt {p}", "sdt: {p}", "số mình {p} nhé", "{p}", "lh {p}", "zalo {p}", "gọi {p} giúp em"]
SHARED_IN_TEXT = {"spouse": ["số chồng chị {p}", "số vợ anh {p}", "sđt nhà mình {p}"],
                  "parent": ["gọi số con trai cô {p} nhé", "sđt con gái chú {p}"],
                  "sibling": ["số chị mình {p}", "gọi số anh em {p}"], "colleague": ["số cty {p}", "hotline {p}"]}
CHANNEL_MIX = [("forms", 30), ("facebook", 28), ("zalo", 20), ("messenger", 12), ("import", 10)]
LEADS = [(1, 42), (2, 27), (3, 14), (4, 8), (5, 5), (6, 2.5), (7, 1), (8, 0.5)]
UNITS = [("single", 60), ("couple", 5), ("parent_child", 4), ("siblings", 3.5), ("grandparent", 2),
         ("workplace", 2.3), ("ctv", 1.6)]
IMPORT_FILES = ["khach_hang_cu_2024.csv", "hoi_cho_thang5.xlsx", "danh_sach_tu_van.csv", "crm_export.csv"]
COMPANIES = ["Minh Phát", "Hoàng Long", "An Khang", "Phú Thịnh", "Sao Việt", "Đại Dương", "Thiên Ân",
             "Kim Ngân", "Bảo Tín", "Hưng Thịnh", "Tân Tiến", "Việt Hàn"]


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def fold(text: str) -> str:
    """Accent-folded text (đ -> d)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


HONORS = {fold(h).lower().rstrip(".") for words in HONOR.values() for h in words}


def mailbox(address: str) -> str:
    """The mailbox an address reaches: case, +tags, Gmail dots, googlemail, yahoo.com.vn."""
    local, _, domain = address.lower().partition("@")
    domain = {"googlemail.com": "gmail.com", "yahoo.com.vn": "yahoo.com"}.get(domain, domain)
    local = local.split("+")[0]
    return f"{local.replace('.', '') if domain == 'gmail.com' else local}@{domain}"


@dataclass(eq=False)
class Person:
    id: int
    kind: str  # single common spouse parent child sibling grandparent grandchild colleague ctv customer
    male: bool
    born: int
    family: str
    middle: str
    given: str
    home: int  # index into PROVINCES
    household: int | None = None
    phones: list[str] = field(default_factory=list)  # own mobiles, 10 digits
    old_form: bool = False  # still types the pre-2018 form of phones[0]
    emails: list[str] = field(default_factory=list)
    shared_phone: str | None = None  # a household / workplace number this person also types...
    phone_rate: float = 0.0  # ...on this share of leads
    shared_email: str | None = None
    email_rate: float = 0.0
    proxy: Person | None = None  # who types this person's leads (grandchild, CTV)...
    proxy_rate: float = 0.0  # ...on this share of them
    company: str | None = None
    zalo_id: str | None = None
    psids: dict[str, str] = field(default_factory=dict)  # page id -> page-scoped id
    page: int = 0  # the fanpage this person usually writes to
    fb_name: str = ""  # the Facebook / Messenger profile name
    zalo_name: str = ""  # the Zalo display name
    nick: str = ""
    english: str = ""

    @property
    def full(self) -> str:
        return " ".join(w for w in (self.family, self.middle, self.given) if w)

    @property
    def old(self) -> bool:
        return self.born < 1970


class _World:
    """The random stream and the registries that keep numbers, mailboxes and ids apart."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.phones: set[str] = set()
        self.mailboxes: set[str] = set()
        self.refs: set[str] = set()  # source_refs and channel user ids
        self.oa = str(self.rng.randrange(10**18, 10**19))
        self.pages = [str(self.rng.randrange(10**14, 10**15)) for _ in range(2)]

    @staticmethod
    def fresh(pool: set[str], make) -> str:
        """make() until it gives a value not in pool; the value is then taken."""
        while (value := make()) in pool:
            pass
        pool.add(value)
        return value

    def ref(self, make) -> str:
        return self.fresh(self.refs, make)

    def uid(self, digits: int) -> str:
        return self.ref(lambda: str(self.rng.randrange(10 ** (digits - 1), 10**digits)))

    def mobile(self, after: str | None = None) -> str:
        rng = self.rng
        if after:  # the next free SIM of a company's block
            return self.fresh(self.phones, lambda: f"{int(after) + rng.randrange(1, 3):010d}")

        def make() -> str:
            prefix = _pick(rng, PREFIXES)
            fourth = rng.choice({"089": "6789", "099": "3456789"}.get(prefix, "0123456789"))
            return prefix + fourth + f"{rng.randrange(10**6):06d}"
        return self.fresh(self.phones, make)

    def landline(self) -> str:
        area = self.rng.choice(["028", "028", "024", "024", "0236", "0225", "0274"])  # 11 digits in all
        return self.fresh(self.phones, lambda: area + str(self.rng.choice([3, 6, 7])) + "".join(
            str(self.rng.randrange(10)) for _ in range(10 - len(area))))

    def email(self, p: Person, domain: str | None = None) -> str:
        rng = self.rng
        domain = domain or _pick(rng, DOMAINS)
        g, f, m = (fold(x).lower().replace(" ", "") for x in (p.given, p.family, p.middle))
        initials = f[:1] + "".join(word[:1] for word in fold(p.middle).lower().split())
        for attempt in range(1000):
            local = rng.choice([f"{g}{f}", f"{g}.{f}", f"{f}{m}{g}", f"{g}{initials}", f"{f}.{g}",
                                f"{g}{f}{str(p.born)[2:]}", f"{g}.{f}{p.born}", f"{g}_{f}",
                                f"{fold(p.nick).lower() or g}{rng.randrange(1, 100)}"])
            if attempt or rng.random() < 0.35 and not local[-1].isdigit():  # a taken handle gets digits
                extra = rng.choice([p.born % 100, rng.randrange(1, 1000 * (1 + attempt)), p.born])
                local += f"_{rng.randrange(1, 100 * (1 + attempt))}" if local[-1].isdigit() else str(extra)
            if mailbox(address := f"{local}@{domain}") not in self.mailboxes:
                self.mailboxes.add(mailbox(address))
                return address
        raise RuntimeError("no free mailbox")

    def company_email(self, company: str) -> str | None:
        slug = fold(company).lower().replace(" ", "")
        options = [f"info@{slug}{x}.vn" for x in ("", "group", "corp", "shop", "tech")] + [
            f"{x}{slug}{n}@gmail.com" for n in ("", "vn", "2020", "hcm") for x in ("", "cty", "kinhdoanh.")]
        for address in options[:5] if self.rng.random() < 0.5 else options[5:]:
            if mailbox(address) not in self.mailboxes:
                self.mailboxes.add(mailbox(address))
                return address
        return None

    def person(self, pid: int, kind: str, male: bool | None = None, born: tuple[int, int] = (1970, 2004),
               family: str | None = None, home: int | None = None, phone: float = 0.95) -> Person:
        rng = self.rng
        male = rng.random() < 0.5 if male is None else male
        family = family or _pick(rng, FAMILIES)
        if male:
            middle = "Văn" if rng.random() < 0.35 else rng.choice(MIDDLE_M)
        else:
            middle = "Thị" if rng.random() < 0.45 else rng.choice(MIDDLE_F)
        given = rng.choice(GIVEN_M if male else GIVEN_F)
        home = rng.choices(range(len(PROVINCES)), [w for w, _ in PROVINCES])[0] if home is None else home
        p = Person(pid, kind, male, rng.randint(*born), family, middle, given, home)
        if rng.random() < phone:
            p.phones.append(self.mobile())
            if rng.random() < 0.15:
                p.phones.append(self.mobile())
            p.old_form = p.phones[0][:3] in OLD and rng.random() < 0.45
        return p

    def finish(self, p: Person) -> None:
        """The person's nickname, mailboxes, accounts and profile names, once the name is final."""
        rng = self.rng
        p.nick = rng.choice(NICK_M if p.male else NICK_F)
        p.english = rng.choice(ENG_M if p.male else ENG_F)
        if rng.random() < (0.25 if p.old else 0.6):
            p.emails.append(self.email(p))
        if p.emails and rng.random() < 0.2:
            p.emails.append(self.email(p, domain=rng.choice(["yahoo.com", "yahoo.com.vn", "gmail.com"])))
        if p.phones and rng.random() < 0.9:
            p.zalo_id = self.uid(19)
        p.page = 0 if rng.random() < 0.7 else 1
        p.fb_name = _profile_name(rng, p, facebook=True)
        p.zalo_name = _profile_name(rng, p, facebook=False)


def _profile_name(rng: random.Random, p: Person, facebook: bool) -> str:
    g, f, m = p.given, p.family, p.middle
    styles = [("full", 35 if facebook else 30), ("west", 25 if facebook else 10),
              ("fam_given", 12 if facebook else 8), ("given", 5 if facebook else 12),
              ("nick", 10 if facebook else 15), ("nick_only", 0 if facebook else 8),
              ("english", 8 if facebook else 7), ("double", 5), ("shop", 0 if facebook else 5)]
    style = _pick(rng, styles)
    if p.born < 1975 and style in ("nick", "nick_only", "english", "shop") or style == "double" and m in ("Văn", "Thị"):
        style = "full"
    name = {"full": p.full, "west": f"{g} {f}", "fam_given": f"{f} {g}", "given": g,
            "nick": f"{g} {rng.choice(ADJ_M if p.male else ADJ_F)}",
            "nick_only": rng.choice([p.nick, f"{'Bố' if p.male else 'Mẹ'} {rng.choice(NICK_M + NICK_F)}"]),
            "english": rng.choice([f"{p.english} {fold(f)}", f"{p.english} {g}", f"{p.english} {f}"]),
            "double": f"{m} {g}" + (f" {f}" if facebook else ""),
            "shop": f"{g} {rng.choice(['Shop', 'Store', 'Mỹ Phẩm', 'Order', 'Spa'])}"}[style]
    if rng.random() < 0.2:
        name = fold(name)
    if rng.random() < (0.08 if facebook else 0.12):
        name = f"{name} {rng.choice(EMOJI)}" if rng.random() < 0.7 else f"{rng.choice(EMOJI)} {name}"
    return name.upper() if not facebook and rng.random() < 0.03 else name


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)  # a letter dropped, two swapped, or one doubled
    return rng.choice([word[:i] + word[i + 1:], word[:i - 1] + word[i] + word[i - 1] + word[i + 1:],
                       word[:i] + word[i] + word[i:]])


def typed_name(rng: random.Random, p: Person, channel: str, proxy: bool = False) -> str:
    """The name as someone typed it into a form, an import file or an edited Lead Ads form."""
    given = NEAR[p.given] if p.given in NEAR and rng.random() < 0.01 else p.given  # a tone slip
    words = " ".join([p.family, p.middle, given])
    honor = HONOR[(p.male, p.old)]
    r = rng.random()
    if r < 0.05:
        name = " ".join([given, p.family] + ([p.middle] if rng.random() < 0.4 else []))
    elif r < 0.13:
        name = f"{rng.choice(honor)} {given}"
    elif r < 0.20:
        name = f"{rng.choice(honor)} {words}"
    else:
        name = words
    if proxy and p.kind == "grandparent" and rng.random() < 0.35:
        name = f"{'Ông' if p.male else 'Bà'} {words}"
    if rng.random() < 0.03:
        parts = name.split()
        j = rng.randrange(len(parts))
        name = " ".join(parts[:j] + [_typo(rng, parts[j])] + parts[j + 1:])
    if rng.random() < 0.3:
        for new, old in OLD_TONES.items():
            name = name.replace(new, old)
    r, caps = rng.random(), 0.20 if channel == "import" else 0.06
    if r < 0.20:
        return fold(name)
    if r < 0.25:
        return unicodedata.normalize("NFD", name)
    if r < 0.25 + caps:
        return name.upper()
    return name.lower() if r < 0.31 + caps else name


def spell_phone(rng: random.Random, number: str, channel: str, old: bool = False, taken=frozenset()) -> str:
    """A number as typed: old 11-digit prefix, +84 / 84 / spaces / dots, dropped zero, slips (a
    slip never lands on a number in `taken`: someone else's)."""
    if channel in ("forms", "import") and rng.random() < 0.025:
        i = rng.randrange(3, len(number) - 1)
        if rng.random() < 0.6:
            slip = number[:i] + str((int(number[i]) + rng.randrange(1, 10)) % 10) + number[i + 1:]
        else:
            slip = number[:i] + number[i + 1] + number[i] + number[i + 2:]
        number = number if slip in taken else slip
    if old and number[:3] in OLD and rng.random() < (0.45 if channel == "import" else 0.25):
        number = OLD[number[:3]] + number[3:]
    rest = number[1:]
    if rng.random() < (0.30 if channel == "import" else 0.06):
        text = rest
    elif number.startswith("02"):  # a landline: area code, then the subscriber number
        area = 3 if number[2] in "48" else 4
        a, b, c = number[:area], number[area:area + 4], number[area + 4:]
        text = _pick(rng, [(number, 25), (f"{a} {b} {c}", 30), (f"({a}) {b}{c}", 15), (f"{a}.{b}.{c}", 15),
                           (f"+84 {a[1:]} {b} {c}", 10), (f"84{rest}", 5)])
    else:
        text = _pick(rng, [(number, 30), (f"{number[:4]} {number[4:7]} {number[7:]}", 15),
                           (f"{number[:4]}.{number[4:7]}.{number[7:]}", 10), (f"+84{rest}", 15),
                           (f"+84 {rest[:2]} {rest[2:5]} {rest[5:]}", 4), (f"84{rest}", 8),
                           (f"(+84) {rest}", 4), (f"0084{rest}", 2)])
    r = rng.random()
    if r < 0.01:
        return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    return f"{text} (Zalo)" if r < 0.03 and channel == "forms" and not number.startswith("02") else text


def spell_email(rng: random.Random, address: str) -> str:
    local, _, domain = address.partition("@")
    r = rng.random()
    if domain == "gmail.com":
        if r < 0.08:
            local = local.replace(".", "") if "." in local else local[:3] + "." + local[3:]
        elif r < 0.11:
            local += "+" + rng.choice(["shop", "fb", "ads", "1"])
        elif r < 0.12:
            domain = "googlemail.com"
    elif domain.startswith("yahoo") and r < 0.3:
        domain = "yahoo.com.vn" if domain == "yahoo.com" else "yahoo.com"
    if rng.random() < 0.02 and domain in TYPO_DOMAINS:
        domain = rng.choice(TYPO_DOMAINS[domain])
    if rng.random() < 0.08:
        local = ".".join(part.capitalize() for part in local.split("."))
    return f"{local}@{domain}"


def _province(rng: random.Random, p: Person) -> str:
    return rng.choice(PROVINCES[p.home if rng.random() > 0.05 else rng.randrange(len(PROVINCES))][1])


def _common(rng: random.Random, p: Person) -> None:
    full = rng.choice(COMMON).split()
    p.family, p.middle, p.given, p.male = full[0], " ".join(full[1:-1]), full[-1], full[1] in ("Văn", "Minh")


def _unit(w: _World, kind: str, next_id: int, household: int | None) -> list[Person]:
    """The people of one unit, ids from next_id, with what they share."""
    rng = w.rng
    if kind == "single":
        p = w.person(next_id, "single")
        if rng.random() < 0.10:
            _common(rng, p)
            p.kind, p.home = "common", rng.choice([0, 1]) if rng.random() < 0.8 else p.home
        return [p]
    if kind == "couple":
        husband = w.person(next_id, "spouse", True, (1965, 1998))
        wife = w.person(next_id + 1, "spouse", False, (husband.born - 3, min(husband.born + 8, 2004)),
                        home=husband.home)
        people = [husband, wife]
        owner, other = people if rng.random() < 0.6 else people[::-1]
        if not owner.phones:
            owner.phones.append(w.mobile())
        other.shared_phone, other.phone_rate = owner.phones[0], 0.35 if other.phones else 1.0
    elif kind == "parent_child":
        parent = w.person(next_id, "parent", None, (1952, 1975), phone=0.8)
        child = w.person(next_id + 1, "child", None, (1990, 2005), parent.family if parent.male else None,
                         parent.home, phone=1.0)
        parent.shared_phone, parent.phone_rate = child.phones[0], 0.5 if parent.phones else 1.0
        people = [parent, child]
    elif kind == "siblings":
        first = w.person(next_id, "sibling", None, (1972, 2002), phone=1.0)
        people = [first]
        for k in range(1 if rng.random() < 0.75 else 2):
            s = w.person(next_id + 1 + k, "sibling", None, (first.born - 8, min(first.born + 10, 2005)),
                         first.family, first.home)
            if s.male == first.male and rng.random() < 0.55:
                s.middle = first.middle
            if k == 0 and rng.random() < 0.25:  # names one tone or letter apart
                a, b = rng.choice((NEAR_M if first.male else NEAR_F) if s.male == first.male else NEAR_X)
                first.given, s.given = (a, b) if s.male == first.male or first.male else (b, a)
            while s.given in {x.given for x in people}:
                s.given = rng.choice(GIVEN_M if s.male else GIVEN_F)
            s.shared_phone, s.phone_rate = first.phones[0], 0.3 if s.phones else 1.0
            people.append(s)
    elif kind == "grandparent":
        grand = w.person(next_id, "grandparent", None, (1935, 1958), phone=0.35)
        kid = w.person(next_id + 1, "grandchild", None, (1995, 2006),
                       grand.family if rng.random() < 0.5 else None, grand.home, phone=1.0)
        grand.proxy, grand.proxy_rate = kid, 0.85 if grand.phones else 1.0
        people = [grand, kid]
    elif kind == "workplace":
        company, home, block = rng.choice(COMPANIES), rng.choice([0, 1, 1, 2, 5]), rng.random() < 0.4
        people = []
        for k in range(rng.randint(2, 5)):
            p = w.person(next_id + k, "colleague", None, (1970, 2002), home=home, phone=0 if block else 0.97)
            if block:
                p.phones.append(w.mobile(after=people[-1].phones[0] if people else None))
            if rng.random() < 0.10:
                _common(rng, p)
            people.append(p)
        hotline = w.landline() if rng.random() < 0.5 else w.mobile()
        mail = w.company_email(company) if rng.random() < 0.7 else None
        for p in people:
            p.company, p.shared_phone, p.phone_rate = company, hotline, 0.4 if p.phones else 1.0
            if mail:
                p.shared_email, p.email_rate = mail, 0.5
    else:  # ctv: a sales collaborator and the customers she types in
        ctv = w.person(next_id, "ctv", rng.random() < 0.15, (1975, 2000), phone=1.0)
        people = [ctv]
        for k in range(rng.randint(2, 6)):
            c = w.person(next_id + 1 + k, "customer", None, (1955, 2004),
                         home=ctv.home if rng.random() < 0.7 else None, phone=0.85)
            if rng.random() < 0.10:
                _common(rng, c)
            c.proxy, c.proxy_rate = ctv, 0.7 if c.phones else 1.0
            people.append(c)
    for p in people:
        p.household = household
    if kind in ("couple", "parent_child", "siblings") and rng.random() < (0.25 if kind == "couple" else 0.2):
        owner = people[0]  # a family mailbox: the first member's, typed by the others too
        owner.emails.append(w.email(owner))
        for p in people[1:]:
            p.shared_email, p.email_rate = owner.emails[0], 0.5
    return people


def _when(rng: random.Random, day: float) -> datetime:
    hour = _pick(rng, [(h, 3 if h in (9, 10, 11, 20, 21, 22) else 2 if h >= 12 else 1) for h in range(7, 24)])
    return START + timedelta(days=int(day), hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))


def _number(rng: random.Random, p: Person) -> tuple[str | None, bool, bool]:
    """The number the person gives this time: (number, in its old form?, a shared one?)."""
    if p.shared_phone and (rng.random() < p.phone_rate or not p.phones):
        return p.shared_phone, False, True
    if p.phones:
        number = p.phones[1] if len(p.phones) > 1 and rng.random() < 0.15 else p.phones[0]
        return number, p.old_form and number == p.phones[0], False
    return None, False, False


def _contact(w: _World, p: Person, channel: str, proxied: bool) -> tuple[list[str], list[str]]:
    """The phones and emails this lead carries, as typed."""
    rng = w.rng
    phones: list[str] = []
    emails: list[str] = []
    if proxied:
        helper = p.proxy
        phones.append(spell_phone(rng, helper.phones[0], channel, helper.old_form, w.phones))
        if p.phones and rng.random() < 0.12:
            phones.append(spell_phone(rng, p.phones[0], channel, p.old_form, w.phones))
        if helper.emails and rng.random() < 0.5:
            emails.append(spell_email(rng, helper.emails[0]))
        return phones, emails
    prefill = channel == "facebook" and rng.random() < 0.8  # Lead Ads fill in the account's own
    number, old, _ = (p.phones[0], False, False) if prefill and p.phones else _number(rng, p)
    if number and rng.random() < {"forms": 0.95, "import": 0.9, "facebook": 0.97}[channel]:
        phones.append(f"+84{number[1:]}" if prefill and rng.random() < 0.7
                      else spell_phone(rng, number, channel, old, w.phones))
    if p.shared_email and (rng.random() < p.email_rate and not (prefill and p.emails) or not p.emails):
        address = p.shared_email
    else:
        address = (p.emails[1] if len(p.emails) > 1 and rng.random() < 0.25 else p.emails[0]) if p.emails else None
    if address and rng.random() < {"forms": 0.45, "import": 0.35, "facebook": 0.85}[channel]:
        emails.append(spell_email(rng, address))
    return phones, emails


def _leads(w: _World, p: Person) -> list[Sample]:
    rng = w.rng
    out: list[Sample] = []
    day, channel = rng.uniform(0, 200), None
    for _ in range(_pick(rng, LEADS)):
        proxied = p.proxy is not None and rng.random() < p.proxy_rate
        if proxied:
            channel = _pick(rng, [("forms", 60), ("import", 20), ("facebook", 20)] if p.kind == "grandparent"
                            else [("forms", 50), ("import", 30), ("facebook", 20)])
        elif channel is None or rng.random() >= 0.4:
            channel = _pick(rng, CHANNEL_MIX)
            if channel == "zalo" and not p.zalo_id:
                channel = "forms"  # a Zalo account needs a phone of one's own
        when = _when(rng, day)
        out.extend(_chat(w, p, channel, when) if channel in ("zalo", "messenger")
                   else [_form(w, p, channel, when, proxied)])
        day = min(240.0, day + (rng.uniform(0, 3) if rng.random() < 0.6 else rng.expovariate(1 / 30)))
    return out


def _form(w: _World, p: Person, channel: str, when: datetime, proxied: bool) -> Sample:
    rng = w.rng
    phones, emails = _contact(w, p, channel, proxied)
    name: str | None = typed_name(rng, p, channel, proxied)
    given_name = family_name = None
    if p.company and p.shared_phone and rng.random() < 0.08:
        name = f"{name} - Cty {p.company}"
    if channel == "facebook":
        if not proxied and rng.random() < 0.8:
            name = p.fb_name
        if rng.random() < 0.1 and len(name.split()) > 1:  # the form's first_name / last_name fields
            given_name, family_name = name.split(maxsplit=1)
            name = None
        ref = w.ref(lambda: str(rng.randrange(10**15, 10**16)))
        attribution = {"page_id": w.pages[0], "form_id": f"{rng.choice([7301, 7302, 7410])}4402211",
                       "ad_id": f"2385{rng.randrange(10**9):09d}"}
        province = _province(rng, p) if rng.random() < 0.3 else None
    elif channel == "import":
        parts = name.split()
        if rng.random() < 0.15 and len(parts) > 2 and fold(parts[0]).lower() not in HONORS:  # Họ / Tên
            family_name, given_name, name = " ".join(parts[:-1]), parts[-1], None
        file = rng.choice(IMPORT_FILES)
        ref = w.ref(lambda: f"{file}#{rng.randrange(2, 5000)}@{rng.randrange(16**12):012x}")
        attribution = {"lead_source": f"import:{file}"}
        province = _province(rng, p) if rng.random() < 0.6 else None
    else:
        ref = w.ref(lambda: f"form-{rng.randrange(16**16):016x}")
        attribution = {"form_key": rng.choice(["dang-ky-tu-van", "bao-gia", "landing-khuyen-mai"]),
                       "utm_source": rng.choice(["google", "facebook", "zalo", "tiktok", "direct"])}
        province = _province(rng, p) if rng.random() < 0.5 else None
    draft = LeadDraft(channel=channel, source_ref=ref, captured_at=when, name=name, given_name=given_name,
                      family_name=family_name, phones=tuple(phones), emails=tuple(emails), province=province,
                      attribution=attribution)
    return Sample(p.id, p.household, draft)


def _chat(w: _World, p: Person, channel: str, when: datetime) -> list[Sample]:
    """A chat session: nameless messages (or one Zalo user_submit_info), the profile as fetched."""
    rng = w.rng
    if channel == "zalo":
        identity, shown = Identity("zalo", w.oa, p.zalo_id), p.zalo_name
    else:
        page = w.pages[p.page if rng.random() < 0.8 else 1 - p.page]
        if page not in p.psids:
            p.psids[page] = w.uid(16)
        identity, shown = Identity("facebook", page, p.psids[page]), p.fb_name
    profile = None
    if rng.random() < 0.85:
        shared = (f"84{p.phones[0][1:]}",) if channel == "zalo" and rng.random() < 0.15 else ()
        profile = LeadDraft(channel=channel, source_ref=f"profile:{identity.scope}:{identity.external_id}",
                            captured_at=when + timedelta(seconds=rng.randrange(5, 60)), name=shown,
                            phones=shared, identity=identity)
    if channel == "zalo" and rng.random() < 0.25:  # user_submit_info: the answer to the OA's request
        draft = LeadDraft(channel="zalo", source_ref=w.ref(
            lambda: f"user_submit_info:{p.zalo_id}:{int(when.timestamp() * 1000) + rng.randrange(1000)}"),
            captured_at=when, name=typed_name(rng, p, "zalo"), phones=(f"84{p.phones[0][1:]}",),
            province=_province(rng, p) if rng.random() < 0.8 else None, identity=identity,
            attribution={"oa_id": w.oa})
        return [Sample(p.id, p.household, draft, profile)]
    out = []
    for _ in range(_pick(rng, [(1, 65), (2, 25), (3, 10)])):
        text = rng.choice(CHAT)
        number, old, shared_number = _number(rng, p)
        if number and rng.random() < 0.4:
            said = rng.choice(SHARED_IN_TEXT.get(p.kind, []) + ["lh {p}"] if shared_number else PHONE_IN_TEXT)
            spelled = spell_phone(rng, number, channel, old, w.phones)
            text = f"{text}{' ' if text[-1] in '?!' else '. '}{said.format(p=spelled)}"
        if rng.random() < 0.05 and (p.emails or p.shared_email):
            text = f"{text} email {spell_email(rng, p.emails[0] if p.emails else p.shared_email)}"
        if channel == "zalo":
            ref = w.ref(lambda: f"{rng.randrange(16**32):032x}")
            attribution = {"oa_id": w.oa, "msg_id": ref}
        else:
            ref = w.ref(lambda: f"m_{rng.randrange(16**40):040x}")
            attribution = {"page_id": identity.scope, "mid": ref}
        draft = LeadDraft(channel=channel, source_ref=ref, captured_at=when, text=text, identity=identity,
                          attribution=attribution)
        out.append(Sample(p.id, p.household, draft, profile))
        when += timedelta(minutes=rng.randrange(1, 20), seconds=rng.randrange(60))
    return out


def build(seed: int, people_count: int) -> tuple[list[Person], list[Sample]]:
    """The people (with their unit kind) and their leads, sorted by captured_at."""
    w = _World(seed)
    people: list[Person] = []
    household = 0
    while len(people) < people_count:
        # a unit is never cut short (its members share numbers): the last few people are singles
        kind = _pick(w.rng, UNITS) if people_count - len(people) >= 7 else "single"
        if kind != "single":
            household += 1
        people.extend(_unit(w, kind, len(people), household if kind != "single" else None))
    for p in people:
        w.finish(p)
    samples = [s for p in people for s in _leads(w, p)]
    samples.sort(key=lambda s: (s.draft.captured_at, s.draft.source_ref))
    return people, samples


def generate(seed: int = 1, people_count: int = 1500) -> list[Sample]:
    return build(seed, people_count)[1]
