"""Which field each column feeds: Vietnamese and English headers, or an explicit mapping."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from hub.importer.columns import ColumnError, detect, load_mapping, resolve


@pytest.mark.parametrize(("header", "field"), [
    ("Họ tên", "name"), ("Họ và tên", "name"), ("HỌ VÀ TÊN", "name"), ("ho ten", "name"), ("Full name", "name"),
    ("Tên khách hàng", "name"), ("SĐT", "phone"), ("sdt", "phone"), ("Số điện thoại", "phone"),
    ("so_dien_thoai", "phone"), ("Điện thoại", "phone"), ("Di động", "phone"), ("Phone", "phone"),
    ("Mobile", "phone"), ("Email", "email"), ("E-mail", "email"), ("Tỉnh/Thành", "province"),
    ("Tỉnh thành", "province"), ("Tỉnh", "province"), ("Thành phố", "province"), ("Địa chỉ", "address"),
    ("Ghi chú", "message"), ("Nguồn", "source"), ("Source", "source"), ("Ngày", "date"), ("ID", "id"),
    ("Mã KH", "id"), ("Mã khách hàng", "id"), (unicodedata.normalize("NFD", "Số  Điện Thoại "), "phone"),
])
def test_common_headers_are_recognised(header, field):
    assert detect([header, "Màu yêu thích"]) == {header: field}


def test_ten_is_the_full_name_alone_and_the_given_name_beside_ho():
    assert detect(["Tên", "SĐT"]) == {"Tên": "name", "SĐT": "phone"}
    assert detect(["Họ", "Tên"]) == {"Họ": "family_name", "Tên": "given_name"}


def test_a_mapping_is_the_whole_truth_and_matches_headers_loosely():
    fields = resolve(["Khách", "Liên hệ", "SĐT"], {"khach": "name", "Liên hệ": "phone"})
    assert fields == {"Khách": "name", "Liên hệ": "phone"}  # "SĐT" is not mapped: kept as extra


def test_no_phone_email_or_name_column_fails_listing_the_headers_seen():
    with pytest.raises(ColumnError, match="no phone, email or name column.*'Cột A', 'Ghi chú'"):
        resolve(["Cột A", "Ghi chú"], None)


def test_a_mapped_column_missing_from_the_file_fails():
    with pytest.raises(ColumnError, match="mapped column 'Mobile' is not in the file; columns seen: 'SĐT'"):
        resolve(["SĐT"], {"Mobile": "phone"})


@pytest.mark.parametrize(("name", "text"), [
    ("map.toml", '"Khách" = "name"\n"Liên hệ" = "phone"\n'),
    ("map.json", '{"Khách": "name", "Liên hệ": "phone"}'),
])
def test_mapping_files_in_toml_or_json(tmp_path: Path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert load_mapping(path) == {"Khách": "name", "Liên hệ": "phone"}


@pytest.mark.parametrize(("text", "message"), [
    ('"Khách" = "ten"\n', "unknown field 'ten'"),
    ('"Khách" = \n', "cannot read mapping file"),
    ("", "expected"),
])
def test_bad_mapping_files_say_what_is_wrong(tmp_path: Path, text, message):
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ColumnError, match=message):
        load_mapping(path)
