"""The ops console in a real browser (Debian's Chromium via Playwright) against `hub serve`.

Screenshots land in artifacts/screenshots/ (kept by CI as test artifacts, ignored by git).
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api
from sqlalchemy import select

from hub.ops import reviewing
from hub.runtime import Hub
from hub.store.migrate import upgrade
from hub.store.schema import MergeSuggestionRow
from tests.conftest import make_settings
from tests.ops.console import PASSWORD, add_contact, add_user, document, suggest
from tests.test_processes import free_port, http_up, wait_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


class Console:
    """`hub serve` on a free port with its own SQLite file, and a Hub on the same file for the test."""

    def __init__(self, folder: Path) -> None:
        self.url_db = f"sqlite:///{folder}/hub.db"
        upgrade(self.url_db)
        self.hub = Hub(make_settings(self.url_db))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        (folder / "hub.toml").write_text("", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update({"HUB_DATABASE_URL": self.url_db, "HUB_SECRET_KEY": "browser-test", "PYTHONPATH": str(ROOT),
                    "HUB_CONFIG": str(folder / "hub.toml")})
        self.log = open(folder / "serve.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-c", "from hub.cli import main; main()", "serve",
                                      "--port", str(self.port)], cwd=folder, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_for(lambda: http_up(self.base + "/healthz"), 60, "hub serve")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        self.hub.store.dispose()

    def suggestion(self, contact_id: str, candidate_id: str) -> MergeSuggestionRow:
        with self.hub.store.sessions() as session:
            return session.execute(select(MergeSuggestionRow).where(
                MergeSuggestionRow.contact_id == contact_id, MergeSuggestionRow.candidate_id == candidate_id)).scalar_one()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    server = Console(tmp_path_factory.mktemp("console"))
    add_user(server.hub, "lan", "ops")
    add_user(server.hub, "quan-tri", "admin")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (bash .ci/run does)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, console) -> Iterator[object]:
    """A fresh browser session signed in as an ops user; fails the test on any console error (e.g. CSP)."""
    yield from _signed_in(browser, console, "lan")


@pytest.fixture
def admin_page(browser, console) -> Iterator[object]:
    yield from _signed_in(browser, console, "quan-tri")


def _signed_in(browser, console, username: str) -> Iterator[object]:
    context = browser.new_context(base_url=console.base, locale="vi-VN")
    tab = context.new_page()
    errors: list[str] = []
    refused_form = "the server responded with a status of 422"  # a form error page, expected when tested
    tab.on("console", lambda message: errors.append(message.text)
           if message.type == "error" and refused_form not in message.text else None)
    tab.goto("/ops/")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/ops/")
    yield tab
    context.close()
    assert errors == []


def shot(tab, name: str) -> None:
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_signing_in_shows_the_dashboard_with_its_chart(page, console):
    add_contact(console.hub, "dash-1", "Võ Thị Sáu", "0905123456", channel="zalo")
    page.reload()
    assert page.locator("h1").inner_text() == "Tổng quan"
    assert page.locator("svg.chart polyline[data-channel=zalo]").count() == 1
    shot(page, "dashboard")


def test_accepting_a_suggestion_keeps_the_name_chosen_from_the_other_side(page, console):
    older = add_contact(console.hub, "acc-1", "Nguyen Thi Hoa", "0912000111", province="Hà Nội")
    newer = add_contact(console.hub, "acc-2", "Nguyễn Thị Hoa", "0912000222", channel="zalo", province="Đà Nẵng")
    suggest(console.hub, newer, older, 0.9)
    row = console.suggestion(newer, older)
    page.goto(f"/ops/review?at={row.id}")
    page.check(f"input[name=choice_name][value='{newer}']")
    page.check(f"input[name=choice_province][value='{older}']")
    shot(page, "review-before-accept")
    page.keyboard.press("a")  # the keyboard shortcut for accept
    page.wait_for_selector(".flash.ok")
    assert "Đã gộp" in page.locator(".flash.ok").inner_text()
    shot(page, "review-after-accept")
    survivor = document(console.hub, older)
    assert (survivor["name"], survivor["province"]) == ("Nguyễn Thị Hoa", "Thành phố Hà Nội")
    assert document(console.hub, newer)["merged_into"] == older
    assert console.suggestion(newer, older).status == "accepted"


def test_rejecting_a_suggestion_is_remembered(page, console):
    a = add_contact(console.hub, "rej-1", "Phạm Văn Nam", "0913000111")
    b = add_contact(console.hub, "rej-2", "Nam Phạm", "0913000222")
    suggest(console.hub, b, a, 0.99)
    row = console.suggestion(b, a)
    page.goto(f"/ops/review?at={row.id}")
    page.click("#reject")
    page.wait_for_selector(".flash.ok")
    assert "không được gợi ý lại" in page.locator(".flash.ok").inner_text()
    shot(page, "review-after-reject")
    assert console.suggestion(b, a).status == "rejected"
    assert document(console.hub, b)["merged_into"] is None


def test_undoing_a_merge_from_the_contact_page_restores_the_contacts_exactly(page, console):
    a = add_contact(console.hub, "undo-1", "Đặng Thu Trang", "0914000111", email="trang@example.vn",
                    text="Em cần báo giá gói cước")
    b = add_contact(console.hub, "undo-2", "Trang Đặng", "0914000222", channel="zalo", province="Cần Thơ")
    suggest(console.hub, b, a, 0.95)
    before = {a: document(console.hub, a), b: document(console.hub, b)}
    page.goto(f"/ops/review?at={console.suggestion(b, a).id}")
    page.check(f"input[name=choice_name][value='{b}']")
    page.click("#accept")
    page.wait_for_selector(".flash.ok")
    assert document(console.hub, a)["name"] == "Đặng Trang"  # the Western-order name, reordered
    page.goto(f"/ops/contacts/{a}")
    assert "Em cần báo giá gói cước" in page.locator(".timeline").inner_text()
    shot(page, "contact-merged")
    page.click("button.undo")
    page.wait_for_selector(".flash.ok")
    assert "Đã hoàn tác" in page.locator(".flash.ok").inner_text()
    shot(page, "contact-after-undo")
    assert {a: document(console.hub, a), b: document(console.hub, b)} == before


def test_a_contact_is_found_by_its_name_typed_without_accents(page, console):
    add_contact(console.hub, "find-1", "Nguyễn Thị Lan", "0915000111")
    page.fill("header input[name=q]", "nguyen thi lan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ops/search?q=**")
    shot(page, "search")
    page.click("a.result >> text=Nguyễn Thị Lan")
    assert page.locator("#contact-name").inner_text() == "Nguyễn Thị Lan"
    assert "+84915000111" in page.content()


def test_english_is_one_click_away(page, console):
    page.click("text=EN")
    assert page.locator("h1").inner_text() == "Dashboard"
    page.goto("/ops/review")
    assert page.locator("h1").inner_text() == "Review queue"
    shot(page, "review-english")


def test_keys_move_through_the_queue_of_the_current_filter(page, console):
    # Two people of one name: their numbers differ by more than a slip (one digit off would merge them).
    pairs = [(add_contact(console.hub, f"kb-{n}a", "Bùi Văn Tú", f"09160{n}{n}111", channel="telegram"),
              add_contact(console.hub, f"kb-{n}b", "Tú Bùi", f"09160{n}{n}222", channel="telegram")) for n in (1, 2)]
    suggest(console.hub, pairs[0][1], pairs[0][0], 0.81)
    suggest(console.hub, pairs[1][1], pairs[1][0], 0.80)
    with console.hub.store.sessions() as session:  # dedupe may have queued more pairs of these people
        queue = reviewing.queue_ids(session, reviewing.Filter(channel="telegram"))
    assert len(queue) >= 2
    first, second = queue[0], queue[1]
    page.goto("/ops/review?channel=telegram")
    assert page.locator("#accept-form").get_attribute("action") == f"/ops/review/{first}/accept"
    page.keyboard.press("j")
    page.wait_for_url(f"**/ops/review?at={second}&channel=telegram")
    page.keyboard.press("k")
    page.wait_for_url(f"**/ops/review?at={first}&channel=telegram")
    page.keyboard.press("r")  # reject the first: the one after it opens, still filtered
    page.wait_for_url(f"**/ops/review?at={second}&channel=telegram")
    with console.hub.store.sessions() as session:
        assert session.get(MergeSuggestionRow, first).status == "rejected"
    assert f"Gợi ý 1 trên {len(queue) - 1}" in page.locator(".position").inner_text()


def test_an_admin_adds_a_webhook_sees_its_secret_once_and_disables_it(admin_page, console):
    page = admin_page
    page.goto("/ops/webhooks")
    page.fill("input[name=url]", "http://127.0.0.1:9/hook")
    page.click("text=Thêm đăng ký >> nth=-1")
    assert "127.0.0.1" in page.locator("#form-error").inner_text()  # the SSRF guard, as a form error
    page.fill("input[name=url]", "https://93.184.216.34/crm")  # a public address, no DNS needed
    page.fill("input[name=event_types]", "contact.erased")  # no test erases anyone: nothing is sent
    page.fill("input[name=description]", "CRM chi nhánh Cần Thơ")
    page.click("text=Thêm đăng ký >> nth=-1")
    assert page.locator("#new-secret").inner_text().startswith("whsec_")
    shot(page, "webhooks-added")
    page.click("a >> text=https://93.184.216.34/crm")
    page.fill("input[name=reason]", "CRM bảo trì")
    page.click("form[action$='/disable'] button")
    page.wait_for_selector(".flash.ok")
    assert "CRM bảo trì" in page.locator("#disabled-state").inner_text()
    shot(page, "webhook-disabled")
    page.goto("/ops/webhooks")
    assert "whsec_" not in page.content() and "Đang chờ" in page.content()


def test_an_import_shows_its_progress_and_the_rejects_report(page, console, tmp_path):
    lines = ["Họ tên,SĐT,Tỉnh/Thành"] + [f"Khách Hàng Số {n},09{17000000 + n:08d},Huế" for n in range(1500)]
    lines.append(",,Huế")  # no way to contact: rejected
    file = tmp_path / "Danh sách hội chợ.csv"
    file.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    page.goto("/ops/import")
    page.set_input_files("input[name=file]", str(file))
    page.click("button >> text=Nhập dữ liệu")
    page.wait_for_url("**/ops/import/*")
    shot(page, "import-progress")
    page.wait_for_selector("#import-summary", timeout=300_000)  # the poller reloads the page at the end
    assert page.locator("[data-field=done]").inner_text() == "1501"
    assert page.locator("[data-field=rejected]").inner_text() == "1"
    shot(page, "import-done")
    with page.expect_download() as download:
        page.click("#import-report")
    assert download.value.suggested_filename == "Danh sách hội chợ.csv.rejects.csv"
