from __future__ import annotations

import unicodedata

import pytest
from vietnam_provinces import Province as Unit

from hub.normalize.address import normalize_province

HANOI, HCMC, DANANG, DONGNAI = "01", "79", "48", "75"


@pytest.mark.parametrize(
    "raw, code",
    [
        ("Hà Nội", HANOI),
        ("Thành phố Hà Nội", HANOI),
        ("TP Hồ Chí Minh", HCMC),
        ("Thành phố Hồ Chí Minh", HCMC),
        ("Tỉnh Đồng Nai", DONGNAI),
        ("Đồng Nai", DONGNAI),
        ("Đà Nẵng", DANANG),
        ("TP. Đà Nẵng", DANANG),
        ("T.P Đà Nẵng", DANANG),
        ("Huế", "46"),
        ("Cần Thơ", "92"),
        ("Hải Phòng", "31"),
        ("Khánh Hòa", "56"),
        ("Khánh Hoà", "56"),
        ("Thanh Hoá", "38"),
        ("Đắk Lắk", "66"),
        ("Đắc Lắc", "66"),
        ("Daklak", "66"),
    ],
)
def test_current_unit_names_resolve_with_or_without_prefix(raw: str, code: str) -> None:
    province = normalize_province(raw)
    assert province is not None
    assert (province.status, province.code) == ("resolved", code)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("HCM", HCMC),
        ("hcm", HCMC),
        ("TPHCM", HCMC),
        ("TP.HCM", HCMC),
        ("Tp. HCM", HCMC),
        ("T.P HCM", HCMC),
        ("HCMC", HCMC),
        ("Ho Chi Minh City", HCMC),
        ("SG", HCMC),
        ("Sài Gòn", HCMC),
        ("Saigon", HCMC),
        ("HN", HANOI),
        ("Hanoi", HANOI),
        ("HP", "31"),
        ("BR-VT", HCMC),
        ("TT Huế", "46"),
    ],
)
def test_abbreviations_resolve(raw: str, code: str) -> None:
    province = normalize_province(raw)
    assert province is not None
    assert (province.status, province.code) == ("resolved", code)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("ho chi minh", HCMC),
        ("ha noi", HANOI),
        ("HA NOI", HANOI),
        ("da nang", DANANG),
        ("binh duong", HCMC),
        ("dong nai", DONGNAI),
        ("thua thien hue", "46"),
        ("ba ria vung tau", HCMC),
        (unicodedata.normalize("NFD", "Hồ Chí Minh"), HCMC),
        (unicodedata.normalize("NFD", "Bình Dương"), HCMC),
    ],
)
def test_unaccented_lower_case_and_nfd_spellings_resolve(raw: str, code: str) -> None:
    province = normalize_province(raw)
    assert province is not None
    assert province.code == code


@pytest.mark.parametrize(
    "raw, code",
    [
        ("Quận 1", HCMC),
        ("Q1", HCMC),
        ("Q.1", HCMC),
        ("q 12", HCMC),
        ("Quận 01", HCMC),
        ("District 7", HCMC),
        ("Thủ Đức", HCMC),
        ("TP Thủ Đức", HCMC),
        ("Quận Gò Vấp", HCMC),
        ("Huyện Củ Chi", HCMC),
        ("Quận Ba Đình", HANOI),
        ("Cầu Giấy", HANOI),
        ("Hà Đông", HANOI),
        ("Quận Hải Châu", DANANG),
        ("Hội An", DANANG),
        ("Biên Hòa", DONGNAI),
        ("Thủ Dầu Một", HCMC),
        ("Dĩ An", HCMC),
        ("Vũng Tàu", HCMC),
        ("Nha Trang", "56"),
        ("Đà Lạt", "68"),
        ("Phan Thiết", "68"),
        ("Buôn Ma Thuột", "66"),
        ("Buôn Mê Thuột", "66"),
        ("Phú Quốc", "91"),
        ("Sa Pa", "15"),
        ("Sapa", "15"),
        ("Ninh Kiều", "92"),
        ("Huyện Quảng Ninh", "44"),
        ("Phường Bến Thành", HCMC),
    ],
)
def test_old_districts_and_cities_resolve_to_their_province(raw: str, code: str) -> None:
    province = normalize_province(raw)
    assert province is not None
    assert (province.status, province.code) == ("resolved", code)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("123 Lê Lợi, Quận 1, TP.HCM", HCMC),
        ("số 5 ngõ 10, Cầu Giấy, Hà Nội", HANOI),
        ("12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP. Hồ Chí Minh, Việt Nam", HCMC),
        ("KCN Amata, Biên Hòa, Đồng Nai", DONGNAI),
        ("Cầu Giấy Hà Nội", HANOI),
        ("123 Le Loi q1", HCMC),
        ("so 5 ngo 10 quan cau giay", HANOI),
        ("Ấp 3, Xã Tân Phú, Huyện Tân Phú, Tỉnh Đồng Nai", DONGNAI),
        ("Biên Hòa, ĐN", DONGNAI),
        ("Tân Phú, DN", DONGNAI),
        ("Hà Nội, Việt Nam", HANOI),
        ("45 Trần Phú; Hải Châu; Đà Nẵng", DANANG),
        ("Xa lộ Hà Nội, Thủ Đức, HCM", HCMC),
        ("Thị xã Dĩ An, Bình Dương 75000", HCMC),
    ],
)
def test_full_addresses_resolve_from_the_last_component(raw: str, code: str) -> None:
    province = normalize_province(raw)
    assert province is not None
    assert (province.status, province.code) == ("resolved", code)


