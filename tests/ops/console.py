"""Helpers for the ops console tests: accounts, sign-in with CSRF tokens, seeded contacts."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from hub.model import Identity, LeadDraft, Suggestion
from hub.normalize import normalize
from hub.ops import users
from hub.runtime import Hub
from hub.store.documents import contact_document
from hub.store.repository import add_suggestions, apply_lead

PASSWORD = "mật-khẩu-đủ-dài-1"
NOW = datetime(2026, 11, 20, 3, tzinfo=timezone.utc)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_user(hub: Hub, username: str, role: str) -> users.User:
    return users.add(hub.store, username, PASSWORD, role)


def csrf(client: Any, path: str = "/ops/login") -> str:
    """The CSRF token from a page's form, as a browser would send it."""
    page = client.get(path)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def login(client: Any, username: str, password: str = PASSWORD, **environ: Any) -> Any:
    return client.post("/ops/login", data={"username": username, "password": password, "csrf_token": csrf(client)},
                       **environ)


def signed_in(app: Any, hub: Hub, username: str, role: str) -> tuple[Any, str]:
    """A test client signed in as a new user with `role`, and a valid CSRF token for its posts."""
    add_user(hub, username, role)
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client, csrf(client, "/ops/search")


def add_contact(hub: Hub, ref: str, name: str | None, phone: str | None = None, *, email: str | None = None,
                channel: str = "form", text: str | None = None, province: str | None = None,
                attribution: dict[str, str] | None = None, identity: Identity | None = None) -> str:
    draft = LeadDraft(channel=channel, source_ref=ref, captured_at=NOW, name=name,
                      phones=(phone,) if phone else (), emails=(email,) if email else (), text=text,
                      province=province, attribution=attribution or {}, identity=identity)
    with hub.store.transaction() as session:
        return apply_lead(session, normalize(draft), None).contact_id


def suggest(hub: Hub, contact_id: str, candidate_id: str, score: float) -> None:
    evidence = {"name": {"level": "given", "weight": 2.1, "a": "lan", "b": "lan"},
                "phones": {"level": "different", "weight": -1.0}}
    with hub.store.transaction() as session:
        add_suggestions(session, contact_id, [Suggestion(candidate_id, score, evidence)], NOW)


def document(hub: Hub, contact_id: str) -> dict[str, Any]:
    """The contact as served, without what every write changes (version, updated_at)."""
    with hub.store.sessions() as session:
        doc = contact_document(session, contact_id)
    return {k: v for k, v in doc.items() if k not in ("version", "updated_at")}
