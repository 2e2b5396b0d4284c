"""Attribution (basic: the raw values, trimmed, empty ones dropped)."""
from __future__ import annotations

from typing import Mapping

from hub.model import Attribution


def normalize_attribution(channel: str, raw: Mapping[str, str]) -> Attribution:
    """One attribution record for a lead."""
    values = {k: str(v).strip() for k, v in raw.items() if v is not None and str(v).strip()}
    return Attribution(channel=channel, values=values)