@pytest.mark.parametrize(
    "raw",
    ["DN", "ĐN", "BD", "QN", "Tân Phú", "Châu Thành", "Phú Tân", "Chợ Mới", "Sơn Tây", "Hoàng Mai"],
)
def test_names_shared_by_several_units_stay_ambiguous(raw: str) -> None:
    province = normalize_province(raw)
    assert province is not None
    assert (province.status, province.code, province.name) == ("ambiguous", None, None)
    assert province.raw == raw


@pytest.mark.parametrize("raw", ["xyz", "Việt Nam", "Paris", "123", "abc def ghi", "Phường 12"])
def test_unknown_places_keep_the_raw_text(raw: str) -> None:
    province = normalize_province(raw)
    assert province is not None
    assert (province.status, province.code, province.raw) == ("unknown", None, raw)


@pytest.mark.parametrize("raw", [None, "", "   ", "\n"])
def test_blank_input_gives_none(raw: str | None) -> None:
    assert normalize_province(raw) is None


def test_resolved_province_carries_the_official_code_and_name() -> None:
    province = normalize_province("  tp.hcm ")
    assert province is not None
    assert province.raw == "  tp.hcm "
    assert (province.code, province.name) == ("79", "Thành phố Hồ Chí Minh")


@pytest.mark.parametrize("unit", list(Unit.iter_all()), ids=lambda unit: unit.codename)
def test_every_current_unit_resolves_by_its_own_name(unit: Unit) -> None:
    province = normalize_province(unit.name)
    assert province is not None
    assert (province.code, province.name) == (f"{int(unit.code):02d}", unit.name)


# The 63 provinces of 2008-2025 and the unit each joined on 1 July 2025 (Resolution 202/2025/QH15).
OLD_PROVINCES = {
    "Hà Nội": "01", "Hà Giang": "08", "Cao Bằng": "04", "Bắc Kạn": "19", "Tuyên Quang": "08",
    "Lào Cai": "15", "Điện Biên": "11", "Lai Châu": "12", "Sơn La": "14", "Yên Bái": "15",
    "Hòa Bình": "25", "Thái Nguyên": "19", "Lạng Sơn": "20", "Quảng Ninh": "22",
    "Bắc Giang": "24", "Phú Thọ": "25", "Vĩnh Phúc": "25", "Bắc Ninh": "24", "Hải Dương": "31",
    "Hải Phòng": "31", "Hưng Yên": "33", "Thái Bình": "33", "Hà Nam": "37", "Nam Định": "37",
    "Ninh Bình": "37", "Thanh Hóa": "38", "Nghệ An": "40", "Hà Tĩnh": "42", "Quảng Bình": "44",
    "Quảng Trị": "44", "Thừa Thiên Huế": "46", "Đà Nẵng": "48", "Quảng Nam": "48",
    "Quảng Ngãi": "51", "Bình Định": "52", "Phú Yên": "66", "Khánh Hòa": "56",
    "Ninh Thuận": "56", "Bình Thuận": "68", "Kon Tum": "51", "Gia Lai": "52", "Đắk Lắk": "66",
    "Đắk Nông": "68", "Lâm Đồng": "68", "Bình Phước": "75", "Tây Ninh": "80",
    "Bình Dương": "79", "Đồng Nai": "75", "Bà Rịa - Vũng Tàu": "79", "Hồ Chí Minh": "79",
    "Long An": "80", "Tiền Giang": "82", "Bến Tre": "86", "Trà Vinh": "86", "Vĩnh Long": "86",
    "Đồng Tháp": "82", "An Giang": "91", "Kiên Giang": "91", "Cần Thơ": "92", "Hậu Giang": "92",
    "Sóc Trăng": "92", "Bạc Liêu": "96", "Cà Mau": "96",
}


@pytest.mark.parametrize("old_name, code", OLD_PROVINCES.items())
def test_each_old_province_resolves_to_the_unit_it_joined(old_name: str, code: str) -> None:
    for spelling in (old_name, f"Tỉnh {old_name}", old_name.lower()):
        province = normalize_province(spelling)
        assert province is not None
        assert (province.status, province.code) == ("resolved", code), spelling


def test_ha_tay_merged_in_2008_resolves_to_hanoi() -> None:
    province = normalize_province("Hà Tây")
    assert province is not None
    assert province.code == HANOI
