"""Consent answers in forms and Lead Ads questions: which fields they are, yes or no.

A web form's unticked checkbox is not sent at all, so a form without a consent field says
nothing (None), never "no". A field that is sent counts as "yes" unless its value reads as no
("0", "false", "off", "no", "không", "không đồng ý"...).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from hub.model import Consent
from hub.normalize import fold

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Field names (accent-folded, "_" between words) that carry a consent answer.
CONSENT_FIELDS = frozenset({
    "consent", "consents", "marketing_consent", "consent_marketing", "gdpr", "gdpr_consent",
    "opt_in", "optin", "agree", "i_agree", "accept", "accept_terms", "terms", "privacy",
    "dong_y", "dongy", "toi_dong_y", "dong_y_nhan_tin", "dong_y_nhan_thong_tin",
    "dong_y_dieu_khoan", "dong_y_chinh_sach", "nhan_tin_khuyen_mai", "nhan_thong_tin_khuyen_mai",
})
_NO = frozenset({"", "0", "false", "no", "n", "off", "none", "null", "unchecked", "khong",
                 "khong dong y", "toi khong dong y", "tu choi"})


def field_key(name: str) -> str:
    return _NON_WORD.sub("_", fold(name)).strip("_")


def is_consent_field(name: str) -> bool:
    return field_key(name) in CONSENT_FIELDS


def given(value: str) -> bool:
    return fold(value).strip(" .!") not in _NO


def from_answers(channel: str, answers: Mapping[str, Sequence[str]], purpose: str = "marketing") -> Consent | None:
    """One consent from the consent fields a capture sent (all must say yes), or None."""
    answers = {name: list(values) for name, values in answers.items()}
    if not answers:
        return None
    return Consent(
        purpose=purpose,  # type: ignore[arg-type]
        given=all(given(v) for values in answers.values() for v in values) and any(answers.values()),
        source=f"{channel}:{','.join(sorted(answers))}",
        detail={name: "; ".join(values) for name, values in answers.items()},
    )
