"""One row of an imported CSV / XLSX file (hub/importer) as a lead draft.

The stored body is JSON: the file's name, the row number, a digest of the row's content
(row_digest; rows stored before 2026-12 carry a digest of the whole file's instead), the row's
cells by header and the field each mapped header feeds, so a replay reads the row exactly as it
was imported whatever the mapping rules become later.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from hub.config import Settings
from hub.errors import IgnoreEvent, PayloadError
from hub.model import LeadDraft, RawEvent
from hub.normalize import extract_emails, extract_phones, normalize_email, normalize_name, normalize_phone

VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving time
FIELDS = frozenset({"name", "given_name", "family_name", "phone", "email", "province", "address",
                    "message", "source", "date", "id", "extra", "skip"})
# Longer than this, a cell is not what its column says it is (a pasted note, a broken export).
MAX_CHARS: dict[str, int] = {"name": 255, "given_name": 128, "family_name": 128, "phone": 64, "email": 320,
                             "province": 128, "id": 200, "source": 255, "date": 64}
MAX_OTHER_CHARS = 4000
NO_CONTACT = "không có số điện thoại, email hay tên / no phone, email or name"
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def source_ref(body: dict[str, Any]) -> str:
    """The lead's source_ref: the id column's value, else `<file name>#<row>@<content digest>`
    (the digest, its first 12 digits, tells apart two rows that happen to share a file name
    and a row number)."""
    return row_id(body) or f"{body['file']}#{body['row']}@{body['digest'][:12]}"


def delivery_key(body: dict[str, Any]) -> str:
    """The row's raw event delivery key, what makes importing it again add nothing: `id:<value>`
    when the file has an id column (the same id in another file is the same row), else
    `row:<row_digest>`: the same content is the same row wherever it stands, in whichever file."""
    external_id = row_id(body)
    return f"id:{external_id}" if external_id else f"row:{body['digest']}"


def row_digest(cells: dict[str, str]) -> str:
    """A digest of the row's non-empty cells by header: neither their order nor an empty column
    added or dropped changes it (a spreadsheet exported again with new rows, or reordered,
    gives its old rows the same digests)."""
    canonical = json.dumps(sorted((header, value) for header, value in cells.items() if value), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def row_id(body: dict[str, Any]) -> str | None:
    """The id column's value, when there is one (and it is not over-long)."""
    values = _values(body, "id")
    return values[0] if values and len(values[0]) <= MAX_CHARS["id"] else None


def parse(event: RawEvent, settings: Settings) -> list[LeadDraft]:
    """The row's lead draft. Raises IgnoreEvent, with a reason in Vietnamese and English, for a
    row with an over-long cell or without any usable phone, email or name."""
    try:
        body = json.loads(event.body)
        cells, fields = body["cells"], body["fields"]
        file_name, row = str(body["file"]), int(body["row"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PayloadError(f"not an import row: {exc}") from None
    _check_lengths(cells, fields)
    draft = LeadDraft(
        channel="import",
        source_ref=source_ref(body),
        captured_at=_date(_first(body, "date")) or event.received_at,
        name=_first(body, "name"),
        given_name=_first(body, "given_name"),
        family_name=_first(body, "family_name"),
        phones=tuple(_values(body, "phone")),
        emails=tuple(_values(body, "email")),
        province=_first(body, "province"),
        address=_joined(body, "address"),
        text=_joined(body, "message"),
        attribution={"lead_source": _first(body, "source") or f"import:{file_name}",
                     "import_file": file_name, "import_row": str(row)},
        extra={h: v for h, v in cells.items() if v and fields.get(h, "extra") == "extra"},
    )
    _require_contact_data(draft)
    return [draft]


def _values(body: dict[str, Any], field: str) -> list[str]:
    return [str(value).strip() for header, value in body["cells"].items()
            if body["fields"].get(header) == field and str(value).strip()]


def _first(body: dict[str, Any], field: str) -> str | None:
    values = _values(body, field)
    return values[0] if values else None


def _joined(body: dict[str, Any], field: str) -> str | None:
    return "\n".join(_values(body, field)) or None


def _check_lengths(cells: dict[str, Any], fields: dict[str, str]) -> None:
    for header, value in cells.items():
        limit = MAX_CHARS.get(fields.get(header, "extra"), MAX_OTHER_CHARS)
        if len(str(value)) > limit:
            raise IgnoreEvent(f"ô quá dài: cột {header!r}, {len(str(value))} ký tự (tối đa {limit}) / "
                              f"cell too long: column {header!r}, {len(str(value))} characters (at most {limit})")


def _require_contact_data(draft: LeadDraft) -> None:
    """A row needs a phone, an email or a name that normalization can use."""
    if any(normalize_phone(p).numbers for p in draft.phones) or any(normalize_email(e) for e in draft.emails):
        return
    names = [n for n in (draft.name, draft.family_name, draft.given_name) if n]
    if names and normalize_name(" ".join(names)) is not None:
        return
    if extract_phones(draft.text) or extract_emails(draft.text):  # a number in the notes counts too
        return
    if draft.phones:
        raise IgnoreEvent(f"số điện thoại không hợp lệ / invalid phone: {', '.join(draft.phones)}")
    if draft.emails:
        raise IgnoreEvent(f"email không hợp lệ / invalid email: {', '.join(draft.emails)}")
    raise IgnoreEvent(NO_CONTACT)


def _date(value: str | None) -> datetime | None:
    """A date cell: ISO 8601 (what XLSX dates are stored as) or day-first `15/03/2024 [09:30]`;
    without a zone it is Vietnam time. None when it is neither."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        match = _DAY_FIRST.fullmatch(value.strip())
        if match is None:
            return None
        day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            parsed = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)
