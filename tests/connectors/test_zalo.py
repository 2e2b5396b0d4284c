"""Zalo OA chats, follows and submitted info end as contacts with the Zalo identity."""
from __future__ import annotations

from datetime import datetime, timezone

from tests.conftest import FORM_TOKEN, ZALO_OA_ID
from tests.helpers import FORM_URL, drain, rows
from tests.zalo import (URL, USER_ID, follow, signed, submit_info_flat, submit_info_nested,
                        user_send_image, user_send_text, zalo_bytes)

IDENTITY = f"zalo:{ZALO_OA_ID}:{USER_ID}"


def post(client, payload) -> None:
    body = zalo_bytes(payload)
    headers = signed(body, timestamp=payload["timestamp"])
    assert client.post(URL, data=body, headers=headers).status_code == 200


def points(hub) -> set[tuple[str, str]]:
    return {(r["kind"], r["value"]) for r in rows(hub, "contact_points")}


def test_a_text_gives_the_zalo_identity_and_the_phone_and_email_in_it(client, hub, queue):
    post(client, user_send_text("msg_1", "Em cần tư vấn, sđt 0912.345.678, mail lan@gmail.com"))
    assert drain(hub, queue) == ["done"]
    assert points(hub) == {("identity", IDENTITY), ("phone", "+84912345678"),
                           ("email", "lan@gmail.com")}
    [lead] = rows(hub, "leads")
    assert (lead["channel"], lead["source_ref"]) == ("zalo", "msg_1")
    assert lead["captured_at"] == datetime(2025, 11, 23, 1, 6, 40, 123000, timezone.utc)
    assert lead["attribution"]["oa_id"] == ZALO_OA_ID


def test_an_image_without_words_still_makes_a_contact_by_identity(client, hub, queue):
    post(client, user_send_image("msg_img"))
    assert drain(hub, queue) == ["done"]
    assert points(hub) == {("identity", IDENTITY)}
    [lead] = rows(hub, "leads")
    assert lead["data"]["extra"]["attachments"] == ["image"]


def test_follow_and_unfollow_land_on_the_same_contact_with_their_status(client, hub, queue):
    post(client, follow("follow"))
    post(client, {**follow("unfollow"), "timestamp": "1763860999000"})
    assert drain(hub, queue) == ["done", "done"]
    assert len(rows(hub, "contacts")) == 1
    assert [lead["data"]["extra"]["zalo_follow"] for lead in rows(hub, "leads")] == ["followed", "unfollowed"]


def test_flat_submitted_info_gives_name_phone_province_and_address(client, hub, queue):
    post(client, submit_info_flat())
    assert drain(hub, queue) == ["done"]
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Nguyễn Thị Lan"
    assert contact["province_name"] and "Hồ Chí Minh" in contact["province_name"]
    assert points(hub) == {("identity", IDENTITY), ("phone", "+84912345678")}
    [lead] = rows(hub, "leads")
    assert lead["data"]["address"] == "12 Lê Lợi, Phường Bến Nghé, Quận 1, Hồ Chí Minh"


def test_nested_submitted_info_gives_the_same_fields_plus_birthday_and_gender(client, hub, queue):
    post(client, submit_info_nested())
    assert drain(hub, queue) == ["done"]
    [contact] = rows(hub, "contacts")
    assert contact["name"] == "Trần Văn Hùng"
    assert contact["province_name"] and "Đà Nẵng" in contact["province_name"]
    assert points(hub) == {("identity", IDENTITY), ("phone", "+84987654321")}
    [lead] = rows(hub, "leads")
    assert lead["data"]["address"] == "45 Bạch Đằng, Phường Hải Châu, Đà Nẵng"
    assert (lead["data"]["extra"]["user_dob"], lead["data"]["extra"]["gender"]) == ("12/05/1990", "male")


def test_submitted_info_with_missing_fields_keeps_what_is_there(client, hub, queue):
    payload = submit_info_flat()
    payload["info"] = {"phone": "84912345678"}
    post(client, payload)
    assert drain(hub, queue) == ["done"]
    assert points(hub) == {("identity", IDENTITY), ("phone", "+84912345678")}


def test_a_chat_then_submitted_info_then_a_web_form_with_the_same_phone_is_one_contact(client, hub, queue):
    post(client, user_send_text("msg_hi", "Shop ơi căn hộ 2PN còn không ạ?"))
    post(client, submit_info_flat(phone="84912345678"))
    form = {"ho_ten": "Nguyễn Thị Lan", "so_dien_thoai": "0912 345 678", "email": "lan@gmail.com"}
    assert client.post(FORM_URL, json=form, headers={"Authorization": f"Bearer {FORM_TOKEN}"}).status_code == 200
    assert drain(hub, queue) == ["done", "done", "done"]
    active = [c for c in rows(hub, "contacts") if c["merged_into"] is None]
    assert len(active) == 1
    leads = [lead for lead in rows(hub, "leads") if lead["contact_id"] == active[0]["id"]]
    assert sorted(lead["channel"] for lead in leads) == ["form", "zalo", "zalo"]
    mine = {(r["kind"], r["value"]) for r in rows(hub, "contact_points") if r["contact_id"] == active[0]["id"]}
    assert {("identity", IDENTITY), ("phone", "+84912345678"), ("email", "lan@gmail.com")} <= mine
