"""Telegram messages end as contacts with the bot-scoped identity, names and shared phones."""
from __future__ import annotations

from datetime import datetime, timezone

from tests.conftest import TELEGRAM_BOT
from tests.helpers import drain, rows
from tests.telegram import URL, USER, body, contact, headers, start, text

IDENTITY = f"telegram:{TELEGRAM_BOT}:{USER['id']}"


def post(client, update) -> None:
    assert client.post(URL, data=body(update), headers=headers()).status_code == 200


def points(hub) -> set[tuple[str, str]]:
    return {(r["kind"], r["value"]) for r in rows(hub, "contact_points")}


def test_a_text_gives_the_identity_the_western_order_name_and_the_phone_in_it(client, hub, queue):
    post(client, text(830000010, "Mình muốn đặt hàng, gọi 0987 654 321 nhé"))
    assert drain(hub, queue) == ["done"]
    assert points(hub) == {("identity", IDENTITY), ("phone", "+84987654321")}
    [contact_row] = rows(hub, "contacts")
    assert (contact_row["name"], contact_row["given_name"], contact_row["family_name"]) == (
        "Nguyễn Lan", "Lan", "Nguyễn")
    [lead] = rows(hub, "leads")
    assert lead["captured_at"] == datetime.fromtimestamp(1763860000, timezone.utc)
    assert lead["data"]["extra"]["telegram_username"] == "lan_nguyen"


def test_a_shared_own_contact_gives_the_phone_and_its_names(client, hub, queue):
    post(client, contact(830000011))
    assert drain(hub, queue) == ["done"]
    assert points(hub) == {("identity", IDENTITY), ("phone", "+84912345678")}
    [contact_row] = rows(hub, "contacts")
    assert contact_row["name"] == "Nguyễn Thị Lan"


def test_someone_else_s_contact_card_is_kept_aside_not_taken_as_the_sender_s_phone(client, hub, queue):
    post(client, contact(830000012, phone="+84903111222", user_id=None, first_name="Hùng", last_name="Trần"))
    assert drain(hub, queue) == ["done"]
    assert points(hub) == {("identity", IDENTITY)}
    [lead] = rows(hub, "leads")
    assert lead["data"]["extra"]["shared_contact"]["phone_number"] == "+84903111222"


def test_start_with_a_deep_link_payload_becomes_attribution(client, hub, queue):
    post(client, start(830000013, "tet2026_fb"))
    post(client, start(830000014))
    assert drain(hub, queue) == ["done", "done"]
    assert len(rows(hub, "contacts")) == 1
    assert [lead["attribution"].get("start") for lead in rows(hub, "leads")] == ["tet2026_fb", None]


def test_a_chat_then_a_shared_contact_from_the_same_person_is_one_contact(client, hub, queue):
    post(client, text(830000015, "Còn hàng không shop?"))
    post(client, contact(830000016))
    assert drain(hub, queue) == ["done", "done"]
    assert len([c for c in rows(hub, "contacts") if c["merged_into"] is None]) == 1
    assert len(rows(hub, "leads")) == 2
