"""Zalo OA events written the way Zalo documents them, and signed the way Zalo signs them.

https://developers.zalo.me/docs/official-account/webhook/tong-quan. The signing helper is
written out here, independently of webhooks/zalo.py.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from tests.conftest import ZALO_APP_ID, ZALO_OA_ID, ZALO_OA_SECRET

URL = "/webhooks/zalo"
USER_ID = "2512523625412515"  # an OA-scoped user id
TS = "1763860000123"  # 2025-11-23T01:06:40.123Z, in milliseconds, as a string


def zalo_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def signature(body: bytes, timestamp: str = TS, first: str = ZALO_APP_ID,
              secret: str = ZALO_OA_SECRET) -> str:
    """sha256 hex of app_id + body + timestamp + OA secret key (a plain hash, no HMAC)."""
    return "mac=" + hashlib.sha256(first.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


def signed(body: bytes, **kwargs: str) -> dict[str, str]:
    return {"X-ZEvent-Signature": signature(body, **kwargs), "Content-Type": "application/json"}


def user_event(event_name: str, message: dict[str, Any] | None = None, user: str = USER_ID,
               oa: str = ZALO_OA_ID, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"app_id": ZALO_APP_ID, "user_id_by_app": "552177279717587730",
                               "event_name": event_name, "timestamp": TS,
                               "sender": {"id": user}, "recipient": {"id": oa}, **fields}
    if message is not None:
        payload["message"] = message
    return payload


def user_send_text(msg_id: str, text: str, **kwargs: Any) -> dict[str, Any]:
    return user_event("user_send_text", {"msg_id": msg_id, "text": text}, **kwargs)


def user_send_image(msg_id: str, caption: str = "") -> dict[str, Any]:
    attachment = {"type": "image", "payload": {"thumbnail": "https://zalo.me/t.jpg",
                                               "url": "https://zalo.me/i.jpg"}}
    return user_event("user_send_image", {"msg_id": msg_id, "text": caption,
                                          "attachments": [attachment]})


def oa_send_text(msg_id: str, text: str) -> dict[str, Any]:
    """The OA's own reply, echoed: sender is the OA, recipient the user."""
    return {"app_id": ZALO_APP_ID, "event_name": "oa_send_text", "timestamp": TS,
            "sender": {"id": ZALO_OA_ID}, "recipient": {"id": USER_ID},
            "message": {"msg_id": msg_id, "text": text}}


def follow(event_name: str = "follow", user: str = USER_ID) -> dict[str, Any]:
    return {"app_id": ZALO_APP_ID, "oa_id": ZALO_OA_ID, "user_id_by_app": "552177279717587730",
            "event_name": event_name, "timestamp": TS, "source": "testing_webhook",
            "follower": {"id": user}}


def submit_info_flat(name: str = "Nguyễn Thị Lan", phone: str = "84912345678",
                     city: str = "Hồ Chí Minh", user: str = USER_ID) -> dict[str, Any]:
    info = {"name": name, "phone": phone, "address": "12 Lê Lợi", "ward": "Phường Bến Nghé",
            "district": "Quận 1", "city": city}
    return user_event("user_submit_info", user=user, info=info)


def submit_info_nested(name: str = "Trần Văn Hùng", phone: str = "84987654321",
                       city: str = "Đà Nẵng", user: str = USER_ID) -> dict[str, Any]:
    info = {"name": name, "phone": phone, "user_dob": "12/05/1990", "gender": "male",
            "full_address": {"user_city": city, "user_ward": "Phường Hải Châu",
                             "user_address": "45 Bạch Đằng"}}
    return user_event("user_submit_info", user=user, info=info)
