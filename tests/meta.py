"""Meta webhook bodies written the way Meta writes them, and signed the way Meta signs them."""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from tests.conftest import APP_SECRET, PAGE_ID

T = 1763860000  # 2025-11-23T01:06:40Z, in seconds


def meta_bytes(payload: Any) -> bytes:
    """JSON as Meta sends it: non-ASCII as \\uXXXX, "/" escaped as "\\/", no spaces."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json",
            "User-Agent": "facebookexternalua"}


def page_delivery(*entries: dict[str, Any], obj: str = "page") -> dict[str, Any]:
    return {"object": obj, "entry": list(entries)}


def messaging_entry(*events: dict[str, Any], page_id: str = PAGE_ID) -> dict[str, Any]:
    return {"id": page_id, "time": T * 1000, "messaging": list(events)}


def changes_entry(*changes: dict[str, Any], entry_id: str = PAGE_ID) -> dict[str, Any]:
    return {"id": entry_id, "time": T, "changes": list(changes)}


def message(mid: str, text: str | None = None, sender: str = "6001234567890123",
            page_id: str = PAGE_ID, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"mid": mid, **fields}
    if text is not None:
        body["text"] = text
    return {"sender": {"id": sender}, "recipient": {"id": page_id}, "timestamp": T * 1000 + 123,
            "message": body}


def leadgen(leadgen_id: str, form_id: str, page_id: str = PAGE_ID, ad_id: str = "23850000000000001",
            adgroup_id: str = "23850000000000002") -> dict[str, Any]:
    # https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#leadgen
    return {"field": "leadgen", "value": {"ad_id": ad_id, "form_id": form_id, "leadgen_id": leadgen_id,
                                          "created_time": T, "page_id": page_id, "adgroup_id": adgroup_id}}


def comment(comment_id: str, text: str, author_id: str, author_name: str, verb: str = "add",
            post_id: str = f"{PAGE_ID}_900001") -> dict[str, Any]:
    # https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed
    return {"field": "feed", "value": {
        "from": {"id": author_id, "name": author_name}, "item": "comment", "verb": verb,
        "post_id": post_id, "comment_id": comment_id, "parent_id": post_id,
        "message": text, "created_time": T, "post": {"id": post_id, "status_type": "added_photos"}}}


def graph_lead(leadgen_id: str, answers: dict[str, str], created: str = "2025-11-23T01:06:40+0000",
               **ids: str) -> dict[str, Any]:
    """A lead as `GET /{leadgen_id}` returns it."""
    return {"id": leadgen_id, "created_time": created,
            "field_data": [{"name": k, "values": [v]} for k, v in answers.items()],
            "ad_id": "23850000000000001", "ad_name": "Tết 2026 - Căn hộ",
            "adset_id": "23850000000000002", "adset_name": "HCM 25-45",
            "campaign_id": "23850000000000003", "campaign_name": "Mở bán Vinhomes",
            "platform": "fb", "is_organic": False, **ids}
