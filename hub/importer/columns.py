"""Which lead field each column feeds: recognised from its header, or given by a --map file."""
from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from hub.connectors.import_row import FIELDS
from hub.normalize import fold

CONTACT_FIELDS = frozenset({"name", "given_name", "family_name", "phone", "email"})
# Headers folded by header_key (accents, đ, case, spaces and punctuation dropped).
ALIASES: dict[str, str] = {
    **dict.fromkeys(["hoten", "hovaten", "tenkhachhang", "khachhang", "tenkh", "hotenkhachhang",
                     "name", "fullname", "customername", "contactname"], "name"),
    **dict.fromkeys(["ho", "holot", "familyname", "lastname", "surname"], "family_name"),
    **dict.fromkeys(["firstname", "givenname"], "given_name"),
    **dict.fromkeys(["sdt", "sodienthoai", "dienthoai", "didong", "sodidong", "dt", "phone", "phonenumber",
                     "mobile", "mobilephone", "tel", "telephone", "zalo", "sdtzalo"], "phone"),
    **dict.fromkeys(["email", "mail", "diachiemail", "emailaddress"], "email"),
    **dict.fromkeys(["tinhthanh", "tinhthanhpho", "tinh", "thanhpho", "tinhtp", "khuvuc", "province", "city",
                     "region"], "province"),
    **dict.fromkeys(["diachi", "address"], "address"),
    **dict.fromkeys(["ghichu", "noidung", "note", "notes", "comment", "comments", "message", "nhucau", "yeucau"],
                    "message"),
    **dict.fromkeys(["nguon", "nguonkhach", "source", "leadsource", "kenh", "channel"], "source"),
    **dict.fromkeys(["ngay", "ngaytao", "ngaydangky", "thoigian", "date", "created", "createdat", "createddate",
                     "timestamp"], "date"),
    **dict.fromkeys(["id", "makh", "makhachhang", "customerid", "leadid"], "id"),
}
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


class ColumnError(Exception):
    """The file's columns cannot feed a lead, or the --map file is wrong."""


def header_key(header: str) -> str:
    """"Số điện thoại" / "so dien thoai" / "SO_DIEN_THOAI" -> "sodienthoai"."""
    return _NOT_ALNUM.sub("", fold(header).lower())


def detect(headers: Sequence[str]) -> dict[str, str]:
    """header -> field for the headers recognised; "Tên" is the given name when there is a
    "Họ" column beside it, else the full name."""
    fields = {h: ALIASES[header_key(h)] for h in headers if header_key(h) in ALIASES}
    has_family = "family_name" in fields.values()
    for header in headers:
        if header_key(header) == "ten":
            fields[header] = "given_name" if has_family else "name"
    return fields


def resolve(headers: Sequence[str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """header -> field. An explicit mapping is the whole truth (its keys matched exactly or
    folded); without one, headers are recognised. Other columns are kept as extra attributes.

    Raises ColumnError when a mapped header is not in the file, or no column gives a phone,
    email or name (the message lists the headers seen).
    """
    if mapping is None:
        fields = detect(headers)
    else:
        by_key = {header_key(h): h for h in headers}
        fields = {}
        for wanted, field in mapping.items():
            header = wanted if wanted in headers else by_key.get(header_key(wanted))
            if header is None:
                raise ColumnError(f"cột {wanted!r} trong tệp ánh xạ không có trong tệp / mapped column {wanted!r} "
                                  f"is not in the file; columns seen: {_listing(headers)}")
            fields[header] = field
    if not CONTACT_FIELDS.intersection(fields.values()):
        raise ColumnError("không tìm thấy cột số điện thoại, email hay tên / no phone, email or name column "
                          f"found; columns seen: {_listing(headers)}. Rename them or give --map FILE.")
    return fields


def load_mapping(path: Path) -> dict[str, str]:
    """A TOML or JSON file of `"column header" = "field"`; fields: see FIELDS.

    Raises ColumnError when it cannot be read or names an unknown field.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError and JSONDecodeError are ValueErrors
        raise ColumnError(f"tệp ánh xạ {path.name} không đọc được / cannot read mapping file {path.name}: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise ColumnError(f"{path.name}: cần dạng \"cột\" = \"trường\" / expected \"column\" = \"field\" entries")
    for header, field in data.items():
        if field not in FIELDS:
            raise ColumnError(f"{path.name}: cột {header!r}: trường {field!r} không hợp lệ / unknown field "
                              f"{field!r}; use one of {', '.join(sorted(FIELDS))}")
    return {str(k): str(v) for k, v in data.items()}


def _listing(headers: Sequence[str]) -> str:
    return ", ".join(repr(h) for h in headers) or "(none)"
