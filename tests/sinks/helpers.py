"""Helpers for the outbound webhook tests: leads in, the fake clock, the delivery loop."""
from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

from hub.model import LeadDraft
from hub.normalize import normalize
from hub.runtime import Hub
from hub.sinks.webhooks_out import due_messages, fan_out
from hub.store.repository import apply_lead

CAPTURED = datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc)
# Real Vietnamese input: diacritics, an NFD-encoded name, old 11-digit prefixes, Western order.
PEOPLE = [
    ("Nguyễn Thị Thuý", "0168 123 4567"),
    (unicodedata.normalize("NFD", "Trần Văn Hùng"), "0912 345 678"),
    ("Hung Tran Van", "0987.654.321"),
    ("Lê Hoàng Phương Anh", "+84 90 111 2233"),
    ("Phạm Đức Long", "0123 456 7890"),
]


def add_lead(hub: Hub, ref: str, name: str, phone: str) -> str:
    draft = LeadDraft(channel="form", source_ref=ref, captured_at=CAPTURED, name=name, phones=(phone,))
    with hub.store.transaction() as session:
        return apply_lead(session, normalize(draft), None).contact_id


def add_people(hub: Hub, prefix: str, count: int) -> list[str]:
    return [add_lead(hub, f"{prefix}-{n}", PEOPLE[n % len(PEOPLE)][0],
                     f"09{(n * 7919) % 100_000_000:08d}") for n in range(count)]


def now() -> datetime:
    return datetime.now(timezone.utc)


def drive(hub: Hub, start: datetime, seconds: float, step: float = 1.0) -> datetime:
    """Run fan-out and every due delivery on a fake clock from `start` for `seconds`.

    The clock never runs behind the real one (fan-out stamps new messages with the real time).
    """
    clock = start
    while clock <= start + timedelta(seconds=seconds):
        fan_out(hub.store)
        clock = max(clock, now())
        for message_id in due_messages(hub.store, clock, timedelta(0)):
            hub.webhooks_out.deliver(message_id, clock)
        clock += timedelta(seconds=step)
    return clock
