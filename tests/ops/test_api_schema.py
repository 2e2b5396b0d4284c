"""schemathesis over the REST API: every operation of /api/v1/openapi.json, called through the
WSGI app with a valid token, never answers 5xx and answers what its schema says."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from hub.model import LeadDraft, Suggestion
from hub.normalize import normalize
from hub.ops import tokens
from hub.store.repository import add_suggestions, apply_lead

ALL = ["contacts:read", "events:read", "suggestions:read", "suggestions:write"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(app, hub):  # type: ignore[no-untyped-def]
    """The app's own OpenAPI document, with a few contacts and a suggestion to read."""
    at = datetime(2026, 11, 23, tzinfo=timezone.utc)
    ids = []
    with hub.store.transaction() as session:
        for ref, name, phone in [("s-1", "Nguyễn Thị Lan", "0912345678"), ("s-2", "Nguyen Thi Lan", "0168 123 4567"),
                                 ("s-3", "Trần Văn Hùng", "+84987654321")]:
            draft = LeadDraft(channel="form", source_ref=ref, captured_at=at, name=name, phones=(phone,))
            ids.append(apply_lead(session, normalize(draft), None).contact_id)
        add_suggestions(session, ids[1], [Suggestion(ids[0], 0.7, {"name": 0.9})], at)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_answers_by_its_schema_and_never_5xx(api_schema, hub):  # type: ignore[no-untyped-def]
    """Bounded: a few examples per operation (the whole run stays well under a minute)."""
    headers = {"Authorization": f"Bearer {tokens.create(hub.store, 'schemathesis', ALL)}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 6  # the document lists the API, not an empty shell
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.filter_too_much])
        def calls(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=CHECKS)

        calls()


@pytest.mark.parametrize("path, status", [
    ("/api/v1/events?after=16010323513494957195264", 400),   # past 64 bits: was a 500
    ("/api/v1/suggestions?after=99999999999999999999", 400),
    ("/api/v1/no-such-thing", 404),                           # routing errors are problems too
])
def test_out_of_range_ids_and_unknown_paths_are_problems_not_500s(client, hub, path, status):
    token = tokens.create(hub.store, "crm", ALL)
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("suggestion_id", ["-49794", "99999999999999999999999"])
@pytest.mark.parametrize("verb", ["accept", "reject"])
def test_impossible_suggestion_ids_are_a_404_problem(client, hub, suggestion_id, verb):
    token = tokens.create(hub.store, "crm", ALL)
    response = client.post(f"/api/v1/suggestions/{suggestion_id}/{verb}",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
