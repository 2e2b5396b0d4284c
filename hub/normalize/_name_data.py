"""Word lists for reading Vietnamese personal names (all lower-case, NFC)."""
from __future__ import annotations

# The ~100 common family names, most frequent first (Nguyễn ~38 %, Trần ~11 %, Lê ~9.5 %, ...).
SURNAMES: tuple[str, ...] = (
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
    "hồ", "ngô", "dương", "lý", "đào", "đoàn", "đinh", "lâm", "mai", "trương", "trịnh", "lưu",
    "hà", "cao", "tạ", "tô", "lương", "châu", "quách", "phùng", "thái", "tăng", "kiều", "la",
    "lại", "chu", "đàm", "từ", "triệu", "giang", "kim", "thân", "tôn", "mạc", "hứa", "vương",
    "khúc", "nông", "doãn", "lò", "lã", "lữ", "lục", "âu", "bạch", "thạch", "ninh", "đồng",
    "quan", "tiêu", "phương", "diệp", "khổng", "khương", "nghiêm", "tống", "thiều", "dư", "ung",
    "cù", "tất", "đậu", "phí", "giáp", "bế", "hầu", "ma", "sầm", "vi", "kha", "hàn", "trình",
    "mẫn", "tào", "quản", "phó", "chung", "cổ", "mông", "viên", "cung", "tiết",
)

# Family names that are just as often given or middle names ("Minh Hoàng", "Thùy Dương",
# "Ngọc Mai"): a name is only reordered around a surname that is not in this set.
WEAK_SURNAMES: frozenset[str] = frozenset({
    "hoàng", "vũ", "dương", "đào", "lâm", "mai", "hà", "châu", "thái", "kiều", "giang", "kim",
    "phương", "diệp", "vi", "kha",
})

# Typed without accents, these family names also spell a common given name
# (Lý / Ly, Trương / Trường, Tô / Tố, Từ / Tú, Đồng / Đông, ...), so they are weak too.
PLAIN_WEAK_SURNAMES: frozenset[str] = frozenset({
    "ly", "han", "quan", "trinh", "to", "tu", "dong", "phi", "hau", "truong", "dinh", "chung",
})

# Kinship terms and titles in front of a name, and the form stored in `salutation`.
SALUTATIONS: dict[str, str] = {
    "anh": "anh", "a": "anh", "chị": "chị", "c": "chị", "em": "em", "e": "em", "cô": "cô",
    "chú": "chú", "bác": "bác", "ông": "ông", "bà": "bà", "dì": "dì", "cậu": "cậu", "mợ": "mợ",
    "thím": "thím", "thầy": "thầy", "bạn": "bạn", "mr": "Mr", "mister": "Mr", "mrs": "Mrs",
    "ms": "Ms", "miss": "Miss", "dr": "Dr", "sir": "Sir", "madam": "Madam",
}

# What a salutation says of the person: "chị Dung" is a woman. Not "anh" (Anh is a given name
# too: "Anh Thư Nguyễn"), "em", "bạn" or "bác", said to either.
SALUTATION_SEX: dict[str, str] = {
    **dict.fromkeys(("chị", "cô", "bà", "dì", "mợ", "thím", "Mrs", "Ms", "Miss", "Madam"), "f"),
    **dict.fromkeys(("chú", "ông", "cậu", "thầy", "Mr", "Sir"), "m"),
}

# Unaccented spellings that are also names ("Chi", "Chu", "Cau"): only a salutation when typed
# in lower case in front of a capitalised word ("chi Lan"), never "Chi Nguyen".
PLAIN_SALUTATIONS: dict[str, str] = {
    "chi": "chị", "co": "cô", "chu": "chú", "bac": "bác", "ong": "ông", "ba": "bà", "di": "dì",
    "cau": "cậu", "thay": "thầy", "ban": "bạn",
}

# Nicknames: a first word meaning "little" / "baby", or a pet word anywhere ("Mèo Con").
NICKNAME_FIRST_WORDS: frozenset[str] = frozenset({"bé", "pé", "tiểu", "baby", "bin", "bống"})
NICKNAME_WORDS: frozenset[str] = frozenset({
    "heo", "mèo", "meo", "cún", "cun", "gấu", "thỏ", "chuột", "chuot", "gà", "vịt", "vit",
    "cute", "kute", "cutie", "iu", "yêu", "cưng", "babe", "boy", "girl", "bboy", "kool", "pro",
    "vip", "nhóc", "mập", "lùn", "tồ", "ngố", "khùng", "điên", "xinh", "ngáo", "xấu", "bựa",
    "idol", "công chúa", "hoàng tử", "đẹp trai", "xinh đẹp", "dễ thương",
})

