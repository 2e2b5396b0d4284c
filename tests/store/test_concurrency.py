"""One person, one contact: parallel workers handling the same new person at the same moment."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from hub.model import LeadDraft
from hub.normalize import normalize
from hub.store.repository import apply_lead
from tests.helpers import row_count

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


@pytest.mark.parametrize("round_", range(3))
def test_parallel_leads_of_one_new_person_create_exactly_one_contact(hub, round_):
    spellings = ["0912.345.678", "+84 912 345 678", "84912345678", "0912 345 678", "(+84) 912345678",
                 "0912-345-678"]
    leads = [normalize(LeadDraft(channel="form", source_ref=f"r{round_}-{n}", captured_at=NOW,
                                 name="Nguyễn Thị Lan", phones=(phone,)))
             for n, phone in enumerate(spellings)]
    barrier = threading.Barrier(len(leads))
    errors: list[BaseException] = []

    def work(lead):
        try:
            barrier.wait()
            with hub.store.transaction() as session:
                apply_lead(session, lead, None)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(lead,)) for lead in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert row_count(hub, "contacts") == 1
    assert row_count(hub, "leads") == len(spellings)
    assert row_count(hub, "contact_points") == 1
