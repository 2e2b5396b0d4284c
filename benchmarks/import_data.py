"""A seeded XLSX of Vietnamese leads with a known share of broken rows, and the report it must give.

Good rows: names with diacritics (some NFD, some Western order, some with a kinship prefix),
phones typed every which way (+84 / 84 / 0084, dots and spaces, the old 11-digit 016x... prefixes,
numbers stored as numbers so their leading 0 is lost), emails, provinces in old and short names,
dates as real dates. A few people appear twice (their second row merges into the first).
Broken rows, spread evenly: empty rows, rows without phone, email or name, rows whose only
contact is a bad phone, rows with an over-long cell.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from hub.connectors.import_row import MAX_CHARS, NO_CONTACT
from hub.importer import EMPTY_ROW

HEADERS = ("Họ và tên", "Số điện thoại", "E-mail", "Tỉnh/Thành", "Địa chỉ", "Ghi chú", "Nguồn", "Ngày đăng ký")
FAMILY = ["Nguyễn"] * 8 + ["Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Thu", "Kim"]
GIVEN = ("Hùng Dũng Tuấn Minh Nam Long Hải Sơn Phong Quân Huy Khoa Thắng Cường Tùng Đạt Phúc Bảo Trung Hiếu "
         "Lan Hương Hoa Mai Linh Trang Thảo Hà Nhung Hằng Thủy Yến Vy Anh Phương Nga Dung Huyền Oanh Thuý").split()
PROVINCES = ["TP.HCM", "Hà Nội", "HN", "Đà Nẵng", "Bình Dương", "Cần Thơ", "Hải Phòng", "Khánh Hòa", "Nghệ An", ""]
SOURCES = ["Facebook", "Zalo", "Hội chợ", "Website", ""]
PREFIXES = ["90", "91", "93", "94", "96", "97", "98", "86", "88", "89", "70", "77", "79", "83", "84", "32", "33",
            "34", "35", "36", "37", "38", "39"]
OLD_OF = {**{f"3{d}": f"16{d}" for d in "23456789"}, "70": "120", "79": "121", "77": "122", "83": "123", "84": "124"}
BAD_PHONES = ["12345", "0912 34", "090", "không có", "999"]
BROKEN_KINDS = ("empty", "no_contact", "bad_phone", "too_long")


@dataclass
class Expected:
    rows: int = 0  # data rows (the header is row 1)
    imported: int = 0
    merged: int = 0  # imported rows whose person had an earlier row
    rejects: dict[int, str] = field(default_factory=dict)  # row -> reason


def generate(path: Path, rows: int, broken: float = 0.10, seed: int = 7) -> Expected:
    """Write the XLSX (openpyxl write-only mode) and return what importing it must give."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Khách hàng")
    sheet.append(list(HEADERS))
    expected = Expected(rows=rows)
    people: list[list[object]] = []
    numbers = rng.sample(range(1_000_000, 10_000_000), rows)
    broken_rows = set(rng.sample(range(2, rows + 1), round(rows * broken))) - {rows + 1}
    for index, number in enumerate(range(2, rows + 2)):
        if number in broken_rows:
            kind = BROKEN_KINDS[len(expected.rejects) % len(BROKEN_KINDS)]
            cells, expected.rejects[number] = _broken(rng, kind, numbers[index])
        elif people and rng.random() < 0.03:
            # The same person registering again, later (a row of its own: the same cells twice
            # would be the same row, a duplicate): merges into the first row's contact.
            cells = list(rng.choice(people))
            cells[5], expected.merged = "đăng ký lần 2", expected.merged + 1
            cells[7] = cells[7] + timedelta(minutes=number)  # type: ignore[operator]
            expected.imported += 1
        else:
            cells = _person(rng, numbers[index])
            people.append(cells)
            expected.imported += 1
        sheet.append(cells)
    book.save(path)
    return expected


def _person(rng: random.Random, subscriber: int) -> list[object]:
    family, middle, given = rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)
    style = rng.random()
    name = (f"{given} {family}" if style < 0.1 else f"chị {family} {middle} {given}" if style < 0.15
            else f"{family} {middle} {given}")
    if rng.random() < 0.2:
        name = unicodedata.normalize("NFD", name)
    email = f"{_ascii(given)}.{_ascii(family)}{subscriber % 10000}@gmail.com" if rng.random() < 0.5 else ""
    when = datetime(2025, 1, 1, 8) + timedelta(minutes=rng.randrange(0, 500_000))
    return [name, _phone(rng, subscriber), email, rng.choice(PROVINCES), f"{rng.randrange(1, 300)} Lê Lợi",
            rng.choice(["", "gọi sau 17h", "quan tâm gói 2"]), rng.choice(SOURCES), when]


def _phone(rng: random.Random, subscriber: int) -> object:
    prefix = rng.choice(PREFIXES)
    digits = f"{prefix}{subscriber:07d}"
    style = rng.randrange(7)
    if style == 0:
        return int(digits)  # a number cell: Excel dropped the leading 0
    if style == 1 and prefix in OLD_OF:
        old = f"0{OLD_OF[prefix]}{digits[2:]}"
        return f"{old[:4]} {old[4:7]} {old[7:]}"
    return [f"0{digits}", f"+84 {digits[:2]} {digits[2:5]} {digits[5:]}", f"84{digits}", f"0084{digits}",
            f"0{digits[:3]}.{digits[3:6]}.{digits[6:]}", f"(+84) {digits}", f"0{digits}"][style]


def _broken(rng: random.Random, kind: str, subscriber: int) -> tuple[list[object], str]:
    if kind == "empty":
        return [None] * len(HEADERS), EMPTY_ROW
    if kind == "no_contact":
        return ["", "", "", rng.choice(PROVINCES[:-1]), "", "khách vãng lai", "Hội chợ", None], NO_CONTACT
    if kind == "bad_phone":
        phone = rng.choice(BAD_PHONES)
        return ["", phone, "", "Hà Nội", "", "", "", None], f"số điện thoại không hợp lệ / invalid phone: {phone}"
    name = "Nguyễn Văn " + "A" * 300
    limit = MAX_CHARS["name"]
    reason = (f"ô quá dài: cột 'Họ và tên', {len(name)} ký tự (tối đa {limit}) / "
              f"cell too long: column 'Họ và tên', {len(name)} characters (at most {limit})")
    return [name, f"09{subscriber:08d}", "", "", "", "", "", None], reason


def _ascii(text: str) -> str:
    from hub.normalize import fold

    return fold(text).lower().replace(" ", "")