# Home names ("tên ở nhà"): what a family calls a child, and many adults sign Facebook and Zalo
# with ("Hương Kem", "Bin Nguyễn", "Mít"). None of them is a given name; home names that also are
# one (Na, Út, Bông, Mận) are left out. Beside a given name ("Hằng Mít") the given name is the
# name.
PET_NAMES: frozenset[str] = frozenset({
    "tí", "tèo", "tũn", "tủn", "tít", "bin", "bi", "bo", "bon", "bống", "bơ", "bắp", "mít",
    "xoài", "sóc", "kem", "su", "sữa", "mun", "nấm", "cốm", "gạo", "ốc", "nhím", "sún", "tôm",
    "cua", "chuối", "khoai", "bột", "bym", "xu", "bư", "ỉn",
})
# The same typed without accents, less the spellings of a given name or word (nam = Nấm / Nam,
# bong = Bống / Bông, tom = Tôm / the English Tom, in = Ỉn / the English word).
PLAIN_PET_NAMES: frozenset[str] = frozenset({
    "ti", "teo", "tun", "tit", "bin", "bi", "bo", "bon", "bap", "mit", "xoai", "soc", "kem",
    "su", "sua", "mun", "com", "gao", "oc", "nhim", "sun", "cua", "chuoi", "khoai", "bot",
    "bym", "xu", "bu",
})
# "Mẹ Bin", "Bố Tũn", "Ba Su": a parent named after a child; kept as typed, never "Mẹ" alone.
PARENT_OF_FOLDED: frozenset[str] = frozenset({"me", "ma", "bo", "ba", "mami", "mommy", "mom", "papa", "daddy", "dad"})

# Shops and companies. Folded English words, and Vietnamese words / phrases matched with their
# accents (folded "nha hang" could be the given names Nhã Hằng).
SHOP_WORDS_FOLDED: frozenset[str] = frozenset({
    "shop", "store", "spa", "salon", "cty", "tnhh", "jsc", "ltd", "llc", "inc", "corp",
    "company", "nail", "nails", "beauty", "cosmetic", "cosmetics", "boutique", "official",
    "fashion", "mart", "clinic", "studio", "hotel", "homestay", "garage", "bakery", "coffee",
    "cafe", "decor", "group", "agency", "academy", "center", "centre", "media", "travel",
    "house", "kids", "food", "foods", "market", "outlet", "authentic", "sale", "sales",
    "online", "express", "logistics", "pharmacy", "dental", "mall", "auto", "motor", "tour",
    "cake", "perfume", "skincare", "makeup", "fitness", "gym", "yoga", "english", "edu",
    "education", "realty", "invest", "tech", "software", "design", "marketing", "milktea",
    "order", "ship", "shopee", "lazada", "tiktok", "livestream",
})
SHOP_WORDS: frozenset[str] = frozenset({
    "tiệm", "quán", "sỉ", "lẻ", "hàng", "nhà", "xưởng", "kho", "chợ", "bán", "giày", "áo",
    "quần", "túi", "đồ", "phẩm", "xe", "thuốc",
})
SHOP_PHRASES: frozenset[str] = frozenset({
    "thời trang", "công ty", "cổ phần", "cửa hàng", "đại lý", "trà sữa", "khách sạn", "nha khoa",
    "thẩm mỹ", "nội thất", "xây dựng", "bất động sản", "học viện", "dịch vụ", "xách tay",
    "chính hãng", "phụ kiện", "trang sức", "giày dép", "điện thoại", "sửa chữa", "vận chuyển",
    "du lịch", "mẹ và bé", "ăn vặt", "hải sản", "nông sản", "mỹ phẩm",
})

# Placeholders, folded, punctuation as spaces, digits removed ("User 123" -> "user").
PLACEHOLDERS: frozenset[str] = frozenset({
    "khach hang", "khach", "kh", "khach le", "khachhang", "user", "facebook user", "fb user",
    "zalo user", "nguoi dung", "nguoi dung zalo", "nguoi dung facebook", "instagram user",
    "tiktok user", "messenger user", "telegram user", "deleted account", "n a", "none", "null",
    "nil", "unknown", "undefined", "test", "testing", "tester", "abc", "xyz", "asd", "asdf",
    "qwe", "qwerty", "demo", "sample", "no name", "noname", "khong ten", "chua co ten",
    "an danh", "guest", "customer", "client", "name", "full name", "fullname", "ho ten",
    "ho va ten", "ten", "your name", "admin", "anonymous", "facebook", "zalo", "lead",
})

# Middle names that are never a given name: "Hương Thị Nguyễn" (first / middle / last) is
# Nguyễn Thị Hương, her given name typed first. Lower case, as spelt (Vân is a given name too)
# or typed without diacritics.
MIDDLE_ONLY = frozenset({"thị", "văn", "thi", "van"})

