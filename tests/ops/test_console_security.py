"""Ops console security: sign-in, sessions, roles enforced on the server, CSRF, rate limit, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.app import create_app
from hub.config import OpsSettings
from hub.ops import users
from hub.runtime import Hub
from hub.store.merging import merge_contacts
from hub.store.schema import AuditLogRow, MergeLogRow, MergeSuggestionRow, RawEventRow
from tests.conftest import make_settings
from tests.helpers import row_count, rows
from tests.ops.console import PASSWORD, add_contact, add_user, csrf, login, signed_in, suggest


@pytest.fixture
def seeded(hub):
    """Two contacts with an open suggestion, a merge that can be undone, a failed event."""
    a = add_contact(hub, "1", "Nguyễn Thị Lan", "0912345678")
    b = add_contact(hub, "2", "Lan Nguyễn", "0987654321")
    c = add_contact(hub, "3", "Trần Văn Hùng", "0903111222")
    d = add_contact(hub, "4", "Hùng Trần", "0903111333")
    suggest(hub, b, a, 0.72)
    with hub.store.transaction() as session:
        merge_id = merge_contacts(session, c, [d], actor="ops:seed")
        session.add(RawEventRow(channel="form", route="contact-us", delivery_key="k1", headers={}, body=b"{}",
                                received_at=_now(), status="failed", attempts=3, last_error="boom",
                                due_at=_now(), updated_at=_now()))
    return {"a": a, "b": b, "merge_id": merge_id}


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def state(hub) -> dict:
    """Everything a console POST could change."""
    tables = ("users", "merge_suggestions", "merge_log", "contacts", "raw_events", "api_tokens")
    return {t: rows(hub, t) for t in tables}


def ops_posts(app) -> list[str]:
    """Every POST route of the console (with sample ids), except signing in and out."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("ops.") and "POST" in rule.methods and rule.endpoint not in ("ops.login", "ops.logout"):
            found.append(rule.rule.replace("<int:suggestion_id>", "1").replace("<int:merge_id>", "1")
                         .replace("<int:token_id>", "1").replace("<username>", "lan")
                         .replace("<int:subscription_id>", "1").replace("<int:delivery_id>", "1"))
    return found


