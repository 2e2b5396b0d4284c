"""Console search (names with or without accents, phones in any spelling, emails, channel ids),
the dashboard, replaying failed events, the language switch and the `hub users` command."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hub.errors import TokenInvalid
from hub.model import Identity
from hub.ops import i18n, users
from hub.store.schema import ChannelHealthRow, LeadRow, RawEventRow
from hub.channel_health import token_refused
from tests.ops.console import PASSWORD, add_contact, signed_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def people(hub):
    return {
        "lan": add_contact(hub, "1", "Nguyễn Thị Lan", "0912.345.678", email="Lan.Nguyen+shop@gmail.com"),
        "thuy": add_contact(hub, "2", "Trần Thị Thuý", "0168 123 4567"),
        "zalo": add_contact(hub, "3", "Hoàng Minh", None, channel="zalo",
                            identity=Identity("zalo", "579745863508352884", "8412345678901234567")),
        "tom": add_contact(hub, "4", "Tom Nguyen", "0903 111 222"),
    }


def found(client, query: str) -> str:
    return client.get("/ops/search", query_string={"q": query}).get_data(as_text=True)


@pytest.mark.parametrize("query, who", [
    ("nguyen thi lan", "Nguyễn Thị Lan"),
    ("NGUYEN THI LAN", "Nguyễn Thị Lan"),
    (unicodedata.normalize("NFD", "nguyễn thị lan"), "Nguyễn Thị Lan"),
    ("lan nguyen", "Nguyễn Thị Lan"),
    ("tran thi thuy", "Trần Thị Thuý"),
    ("0912.345.678", "Nguyễn Thị Lan"),
    ("+84 912 345 678", "Nguyễn Thị Lan"),
    ("84912345678", "Nguyễn Thị Lan"),
    ("01681234567", "Trần Thị Thuý"),
    ("038 123 4567", "Trần Thị Thuý"),
    ("lannguyen@gmail.com", "Nguyễn Thị Lan"),
    ("LAN.NGUYEN@GMAIL.COM", "Nguyễn Thị Lan"),
])
def test_search_finds_a_contact_however_it_is_typed(app, hub, people, query, who):
    client, _ = signed_in(app, hub, "xem", "viewer")
    page = found(client, query)
    assert 'class="result" href="/ops/contacts/' in page and who in page.split("<table")[1], query


def test_search_finds_a_channel_id_and_says_what_it_searched(app, hub, people):
    client, _ = signed_in(app, hub, "xem", "viewer")
    for query in ("8412345678901234567", "zalo:579745863508352884:8412345678901234567"):
        page = found(client, query)
        assert "Hoàng Minh" in page and "mã kênh" in page, query


def test_search_answers_nothing_found_for_unknown_and_odd_input(app, hub, people):
    client, _ = signed_in(app, hub, "xem", "viewer")
    for query in ("Phạm Văn Không Có", "0999 999 999", "%", "_", "ai@", "' OR 1=1 --", "x" * 500):
        response = client.get("/ops/search", query_string={"q": query})
        assert response.status_code == 200 and "Không tìm thấy liên hệ nào" in response.get_data(as_text=True), query


def test_a_merged_contact_is_found_as_its_survivor(app, hub, people):
    from hub.store.merging import merge_contacts

    with hub.store.transaction() as session:
        merge_contacts(session, people["lan"], [people["tom"]], actor="ops:test")
    client, _ = signed_in(app, hub, "xem", "viewer")
    assert f'/ops/contacts/{people["lan"]}"' in found(client, "0903111222")


def test_the_dashboard_charts_leads_per_channel_and_counts_decisions(app, hub, people):
    with hub.store.transaction() as session:
        old = session.query(LeadRow).filter(LeadRow.source_ref == "4").one()
        old.captured_at = datetime.now(timezone.utc) - timedelta(days=45)  # outside the 30 days
    client, _ = signed_in(app, hub, "xem", "viewer")
    page = client.get("/ops/").get_data(as_text=True)
    series = dict(re.findall(r'data-channel="(\w+)"[^>]*points="[^"]*"><title>\w+: (\d+)', page))
    assert series == {"form": "2", "zalo": "1"}
    figures = dict(re.findall(r'id="fig-(\w+)"[^>]*>(\d+)<', page))
    assert figures == {"new": "3", "merged": "0", "suggested": "0", "backlog": "0", "lag": "0", "failed": "0"}
    assert "<svg" in page and "Lead theo kênh mỗi ngày" in page


def test_failed_events_are_listed_and_replayed_by_ops(app, hub, queue):
    now = datetime.now(timezone.utc)
    with hub.store.transaction() as session:
        for key in ("a", "b"):
            session.add(RawEventRow(channel="zalo", route="", delivery_key=key, headers={}, body=b"{}",
                                    received_at=now, status="failed", attempts=8, last_error=f"lỗi {key}",
                                    due_at=now, updated_at=now))
    client, token = signed_in(app, hub, "lan", "ops")
    page = client.get("/ops/").get_data(as_text=True)
    assert "lỗi a" in page and 'id="fig-failed">2<' in page
    client.post("/ops/events/replay", data={"csrf_token": token, "event_id": "1"})
    with hub.store.sessions() as session:
        statuses = {r.id: r.status for r in session.query(RawEventRow)}
    assert statuses == {1: "pending", 2: "failed"} and queue.ids == [1]
    response = client.post("/ops/events/replay", data={"csrf_token": token}, follow_redirects=True)
    assert "Số sự kiện đã đưa lại vào hàng đợi: 1" in response.get_data(as_text=True) and queue.ids == [1, 2]
    assert client.post("/ops/events/replay", data={"csrf_token": token, "event_id": "x1"}).status_code == 302


def test_channel_health_shows_a_refused_page_token(app, hub):
    with hub.store.transaction() as session:
        token_refused(session, TokenInvalid("Error validating access token: Session has expired", channel="facebook",
                                            scope="104857600123456", fingerprint="abc"))
    client, _ = signed_in(app, hub, "xem", "viewer")
    for token in ("wrong", "also-wrong"):
        assert client.post("/webhooks/forms/contact-us", json={"ho_ten": "Lan"},
                           headers={"Authorization": f"Bearer {token}"}).status_code == 401
    page = client.get("/ops/").get_data(as_text=True)
    rows = dict(re.findall(r'<tr><td>(\w+)</td><td>[^<]*</td><td class="sig-failures">(\d+)</td>', page))
    assert rows == {"facebook": "0", "form": "2", "telegram": "0", "whatsapp": "0", "zalo": "0"}
    assert "Facebook từ chối token của trang" in page and "104857600123456" in page and "Session has expired" in page
    with hub.store.sessions() as session:
        assert session.query(ChannelHealthRow).one().status == "needs_token"


def test_english_is_one_click_away_and_kept_in_a_cookie(app, hub):
    client, _ = signed_in(app, hub, "xem", "viewer")
    assert "Tổng quan" in client.get("/ops/").get_data(as_text=True)
    english = client.get("/ops/?lang=en")
    assert "Dashboard" in english.get_data(as_text=True) and "ops_lang=en" in english.headers["Set-Cookie"]
    assert 'lang="en"' in client.get("/ops/review").get_data(as_text=True)
    assert "Tổng quan" in client.get("/ops/?lang=vi").get_data(as_text=True)
    assert "Tổng quan" in client.get("/ops/?lang=fr").get_data(as_text=True)


def test_every_console_string_has_a_vietnamese_translation():
    sources = list((ROOT / "hub" / "ops" / "templates").rglob("*.html")) + list((ROOT / "hub" / "ops").glob("web*.py"))
    strings = set()
    for path in sources:
        strings |= set(re.findall(r"""_\(\s*["']([^"']+)["']""", path.read_text(encoding="utf-8")))
    assert len(strings) > 100
    assert sorted(s for s in strings if s not in i18n.VI) == []


def run_users(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_SECRET_KEY": "test",
                "HUB_CONFIG": str(tmp_path / "hub.toml"), "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-c", "from hub.cli import main; main()", *args], cwd=tmp_path, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_the_users_command_adds_lists_changes_and_disables_accounts(tmp_path):
    (tmp_path / "hub.toml").write_text("", encoding="utf-8")
    assert run_users(tmp_path, "db", "upgrade").returncode == 0
    added = run_users(tmp_path, "users", "add", "Lan.Ops", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    prompted = run_users(tmp_path, "users", "add", "mai", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.returncode == 0, prompted.stderr
    short = run_users(tmp_path, "users", "add", "hung", "--password-stdin", stdin="ngan\n")
    assert short.returncode != 0 and "at least 10 characters" in short.stderr
    dup = run_users(tmp_path, "users", "add", "mai", "--password-stdin", stdin=PASSWORD + "\n")
    assert dup.returncode != 0 and "already exists" in dup.stderr
    assert run_users(tmp_path, "users", "set-role", "mai", "viewer").returncode == 0
    assert run_users(tmp_path, "users", "disable", "mai").returncode == 0
    listing = run_users(tmp_path, "users", "list").stdout.splitlines()
    assert [line.split("\t")[:3] for line in listing] == [["lan.ops", "admin", "active"], ["mai", "viewer", "disabled"]]
    from hub.store import Store

    store = Store(f"sqlite:///{tmp_path}/hub.db")
    assert users.authenticate(store, "lan.ops", PASSWORD) is not None
    assert users.authenticate(store, "mai", PASSWORD) is None
    store.dispose()


def test_the_first_account_can_be_added_on_a_fresh_embedded_checkout(tmp_path):
    # No `hub db upgrade` first: in the embedded mode every command brings the SQLite file to
    # the current schema, as `hub serve` does (this was a "no such table" traceback).
    (tmp_path / "hub.toml").write_text("", encoding="utf-8")
    added = run_users(tmp_path, "users", "add", "admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert run_users(tmp_path, "users", "list").stdout.split("\t")[:3] == ["admin", "admin", "active"]
