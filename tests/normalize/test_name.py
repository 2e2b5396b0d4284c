from __future__ import annotations

import unicodedata

import pytest

from hub.normalize.name import fold, is_alias, normalize_name


@pytest.mark.parametrize(
    "raw, display",
    [
        ("NGUYỄN THỊ LAN", "Nguyễn Thị Lan"),
        ("nguyễn thị lan", "Nguyễn Thị Lan"),
        ("  nguyễn   thị lan ", "Nguyễn Thị Lan"),
        ("nGUYỄN tHỊ lAN", "Nguyễn Thị Lan"),
        ("Nguyễn\tThị\nLan", "Nguyễn Thị Lan"),
        ("Nguyễn\u00a0Thị\u200bLan", "Nguyễn Thị Lan"),
        ("TRẦN VĂN HÙNG", "Trần Văn Hùng"),
        ("lê hoàng anh", "Lê Hoàng Anh"),
        ("ĐẶNG THU THẢO", "Đặng Thu Thảo"),
        ("phạm  minh   đức", "Phạm Minh Đức"),
        ("nguyen van an", "Nguyen Van An"),
        ("Tôn Nữ Thị Ngọc Bích", "Tôn Nữ Thị Ngọc Bích"),
    ],
)
def test_case_and_whitespace_are_repaired(raw: str, display: str) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert name.display == display
    assert name.raw == raw
    assert name.is_personal


def test_nfd_input_is_displayed_in_nfc() -> None:
    name = normalize_name(unicodedata.normalize("NFD", "Nguyễn Thị Lan"))
    assert name is not None
    assert name.display == "Nguyễn Thị Lan"
    assert unicodedata.is_normalized("NFC", name.display)


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n", "\u200b", "\x00\x01"])
def test_blank_input_gives_none(raw: str | None) -> None:
    assert normalize_name(raw) is None


@pytest.mark.parametrize(
    "raw, salutation, display",
    [
        ("chị Lan", "chị", "Lan"),
        ("Chị Nguyễn Thị Lan", "chị", "Nguyễn Thị Lan"),
        ("a Hùng", "anh", "Hùng"),
        ("A Hùng", "anh", "Hùng"),
        ("anh Tuấn", "anh", "Tuấn"),
        ("anh Tuấn Trần", "anh", "Trần Tuấn"),
        ("Anh Trần Tuấn", "anh", "Trần Tuấn"),  # the family name first: "anh" is a salutation
        ("em Mai", "em", "Mai"),
        ("e Mai", "em", "Mai"),
        ("c Hoa", "chị", "Hoa"),
        ("C. Hoa", "chị", "Hoa"),
        ("c.Hoa", "chị", "Hoa"),
        ("cô Hạnh", "cô", "Hạnh"),
        ("chú Ba", "chú", "Ba"),
        ("bác Tư", "bác", "Tư"),
        ("Ông Nguyễn Văn Nam", "ông", "Nguyễn Văn Nam"),
        ("bà Hoa", "bà", "Hoa"),
        ("Mr Nam", "Mr", "Nam"),
        ("Mr. Nam", "Mr", "Nam"),
        ("MRS. LAN", "Mrs", "Lan"),
        ("Ms Trang", "Ms", "Trang"),
        ("Miss Thảo", "Miss", "Thảo"),
        ("Dr. Phạm Văn Minh", "Dr", "Phạm Văn Minh"),
        ("chi Lan", "chị", "Lan"),
        ("co Hanh", "cô", "Hanh"),
        ("anh chị Lan", "anh", "Lan"),
    ],
)
def test_kinship_terms_and_titles_move_into_salutation(
    raw: str, salutation: str, display: str
) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert (name.salutation, name.display) == (salutation, display)


