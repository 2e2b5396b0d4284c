"""REST API v1: tokens, contacts, the change feed, headless review."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from hub.export import iter_contacts
from hub.model import LeadDraft, Suggestion
from hub.normalize import normalize
from hub.ops import tokens
from hub.store.merging import merge_contacts, unmerge
from hub.store.repository import add_suggestions, apply_lead
from tests.helpers import rows

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)
ALL = ["contacts:read", "events:read", "suggestions:read", "suggestions:write"]


@pytest.fixture
def token(hub) -> str:
    return tokens.create(hub.store, "crm", ALL)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add(hub, ref, name, phone) -> str:
    draft = LeadDraft(channel="form", source_ref=ref, captured_at=NOW, name=name, phones=(phone,))
    with hub.store.transaction() as session:
        return apply_lead(session, normalize(draft), None).contact_id


@pytest.mark.parametrize("header, status", [(None, 401), ("Bearer nope", 401), ("Basic abc", 401),
                                            ("Bearer lh_00000000_forged", 401)])
def test_calls_without_a_valid_token_get_a_401_problem(client, header, status):
    response = client.get("/api/v1/contacts", headers={"Authorization": header} if header else {})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == status and response.json["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_without_the_scope_gets_403_and_a_revoked_one_401(client, hub):
    feed_only = tokens.create(hub.store, "feed", ["events:read"])
    assert client.get("/api/v1/contacts", headers=auth(feed_only)).status_code == 403
    assert client.get("/api/v1/events", headers=auth(feed_only)).status_code == 200
    [info] = [t for t in tokens.listing(hub.store) if t["name"] == "feed"]
    tokens.revoke(hub.store, info["id"])
    assert client.get("/api/v1/events", headers=auth(feed_only)).status_code == 401


def test_tokens_are_stored_hashed_and_refuse_unknown_scopes(hub):
    token = tokens.create(hub.store, "crm", ["contacts:read"])
    assert token not in str(rows(hub, "api_tokens"))
    with pytest.raises(tokens.TokenError, match="scopes must be some of"):
        tokens.create(hub.store, "crm", ["contacts:delete"])


def test_contacts_page_through_with_a_cursor_and_filter_by_update_time(client, hub, token):
    ids = [add(hub, str(n), f"Khách {n}", f"09000000{n:02d}") for n in range(5)]
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get("/api/v1/contacts" + query, headers=auth(token)).json
        seen += [c["id"] for c in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    later = quote((datetime.now(timezone.utc) + timedelta(hours=1)).isoformat())
    assert client.get(f"/api/v1/contacts?updated_since={later}", headers=auth(token)).json["data"] == []
    earlier = quote((datetime.now(timezone.utc) - timedelta(hours=1)).isoformat())
    assert len(client.get(f"/api/v1/contacts?updated_since={earlier}", headers=auth(token)).json["data"]) == 5


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "limit=501", "cursor=%%%", "updated_since=yesterday",
                                   "updated_since=2026-11-01T00:00:00"])
def test_bad_query_parameters_get_a_400_problem(client, token, query):
    response = client.get(f"/api/v1/contacts?{query}", headers=auth(token))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_a_merged_away_id_answers_with_its_survivor(client, hub, token):
    a, b = add(hub, "1", "Nguyễn Thị Lan", "0912345678"), add(hub, "2", "Trần Văn Hùng", "0987654321")
    with hub.store.transaction() as session:
        merge_contacts(session, a, [b], actor="ops")
    response = client.get(f"/api/v1/contacts/{b}", headers=auth(token))
    assert response.status_code == 200
    assert response.json["merged_into"] == a
    assert response.headers["Link"] == f'</api/v1/contacts/{a}>; rel="canonical"'
    assert client.get("/api/v1/contacts/nope", headers=auth(token)).status_code == 404


def test_a_consumer_following_the_feed_from_zero_rebuilds_the_store_exactly(client, hub, token):
    a, b = add(hub, "1", "Nguyễn Thị Lan", "0912345678"), add(hub, "2", "Lan", "0987654321")
    c = add(hub, "3", "Trần Văn Hùng", "0901111111")
    with hub.store.transaction() as session:
        first = merge_contacts(session, a, [b], actor="ops")
    add(hub, "4", "Lan", "0987.654.321")  # lands on the survivor through the merged-away phone
    with hub.store.transaction() as session:
        merge_contacts(session, a, [c], actor="ops")
    with hub.store.transaction() as session:
        unmerge(session, first + 1, actor="ops")
    state: dict[str, dict] = {}
    after = 0
    while True:
        page = client.get(f"/api/v1/events?after={after}&limit=3", headers=auth(token)).json
        for event in page["data"]:
            for doc in [event["data"]["contact"], *event["data"].get("merged", []), *event["data"].get("restored", [])]:
                if doc["version"] >= state.get(doc["id"], {"version": 0})["version"]:
                    state[doc["id"]] = doc
        if page["next_after"] == after:
            break
        after = page["next_after"]
    assert state == {doc["id"]: doc for doc in iter_contacts(hub.store, include_merged=True)}
    types = [e["type"] for e in rows(hub, "outbox")]
    assert types.count("contact.merged") == 2 and types.count("contact.unmerged") == 1


def test_headless_review_accepts_rejects_and_refuses_twice(client, hub, token):
    a, b, c = (add(hub, str(n), name, f"09000000{n:02d}") for n, name in
               enumerate(["Trần Văn Hùng", "Lê Thị Hoa", "Phạm Minh Tuấn"]))
    with hub.store.transaction() as session:
        add_suggestions(session, a, [Suggestion(b, 8.0, {"name": "given"}), Suggestion(c, 6.0)], NOW)
    listed = client.get("/api/v1/suggestions", headers=auth(token)).json["data"]
    assert [(s["candidate_id"], s["score"]) for s in listed] == [(b, 8.0), (c, 6.0)]
    first, second = listed[0]["id"], listed[1]["id"]
    accepted = client.post(f"/api/v1/suggestions/{first}/accept", json={"choices": {"name": b}}, headers=auth(token))
    assert accepted.status_code == 200 and accepted.json["merge_id"]
    assert client.get(f"/api/v1/contacts/{a}", headers=auth(token)).json["name"] == "Lê Thị Hoa"
    assert client.post(f"/api/v1/suggestions/{first}/accept", headers=auth(token)).status_code == 409
    assert client.post(f"/api/v1/suggestions/{second}/reject", headers=auth(token)).status_code == 200
    assert client.post("/api/v1/suggestions/999/reject", headers=auth(token)).status_code == 404
    decided = {r["id"]: (r["status"], r["decided_by"]) for r in rows(hub, "merge_suggestions")}
    assert decided == {first: ("accepted", "api:crm"), second: ("rejected", "api:crm")}


def test_the_openapi_document_describes_every_route(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    routes = {re.sub(r"<(?:int:)?(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1"))
              for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/") and "openapi" not in r.rule}
    assert routes == set(spec["paths"])