# Given names only men, or only women, are given, as spelt (with diacritics): a name typed
# without them says nothing ("Dung" may be Dũng). Names given to both (Anh, Minh, Khánh, Ngọc,
# Phương, Linh, Hà, Bình, Tâm, Thanh, Xuân...) are in neither.
MEN_GIVEN: frozenset[str] = frozenset({
    "dũng", "hùng", "cường", "tuấn", "thắng", "quân", "hưng", "huy", "đức", "long", "sơn",
    "tùng", "trung", "khoa", "phúc", "hiếu", "tài", "toàn", "vinh", "việt", "nam", "hải",
    "phong", "quang", "thịnh", "đạt", "nghĩa", "thành", "tiến", "trí", "trọng", "kiên",
    "khang", "khôi", "mạnh", "lộc", "duy", "hào", "tân", "tín", "chiến", "công", "quốc",
    "sang", "tấn", "toản", "vĩnh", "hiệp", "thuận", "đăng", "định", "luân", "lực",
    "lân", "tráng", "hiển", "tuân", "thăng", "phát", "thiện", "kiệt", "nhật", "lợi", "cảnh",
})
WOMEN_GIVEN: frozenset[str] = frozenset({
    "dung", "lan", "hương", "hoa", "hằng", "nhung", "thảo", "trang", "mai", "thủy", "thuỷ",
    "yến", "loan", "oanh", "hạnh", "huyền", "nga", "vy", "vân", "chi", "uyên", "trâm", "hồng",
    "liên", "nhi", "quyên", "thư", "tuyết", "diệu", "diễm", "duyên", "lệ", "ngân", "nguyệt",
    "nhàn", "phượng", "sương", "thắm", "thoa", "thùy", "thuỳ", "thúy", "thuý", "trinh",
    "tuyền", "cúc", "huệ", "bích", "ánh", "gấm", "hiền", "my", "hường", "ngà", "diệp", "xuyến",
})

# Given names both men and women are given, or common enough among either not to be in the
# lists above, as spelt. With those lists: the names a word typed with a letter missing, added,
# swapped or wrong may have been meant as ("Hưg" is Hưng, while "Mnh" may be Minh or Mạnh).
SHARED_GIVEN: frozenset[str] = frozenset({
    "an", "anh", "ân", "bảo", "bình", "bằng", "bách", "châu", "chinh", "chính", "cầm", "danh", "dân",
    "dương", "đan", "đào", "điệp", "đoan", "đông", "giang", "hà", "hạ", "hân", "hậu",
    "hiên", "hòa", "hoà", "hoài", "hoan", "hoàn", "hoàng", "hợp", "khải", "khánh", "khiêm",
    "khuê", "kiều", "kim", "lam", "lâm", "liễu", "linh", "lĩnh", "ly", "lý", "mận", "minh", "mơ",
    "mỹ", "ngọc", "nguyên", "nhã", "nhân", "nhạn", "nhiên", "như", "ninh", "phi", "phú",
    "phụng", "phước", "phương", "quế", "quý", "quyết", "quỳnh", "sa", "sĩ", "tâm", "thái",
    "thạch", "thanh", "thế", "thiên", "thơ", "thọ", "thông", "thu", "thục", "thương", "tiên",
    "tiệp", "trà", "trân", "triều", "trúc", "trường", "tú", "tuệ", "tường", "tư", "vi",
    "vũ", "vương", "vỹ", "xuân", "yên",
})

# Middle names, as spelt: two of them a letter apart are two names (Thu / Thị, Hồng / Hùng), where
# a word that is none of them nor a given name above is a slip ("Ngac" for Ngọc, "Xuâ" for Xuân).
MIDDLE_NAMES: frozenset[str] = frozenset({
    "văn", "thị", "đức", "minh", "quang", "hữu", "thanh", "công", "xuân", "ngọc", "thu", "kim",
    "mỹ", "phương", "hồng", "hoàng", "anh", "bảo", "gia", "thế", "đình", "trọng", "quốc", "tuấn",
    "hoài", "diệu", "bích", "thùy", "thúy", "thủy", "quỳnh", "lan", "hải", "nhật", "khánh", "tú",
    "tử", "tư", "cẩm", "như", "trung", "tiến", "mạnh", "duy", "việt", "hà", "mai", "tường", "đăng",
    "tấn", "tân", "vĩnh", "sơn", "phú", "bá", "chí", "đắc", "hiền", "hùng", "khắc", "kiều", "lệ",
    "linh", "long", "nam", "phi", "thái", "thiện", "thiên", "thục", "trí", "tuyết", "uyên", "vũ",
    "yến", "huệ",
})