@pytest.mark.parametrize(
    "raw, display, given",
    [
        ("Anh", "Anh", "Anh"),
        ("anh", "Anh", "Anh"),
        ("An", "An", "An"),
        ("Nguyễn Anh", "Nguyễn Anh", "Anh"),
        ("Anh Nguyễn", "Nguyễn Anh", "Anh"),  # Western order, as Facebook shows "Nguyễn Ngọc Anh"
        ("ANH TRẦN", "Trần Anh", "Anh"),
        ("Anh Thư Nguyễn", "Nguyễn Anh Thư", "Thư"),  # Anh Thư, a given name, family name last
        ("Trần An", "Trần An", "An"),
        ("Em", "Em", "Em"),
        ("Chi Nguyen", "Nguyen Chi", "Chi"),
        ("Chu Văn An", "Chu Văn An", "An"),
        ("Bá Kiến", "Bá Kiến", "Kiến"),
    ],
)
def test_a_name_that_looks_like_a_salutation_keeps_the_name(
    raw: str, display: str, given: str
) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert (name.display, name.given, name.salutation) == (display, given, None)


@pytest.mark.parametrize(
    "raw, family, middle, given",
    [
        ("Nguyễn Thị Lan", "Nguyễn", "Thị", "Lan"),
        ("Trần Văn Hùng", "Trần", "Văn", "Hùng"),
        ("Lê Hoàng Bảo Anh", "Lê", "Hoàng Bảo", "Anh"),
        ("Phạm Lan", "Phạm", None, "Lan"),
        ("Huỳnh Thị Mỹ Duyên", "Huỳnh", "Thị Mỹ", "Duyên"),
        ("Hoàng Vũ", "Hoàng", None, "Vũ"),
        ("Hoàng Thị Thuỳ Dương", "Hoàng", "Thị Thuỳ", "Dương"),
        ("Nguyen Thi Thuy", "Nguyen", "Thi", "Thuy"),
        ("Lan", None, None, "Lan"),
        ("Thu Hà", None, "Thu", "Hà"),
        ("Thùy Dương", None, "Thùy", "Dương"),
        ("Minh Hoàng", None, "Minh", "Hoàng"),
        ("Khánh Ly", None, "Khánh", "Ly"),
        ("Thảo Nguyên", None, "Thảo", "Nguyên"),
        ("Lý Thường Kiệt", "Lý", "Thường", "Kiệt"),
    ],
)
def test_family_middle_and_given_names_are_split_with_the_surname_list(
    raw: str, family: str | None, middle: str | None, given: str
) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert (name.family, name.middle, name.given) == (family, middle, given)
    assert not name.western_order


@pytest.mark.parametrize(
    "raw, display, family, given",
    [
        ("Lan Nguyễn", "Nguyễn Lan", "Nguyễn", "Lan"),
        ("Lan Nguyen", "Nguyen Lan", "Nguyen", "Lan"),
        ("Hùng Trần Văn", "Trần Văn Hùng", "Trần", "Hùng"),
        ("Thu Hà Nguyễn", "Nguyễn Thu Hà", "Nguyễn", "Hà"),
        ("Mai Nguyễn", "Nguyễn Mai", "Nguyễn", "Mai"),
        ("Tuấn Phạm", "Phạm Tuấn", "Phạm", "Tuấn"),
        ("Minh Le", "Le Minh", "Le", "Minh"),
        ("Hoa Đặng", "Đặng Hoa", "Đặng", "Hoa"),
        # first / middle / last: the given name typed before its middle name goes last again
        ("Hương Thị Nguyễn", "Nguyễn Thị Hương", "Nguyễn", "Hương"),
        ("hung van tran", "Tran Van Hung", "Tran", "Hung"),
        ("Hương Thị Thu Nguyễn", "Nguyễn Thị Thu Hương", "Nguyễn", "Hương"),
        ("Thị Hương Nguyễn", "Nguyễn Thị Hương", "Nguyễn", "Hương"),
        ("Thảo Vân Nguyễn", "Nguyễn Thảo Vân", "Nguyễn", "Vân"),  # Vân is no Văn: a given name too
    ],
)
def test_western_order_profile_names_are_put_family_first(
    raw: str, display: str, family: str, given: str
) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert (name.display, name.family, name.given) == (display, family, given)
    assert name.western_order


