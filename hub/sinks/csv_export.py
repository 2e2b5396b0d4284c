"""Contacts and leads as CSV or JSON lines, streamed, filtered by channel and capture time.

Used by `hub export contacts|leads` and by GET /api/v1/export/<what>.csv. Rows are produced in
keyset-paginated batches (hub/export.py), so memory stays flat however large the store is.

Filters: `channel` and the window [since, until) apply to captures. A lead matches when its own
channel and captured_at do; a contact matches when one of its leads (its merged-away
contacts' leads included) does. Without filters every active contact / every lead is exported.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import IO, Any

from sqlalchemy import select

from hub.export import CSV_COLUMNS as CONTACT_COLUMNS
from hub.export import BATCH, csv_row, iter_contacts
from hub.store import Store
from hub.store.contacts import roots_of
from hub.store.schema import LeadRow

VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving time
BOM = "\ufeff"  # lets Excel read the file as UTF-8 (Vietnamese diacritics intact)
WHATS = ("contacts", "leads")
FORMATS = ("jsonl", "csv")
LEAD_COLUMNS = (
    "id", "contact_id", "channel", "source_ref", "captured_at", "name", "phones", "emails",
    "province", "address", "message", "utm_source", "utm_medium", "utm_campaign", "attribution",
    "created_at",
)
_CHANNEL = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_RELATIVE = re.compile(r"^(\d{1,5})([mhd])$")
_FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![\d ().]+$))")  # "+84 912..." stays a phone


class FilterError(ValueError):
    """A filter value is malformed; the message names the filter and quotes the value."""


@dataclass(frozen=True)
class ExportFilter:
    channel: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def __post_init__(self) -> None:
        if self.channel is not None and not _CHANNEL.match(self.channel):
            raise FilterError(f"channel must be a channel name such as 'form' or 'zalo', got {self.channel!r}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise FilterError(f"{name} needs a time zone, got {value.isoformat()!r}")
        if self.since and self.until and self.since >= self.until:
            raise FilterError(f"since ({self.since.isoformat()}) must be before until ({self.until.isoformat()})")

    @classmethod
    def parse(cls, channel: str | None = None, since: str | None = None, until: str | None = None,
              now: datetime | None = None) -> ExportFilter:
        """Filters from text (query string or command line). Raises FilterError."""
        return cls(channel=channel or None, since=parse_time(since, "since", now),
                   until=parse_time(until, "until", now))

    def matches(self, channel: str, captured_at: datetime) -> bool:
        return ((self.channel is None or channel == self.channel)
                and (self.since is None or captured_at >= self.since)
                and (self.until is None or captured_at < self.until))

    @property
    def empty(self) -> bool:
        return self.channel is None and self.since is None and self.until is None


def parse_time(value: str | None, name: str, now: datetime | None = None) -> datetime | None:
    """An ISO 8601 date-time with a time zone, a date (midnight in Vietnam, UTC+7), or a
    duration back from now ("30m", "6h", "7d"). Raises FilterError naming the filter."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    relative = _RELATIVE.match(text)
    if relative:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[relative.group(2)]
        return (now or datetime.now(timezone.utc)) - timedelta(**{unit: int(relative.group(1))})
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), VIETNAM)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise FilterError(f"{name} must be an ISO 8601 date (2026-11-01), date-time with a time zone "
                          f"(2026-11-01T08:00:00+07:00) or a duration (30m, 6h, 7d); got {value!r}") from None
    if parsed.tzinfo is None:
        raise FilterError(f"{name} needs a time zone (e.g. {text}+07:00), got {value!r}")
    return parsed


def contact_records(store: Store, filters: ExportFilter, *, include_merged: bool = False) -> Iterator[dict[str, Any]]:
    """Contact documents (hub/export.py) having at least one lead that matches the filters."""
    for document in iter_contacts(store, include_merged=include_merged):
        if filters.empty or any(
            filters.matches(lead["channel"], datetime.fromisoformat(lead["captured_at"])) for lead in document["leads"]
        ):
            yield document


def lead_records(store: Store, filters: ExportFilter) -> Iterator[dict[str, Any]]:
    """Leads oldest first; contact_id is the contact the lead belongs to now (its survivor)."""
    after = 0
    while True:
        query = select(LeadRow).where(LeadRow.id > after).order_by(LeadRow.id).limit(BATCH)
        if filters.channel is not None:
            query = query.where(LeadRow.channel == filters.channel)
        if filters.since is not None:
            query = query.where(LeadRow.captured_at >= filters.since)
        if filters.until is not None:
            query = query.where(LeadRow.captured_at < filters.until)
        with store.sessions() as session:
            rows = list(session.execute(query).scalars())
            if not rows:
                return
            roots = roots_of(session, {r.contact_id for r in rows})
        yield from (lead_document(row, roots.get(row.contact_id, row.contact_id)) for row in rows)
        after = rows[-1].id


def lead_document(row: LeadRow, contact_id: str) -> dict[str, Any]:
    data = row.data or {}
    name = data.get("name") or {}
    province = data.get("province") or {}
    return {
        "id": row.id, "contact_id": contact_id, "channel": row.channel, "source_ref": row.source_ref,
        "captured_at": row.captured_at.isoformat(), "name": name.get("display"),
        "phones": [p["e164"] for p in data.get("phones", [])],
        "emails": [e["address"] for e in data.get("emails", [])],
        "province": province.get("name") or province.get("raw"), "address": data.get("address"),
        "message": data.get("text"), "attribution": dict(row.attribution or {}),
        "created_at": row.created_at.isoformat(),
    }


def lead_csv_row(document: dict[str, Any]) -> dict[str, Any]:
    attribution = document["attribution"]
    row = {key: document.get(key) for key in LEAD_COLUMNS}
    row.update(phones="; ".join(document["phones"]), emails="; ".join(document["emails"]),
               attribution=json.dumps(attribution, ensure_ascii=False),
               **{key: attribution.get(key) for key in ("utm_source", "utm_medium", "utm_campaign")})
    return row


def stream(store: Store, what: str, fmt: str, filters: ExportFilter, *, excel: bool = False,
           include_merged: bool = False) -> Iterator[str]:
    """The export as text chunks: one per row (the CSV header first; with excel, a BOM before it
    and formula-like cells defused, see https://owasp.org/www-community/attacks/CSV_Injection)."""
    if what not in WHATS or fmt not in FORMATS:
        raise ValueError(f"export {what!r} as {fmt!r}: expected one of {WHATS} as one of {FORMATS}")
    records = (contact_records(store, filters, include_merged=include_merged) if what == "contacts"
               else lead_records(store, filters))
    if fmt == "jsonl":
        return (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    columns, to_row = (CONTACT_COLUMNS, csv_row) if what == "contacts" else (LEAD_COLUMNS, lead_csv_row)
    return _csv_lines(records, columns, to_row, excel=excel)


def write(store: Store, out: IO[str], what: str, fmt: str, filters: ExportFilter, **options: bool) -> int:
    """Write the export to out; returns how many records were written."""
    count = -1 if fmt == "csv" else 0  # the CSV header is not a record
    for chunk in stream(store, what, fmt, filters, **options):
        out.write(chunk)
        count += 1
    return max(count, 0)


def _csv_lines(records: Iterable[dict[str, Any]], columns: tuple[str, ...],
               to_row: Callable[[dict[str, Any]], dict[str, Any]], *, excel: bool) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    yield (BOM if excel else "") + _take(buffer)
    for record in records:
        row = to_row(record)
        writer.writerow({k: _defuse(v) for k, v in row.items()} if excel else row)
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _defuse(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and _FORMULA.match(value) else value