def test_pages_redirect_to_sign_in_and_the_login_page_speaks_vietnamese(client):
    response = client.get("/ops/review")
    assert response.status_code == 302 and response.headers["Location"].startswith("/ops/login?next=/ops/review")
    page = client.get("/ops/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Tên đăng nhập" in page and 'lang="vi"' in page


def test_a_wrong_password_is_refused_and_a_good_one_opens_a_fresh_session(client, hub):
    add_user(hub, "lan", "ops")
    assert login(client, "lan", "sai-mat-khau-roi").status_code == 401
    response = login(client, "lan")
    assert response.status_code == 302 and response.headers["Location"] == "/ops/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie and "Expires=" in cookie
    assert client.get("/ops/").status_code == 200


def test_the_session_cookie_is_secure_when_configured(db_url):
    hub = Hub(make_settings(db_url, ops=OpsSettings(secure_cookies=True, session_hours=1)))
    add_user(hub, "lan", "ops")
    client = create_app(role="embedded", hub=hub).test_client()
    assert "; Secure" in login(client, "lan").headers["Set-Cookie"]
    hub.store.dispose()


def test_after_login_only_local_paths_are_followed(client, hub):
    add_user(hub, "lan", "ops")
    token = csrf(client)
    for target, expected in [("https://evil.example/", "/ops/"), ("//evil.example/x", "/ops/"),
                             ("/ops/search?q=lan", "/ops/search?q=lan")]:
        response = client.post("/ops/login", data={"username": "lan", "password": PASSWORD, "csrf_token": token,
                                                   "next": target})
        assert response.headers["Location"] == expected
        token = csrf(client, "/ops/search")


def test_console_responses_carry_security_headers(client, hub):
    for response in (client.get("/ops/login"), client.get("/ops/static/ops.js")):
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in client.get("/ops/login").get_data(as_text=True)  # no inline script to allow


@pytest.mark.parametrize("token", [None, "", "forged-token", "IjA5OWI4NmEwMTIy.awOtTg.j4cFD85e4M7"])
def test_a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(app, hub, seeded, token):
    client, _ = signed_in(app, hub, "lan", "admin")
    before = state(hub)
    for path in ops_posts(app) + ["/ops/logout"]:
        data = {} if token is None else {"csrf_token": token}
        response = client.post(path, data={**data, "username": "mai", "password": PASSWORD, "role": "admin"})
        assert response.status_code == 400, path
        assert "mã bảo mật" in response.get_data(as_text=True)
    assert state(hub) == before
    assert client.get("/ops/").status_code == 200  # still signed in: logout was refused too


def test_sign_in_itself_needs_the_csrf_token(client, hub):
    add_user(hub, "lan", "ops")
    response = client.post("/ops/login", data={"username": "lan", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/ops/").status_code == 302


def test_a_viewer_sees_pages_but_every_change_is_refused_on_the_server(app, hub, seeded):
    client, token = signed_in(app, hub, "xem", "viewer")
    for path in ("/ops/", "/ops/review", f"/ops/contacts/{seeded['a']}", "/ops/search?q=lan"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "/accept" not in page.get_data(as_text=True) and "Hoàn tác" not in page.get_data(as_text=True)
    before = state(hub)
    posts = ops_posts(app)
    assert len(posts) >= 10
    for path in posts:
        response = client.post(path, data={"csrf_token": token, "username": "mai", "password": PASSWORD,
                                           "role": "admin", "name": "x", "scopes": "contacts:read",
                                           "min_score": "0"})
        assert response.status_code == 403, path
        assert "Bạn không có quyền" in response.get_data(as_text=True)
    assert state(hub) == before


def test_only_admins_see_and_manage_users_tokens_and_the_audit_log(app, hub, seeded):
    client, token = signed_in(app, hub, "lan", "ops")
    for path in ("/ops/admin/users", "/ops/admin/tokens", "/ops/admin/audit"):
        assert client.get(path).status_code == 403
    response = client.post("/ops/admin/users", data={"csrf_token": token, "username": "mai",
                                                     "password": PASSWORD, "role": "admin"})
    assert response.status_code == 403 and row_count(hub, "users") == 1
    admin, admin_token = signed_in(app, hub, "chu", "admin")
    admin.post("/ops/admin/users", data={"csrf_token": admin_token, "username": "mai", "password": PASSWORD,
                                         "role": "viewer"})
    assert {u["username"]: u["role"] for u in users.listing(hub.store)} == {"lan": "ops", "chu": "admin", "mai": "viewer"}
    created = admin.post("/ops/admin/tokens", data={"csrf_token": admin_token, "name": "CRM",
                                                    "scopes": ["contacts:read"]})
    assert "lh_" in created.get_data(as_text=True)


def test_a_role_change_or_a_disable_ends_the_users_sessions(app, hub):
    client, _ = signed_in(app, hub, "lan", "ops")
    users.set_role(hub.store, "lan", "viewer")
    response = client.get("/ops/review")
    assert response.status_code == 302 and "/ops/login" in response.headers["Location"]
    assert login(client, "lan").status_code == 302 and client.get("/ops/").status_code == 200
    users.set_active(hub.store, "lan", False)
    assert client.get("/ops/").status_code == 302
    assert login(client, "lan").status_code == 401  # disabled accounts cannot sign in


def test_the_last_active_admin_cannot_be_demoted_or_disabled(hub):
    add_user(hub, "chu", "admin")
    with pytest.raises(users.UserError, match="last active admin"):
        users.set_role(hub.store, "chu", "ops")
    with pytest.raises(users.UserError, match="last active admin"):
        users.set_active(hub.store, "chu", False)


def test_failed_logins_are_limited_per_username_across_processes(db_url):
    limits = OpsSettings(login_max_failures=3, login_max_failures_per_ip=100)
    hubs = [Hub(make_settings(db_url, ops=limits)) for _ in range(2)]  # two processes, one database
    add_user(hubs[0], "lan", "ops")
    clients = [create_app(role="embedded", hub=h).test_client() for h in hubs]
    for n in range(3):
        assert login(clients[n % 2], "lan", "doan-sai-mat-khau").status_code == 401
    blocked = login(clients[1], "lan")  # the right password, but too late
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.get_data(as_text=True)
    assert clients[1].get("/ops/").status_code == 302
    add_user(hubs[0], "mai", "ops")
    assert login(clients[0], "mai").status_code == 302  # other accounts are not locked out
    for hub in hubs:
        hub.store.dispose()


def test_failed_logins_are_limited_per_address(db_url):
    hub = Hub(make_settings(db_url, ops=OpsSettings(login_max_failures=50, login_max_failures_per_ip=4)))
    add_user(hub, "lan", "ops")
    client = create_app(role="embedded", hub=hub).test_client()
    attacker = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    for n in range(4):
        assert login(client, f"user{n}", "doan-sai", **attacker).status_code == 401
    assert login(client, "lan", **attacker).status_code == 429
    assert login(client, "lan", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302
    hub.store.dispose()


def test_logins_decisions_merges_and_undos_are_audited(app, hub, seeded):
    client, token = signed_in(app, hub, "lan", "ops")
    login(app.test_client(), "lan", "sai-mat-khau-nhe")
    with hub.store.sessions() as session:
        [suggestion_id] = session.execute(select(MergeSuggestionRow.id)).scalars()
    client.post(f"/ops/review/{suggestion_id}/accept", data={"csrf_token": token})
    with hub.store.sessions() as session:
        merge_id = session.execute(select(MergeLogRow.id).order_by(MergeLogRow.id.desc())).scalars().first()
    client.post(f"/ops/merges/{merge_id}/undo", data={"csrf_token": token})
    client.post(f"/ops/review/{suggestion_id}/reject", data={"csrf_token": token})
    client.post("/ops/logout", data={"csrf_token": token})
    with hub.store.sessions() as session:
        log = [(r.actor, r.action, r.target) for r in session.execute(select(AuditLogRow).order_by(AuditLogRow.id)).scalars()]
    assert log == [
        ("ops:lan", "login", "lan"),
        ("ops:lan", "login.failed", "lan"),
        ("ops:lan", "suggestion.accept", f"suggestion:{suggestion_id}"),
        ("ops:lan", "merge.undo", f"merge:{merge_id}"),
        ("ops:lan", "suggestion.reject", f"suggestion:{suggestion_id}"),
        ("ops:lan", "logout", "lan"),
    ]
    admin, _ = signed_in(app, hub, "chu", "admin")
    page = admin.get("/ops/admin/audit").get_data(as_text=True)
    assert "suggestion.accept" in page and "merge.undo" in page and "ops:lan" in page