def test_western_order_and_vietnamese_order_share_a_key() -> None:
    western, native = normalize_name("Lan Nguyễn"), normalize_name("Nguyễn Lan")
    assert western is not None and native is not None
    assert western.key == native.key == "nguyen lan"
    for typed in ("Hương Thị Nguyễn", "Hương Nguyễn Thị", unicodedata.normalize("NFD", "huong thi nguyen")):
        western = normalize_name(typed)
        assert western is not None and western.key == "nguyen thi huong", typed


@pytest.mark.parametrize(
    "one, other",
    [
        ("Nguyễn Văn Hoà", "Nguyễn Văn Hòa"),
        ("Nguyễn Thị Thuý", "Nguyễn Thị Thúy"),
        ("Trần Khoẻ", "Trần Khỏe"),
        ("Lê Thị Thuỳ", "Lê Thị Thùy"),
        ("Đặng Văn Đức", "Dang Van Duc"),
        ("ĐỖ THỊ HOA", "do thi hoa"),
        ("Nguyễn Thị Thuý", "Nguyen Thi Thuy"),
        ("Phạm Hoàng Yến", unicodedata.normalize("NFD", "Phạm Hoàng Yến")),
    ],
)
def test_old_and_new_tone_placement_fold_to_the_same_key(one: str, other: str) -> None:
    first, second = normalize_name(one), normalize_name(other)
    assert first is not None and second is not None
    assert first.key == second.key
    assert first.key.isascii() and first.key == first.key.lower()


@pytest.mark.parametrize("raw", ["Nguyễn Văn Hoà", "Nguyễn Thị Thuý", "Trần Khoẻ"])
def test_display_keeps_the_tone_placement_as_typed(raw: str) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert name.display == raw


@pytest.mark.parametrize(
    "raw, display",
    [
        ("Bé Heo", "Bé Heo"),
        ("Mèo Con", "Mèo Con"),
        ("Tiểu Yến", "Tiểu Yến"),
        ("bé Na", "bé Na"),
        ("Gấu Béo", "Gấu Béo"),
        ("Công Chúa Lan", "Công Chúa Lan"),
        ("😍😍😍", "😍😍😍"),
        ("🌸", "🌸"),
        ("Shop Thời Trang ABC", "Shop Thời Trang ABC"),
        ("Mỹ phẩm Hana", "Mỹ phẩm Hana"),
        ("Cty TNHH Minh Phát", "Cty TNHH Minh Phát"),
        ("Công ty Cổ phần Sao Việt", "Công ty Cổ phần Sao Việt"),
        ("Spa Hoa Mai", "Spa Hoa Mai"),
        ("Hana Store", "Hana Store"),
        ("Nail Xinh", "Nail Xinh"),
        ("Tiệm Bánh Ngọt", "Tiệm Bánh Ngọt"),
        ("Trà Sữa Bông", "Trà Sữa Bông"),
        ("thoi trang nu gia re", "thoi trang nu gia re"),
        ("Khách hàng", "Khách hàng"),
        ("Khach hang", "Khach hang"),
        ("KHÁCH HÀNG", "KHÁCH HÀNG"),
        ("KH", "KH"),
        ("KH001", "KH001"),
        ("User 123", "User 123"),
        ("Facebook user", "Facebook user"),
        ("Zalo User", "Zalo User"),
        ("Người dùng Zalo", "Người dùng Zalo"),
        ("N/A", "N/A"),
        ("test", "test"),
        ("Test", "Test"),
        ("Test Test", "Test Test"),
        ("Nguyễn Văn A", "Nguyễn Văn A"),  # the Vietnamese John Doe
        ("TRAN THI B", "TRAN THI B"),
        ("abc", "abc"),
        ("aaaa", "aaaa"),
        ("0912345678", "0912345678"),
        ("123456", "123456"),
        ("...", "..."),
        ("  Shop   Hana  ", "Shop Hana"),
        ("Chuyên sỉ lẻ quần áo trẻ em toàn quốc", "Chuyên sỉ lẻ quần áo trẻ em toàn quốc"),
        ("Hàng xách tay Nhật", "Hàng xách tay Nhật"),
    ],
)
def test_display_names_that_are_not_people_are_flagged_and_kept_clean(
    raw: str, display: str
) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert not name.is_personal
    assert name.display == display
    assert (name.family, name.given) == (None, None)


