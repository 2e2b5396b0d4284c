"""Survivorship rules: which name and province a merged contact keeps."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hub.dedupe.merge import NameValue, ProvinceValue, choose_name, choose_province, surviving_name
from hub.normalize import normalize_name

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def name(display, family=None, middle=None, given=None, personal=True, days=0) -> NameValue:
    return NameValue(display, display.lower(), family, middle, given, personal, display, T0 + timedelta(days=days))


LAN = name("Nguyễn Thị Lan", "Nguyễn", "Thị", "Lan", days=5)
LAN_FOLDED = name("Nguyen Thi Lan", "Nguyen", "Thi", "Lan", days=1)
LAN_SHORT = name("Lan", given="Lan", days=9)
SHOP = name("Shop Hoa Mai", personal=False, days=0)


@pytest.mark.parametrize(
    "values, rule, expected",
    [
        ([LAN_FOLDED, LAN], "most_complete", LAN),  # diacritics beat the folded twin
        ([LAN_SHORT, LAN], "most_complete", LAN),  # more name parts beat fewer
        ([SHOP, LAN_SHORT], "most_complete", LAN_SHORT),  # a personal name beats a shop name
        ([LAN, LAN_SHORT], "most_recent", LAN_SHORT),
        ([LAN, LAN_SHORT, SHOP], "oldest", SHOP),
        ([], "most_complete", None),
    ],
)
def test_the_surviving_name_follows_the_rule(values, rule, expected):
    assert choose_name(values, rule) == expected


def test_equally_complete_names_keep_the_oldest():
    older = name("Trần Văn Hùng", "Trần", "Văn", "Hùng", days=1)
    newer = name("Trần Văn Hưng", "Trần", "Văn", "Hưng", days=3)
    assert choose_name([newer, older]) == older


def test_a_resolved_province_beats_raw_text_whatever_its_age():
    raw = ProvinceValue(None, "gần chợ Bến Thành", "c1", T0 + timedelta(days=9))
    resolved = ProvinceValue("79", "Thành phố Hồ Chí Minh", "c2", T0)
    assert choose_province([raw, resolved]) == resolved
    assert choose_province([raw, resolved], "most_recent") == raw


@pytest.mark.parametrize("kept, other, expected", [
    ("Nguyen Thi Lan", "Nguyễn Thị Lan", "Nguyễn Thị Lan"),  # diacritics beat the folded twin
    ("Nguyễn Thị Lan", "Nguyen Thi Lan", "Nguyễn Thị Lan"),
    ("Khách hàng", "Lan", "Lan"),  # a personal name beats a placeholder
    ("Lan", "Nguyễn Thị Lan", "Nguyễn Thị Lan"),  # more parts
    ("Nguyễn Thị Lan", "Trần Văn Hùng", "Nguyễn Thị Lan"),  # as complete: the older stays
    (None, "Lan", "Lan"),
    ("Lan", None, "Lan"),
])
def test_the_name_a_contact_keeps_when_a_newcomer_joins_it(kept, other, expected):
    older, newer = datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 2, 1, tzinfo=timezone.utc)
    name = surviving_name(kept and normalize_name(kept), older, other and normalize_name(other), newer)
    assert name is not None and name.display == expected
