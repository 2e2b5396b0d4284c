"""The lead as stored (lead_data) and the points' data: documents.record() stands in for
dataclasses.asdict() on the model's flat records, for speed; it must give the very same dicts."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from benchmarks.dedupe_data import generate
from hub.model import Consent, Email, Identity, LeadDraft, Phone, PersonName, Province
from hub.normalize import normalize
from hub.store.documents import lead_data, record

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


def _as_asdict_gives(lead):
    return {
        "name": dataclasses.asdict(lead.name) if lead.name else None,
        "phones": [dataclasses.asdict(p) for p in lead.phones],
        "emails": [dataclasses.asdict(e) for e in lead.emails],
        "province": dataclasses.asdict(lead.province) if lead.province else None,
        "address": lead.address,
        "text": lead.text,
        "identity": dataclasses.asdict(lead.identity) if lead.identity else None,
        "extra": dict(lead.extra),
        "unparsed": list(lead.unparsed),
        "consent": dataclasses.asdict(lead.consent) if lead.consent else None,
    }


def test_a_stored_lead_is_what_asdict_gives_for_generated_leads():
    leads = [normalize(sample.draft) for sample in generate(3, 300)]
    for lead in leads:
        assert lead_data(lead) == _as_asdict_gives(lead)
    assert sum(bool(lead.identity) for lead in leads) > 20 and sum(bool(lead.emails) for lead in leads) > 20


def test_old_numbers_email_flags_identities_and_consent_are_kept_as_asdict_keeps_them():
    lead = normalize(LeadDraft(channel="form", source_ref="r", captured_at=NOW, name="chị Nguyễn Thị Thuý",
                               phones=("0168 123 4567", "028 3822 1234"), emails=("lan@gmial.com", "x@mailinator.com"),
                               province="Sài Gòn", identity=Identity("zalo", "oa1", "42"),
                               consent=Consent("marketing", True, "form:dong_y", {"dong_y": "có"})))
    assert lead.phones[0].old_e164 and any(e.flags for e in lead.emails)
    assert lead_data(lead) == _as_asdict_gives(lead)


def test_the_records_are_flat_so_a_shallow_copy_is_a_copy():
    """record() does not copy nested values: the records must not hold any that could change."""
    for cls in (PersonName, Phone, Email, Province, Identity):
        for f in dataclasses.fields(cls):
            assert f.type in ("str", "str | None", "bool", "tuple[str, ...]", "ProvinceStatus"), (cls, f.name, f.type)
    assert record(Identity("zalo", "oa1", "42")) == {"channel": "zalo", "scope": "oa1", "external_id": "42"}