@pytest.mark.parametrize(
    "raw, display",
    [
        ("Na", "Na"),
        ("Nguyễn Thị Bé", "Nguyễn Thị Bé"),
        ("Nguyễn Thị Lan 🌸", "Nguyễn Thị Lan"),
        ("Hùng 💪", "Hùng"),
        ("Lan 🌸🌸", "Lan"),  # a name decorated as people sign Zalo and Facebook
        ("❤️ ❤️ Hùng ❤️", "Hùng"),
        ("✿ Thành Vũ ✿", "Thành Vũ"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("Lan (Zalo)", "Lan"),
        ("Mai Anh", "Mai Anh"),
        ("Hoa Mai", "Hoa Mai"),
        ("Jean-Pierre DUPONT", "Jean-Pierre Dupont"),
        ("H'Hen Niê", "H'Hen Niê"),
        ("John Smith", "John Smith"),
    ],
)
def test_real_names_stay_personal(raw: str, display: str) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert name.is_personal
    assert name.display == display


@pytest.mark.parametrize(
    "raw, display, given",
    [
        ("Hằng Mít", "Hằng", "Hằng"),  # a given name and a home name, as people sign Facebook
        ("Hương Kem", "Hương", "Hương"),
        ("Xoài Lan", "Lan", "Lan"),
        ("chị Hương Kem", "Hương", "Hương"),
        ("HANG MIT", "Hang", "Hang"),  # without accents
        ("Hoàng Bin", "Hoàng", "Hoàng"),  # Hoàng is as often a given name
        ("Nấm Lan", "Lan", "Lan"),
        ("Khánh Heo", "Khánh", "Khánh"),  # a nickname word signed after the given name
        ("Lan Cute", "Lan", "Lan"),
        ("Thịnh Bé", "Thịnh", "Thịnh"),
        ("chị Lan Xinh", "Lan", "Lan"),
        ("Kiên Đẹp Trai", "Kiên", "Kiên"),  # two words of praise signed after it ("handsome")
        ("Trung Dep Trai", "Trung", "Trung"),
        ("Thu Dễ Thương", "Thu", "Thu"),
        ("Minh Idol", "Minh", "Minh"),
    ],
)
def test_a_home_name_beside_a_given_name_is_dropped(raw: str, display: str, given: str) -> None:
    name = normalize_name(raw)
    assert name is not None and name.is_personal
    assert (name.display, name.family, name.given, name.raw) == (display, None, given, raw)
    assert name.key == fold(display)


@pytest.mark.parametrize(
    "raw, display",
    [
        ("Mít", "Mít"),  # alone: kept, so it differs from a relative's given name
        ("Sóc Huỳnh", "Huỳnh Sóc"),  # with a family name: the home name stays
        ("Trần Tũn", "Trần Tũn"),
        ("Mẹ Bin", "Mẹ Bin"),  # a parent named after the child, never "Mẹ"
        ("Ba Tí", "Ba Tí"),
        ("Nguyễn Văn Tí", "Nguyễn Văn Tí"),  # three words: Tí is his given name
        ("Nam Lan", "Nam Lan"),  # Nam, not Nấm typed without accents
        ("Tom Lan", "Tom Lan"),
        ("Na Lan", "Na Lan"),  # Na is a given name too
        ("Mèo Con", "Mèo Con"),  # a nickname in front stays a nickname (not a personal name)
        ("Gấu Béo", "Gấu Béo"),
        ("Nguyễn Heo", "Nguyễn Heo"),
        ("Mẹ Heo", "Mẹ Heo"),
        ("Bin Đẹp Trai", "Bin Đẹp Trai"),  # a home name and praise: no given name to keep
        ("Nguyễn Đẹp Trai", "Nguyễn Đẹp Trai"),
    ],
)
def test_home_names_alone_or_beside_a_family_name_or_a_parent_are_kept(raw: str, display: str) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert name.display == display


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Đặng Đức", "dang duc"),
        ("HOÀ", "hoa"),
        (unicodedata.normalize("NFD", "thuý"), "thuy"),
        ("  Hà   Nội ", "ha noi"),
        ("Ｎｇｕｙễｎ", "nguyen"),
        ("😀 Lan", "😀 lan"),
        ("", ""),
        ("Straße", "strasse"),
    ],
)
def test_fold_works_on_any_string(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("display, alias", [
    ("Gấu Phan", True), ("Cún", True), ("SHOP HOA XINH", True), ("Mèo Con", True),
    ("Khách hàng", False), ("Zalo User", False), ("User 123", False), ("🌸🌸", False), ("abc", False),
    ("Bé", False),  # what a family calls its youngest
])
def test_a_nickname_or_a_shop_name_is_an_alias_a_placeholder_is_not(display: str, alias: bool) -> None:
    assert is_alias(display) is alias


@pytest.mark.parametrize(
    "raw, display",
    [
        # Typed in Telex with the input method off: the keys read back.
        ("Nguyeenx Thij Lan", "Nguyễn Thị Lan"),
        ("NGUYEENX VAWN HUNGF", "Nguyễn Văn Hùng"),
        ("chij Ddoox Thij Thu Trang", "Đỗ Thị Thu Trang"),
        ("Hoangf Anh Tuaans", "Hoàng Anh Tuấn"),
        ("Traanf Thij Thuyr", "Trần Thị Thủy"),
        ("Nguyeenx Thij Xuaan", "Nguyễn Thị Xuân"),  # a doubled letter in a name typed so
        ("Hwng", "Hưng"),
        ("Dduwowngf Vawn Minh", "Đường Văn Minh"),
        # Not Telex, or not plainly: left as typed.
        ("Nguyen Thaanh", "Nguyen Thaanh"),  # a key pressed twice, no tone key
        ("VOO VAN MINH", "Voo Van Minh"),
        ("Le Thaor", "Le Thaor"),  # a last r alone: no telling
        ("Chris Nguyen", "Nguyen Chris"),
        ("Max", "Max"),
        ("Hoaang Anh", "Hoaang Anh"),
        ("Nguyeenx Hoaang", "Nguyễn Hoaang"),  # "Hoâng" is no Vietnamese syllable
        # English names beside a name typed in Telex: an s, r or x alone reads only a Vietnamese name.
        ("Max Nguyeenx", "Nguyễn Max"),  # not "Mã Nguyễn"
        ("Rex Traanf", "Trần Rex"),
        ("Vox Vawn Hungf", "Võ Văn Hùng"),  # Võ is one
    ],
)
def test_a_name_typed_in_telex_is_read_back(raw: str, display: str) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert name.display == display
    assert name.raw == raw


@pytest.mark.parametrize(
    "raw, display, personal",
    [
        # Typed in VNI with the input method off: digits for the marks and tones, anywhere after the letter.
        ("Nguye64n Thi5 Lan", "Nguyễn Thị Lan", True),
        ("Nguyen64 Va8n Hu2ng", "Nguyễn Văn Hùng", True),
        ("D9o64 Thi5 Thu Trang", "Đỗ Thị Thu Trang", True),
        ("Du7o7ng Va8n Minh", "Dương Văn Minh", True),  # the horn typed on both vowels of ươ
        ("Ngo6 Quo61c Vie65t", "Ngô Quốc Việt", True),
        ("TRA62N THI5 THU3Y", "Trần Thị Thủy", True),
        ("Pha5m Ngo5c A1nh", "Phạm Ngọc Ánh", True),  # tone digits alone, on names people carry
        # Digits that are no VNI: left as typed, no personal name.
        ("Nam2", "Nam2", False),  # a tone digit alone that spells no name (Nàm)
        ("Bin2k", "Bin2k", False),
        ("Nguye64n Bin2k", "Nguye64n Bin2k", False),  # every word with a digit must read
        ("Lan 0912345678", "Lan 0912345678", False),
        ("Nguye64n Va8n A", "Nguyễn Văn A", False),  # read, and a placeholder
    ],
)
def test_a_name_typed_in_vni_is_read_back(raw: str, display: str, personal: bool) -> None:
    name = normalize_name(raw)
    assert name is not None
    assert (name.display, name.is_personal) == (display, personal)
    assert name.raw == raw

