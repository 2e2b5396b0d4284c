"""Zalo OA user profiles: display name and the info the user shared with the OA.

`shared_info` ({name, phone, address, city, district, ward, user_dob...}) is what the user
once submitted to this OA; `display_name` is the Zalo profile name (often a nickname).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from hub.config import Settings
from hub.enrich import zalo_api, zalo_tokens
from hub.errors import TokenInvalid
from hub.model import Identity, LeadDraft
from hub.store import Store


def fetch(store: Store, settings: Settings, scope: str, subject: str) -> LeadDraft:
    """The user's profile as a lead draft (never stored as a lead).

    Raises TokenInvalid when the OA's tokens are refused, TransientError or UpstreamError.
    """
    data = user_detail(store, settings, scope, subject)
    return profile_draft(scope, subject, data)


def user_detail(store: Store, settings: Settings, oa_id: str, user_id: str) -> dict[str, Any]:
    """user/detail with a valid access token: refreshed first when expired, and once more when
    Zalo answers -216 / -220 (another worker may have rotated it, or it expired early)."""
    token = zalo_tokens.current(store, settings, oa_id)
    if not token.usable(datetime.now(timezone.utc)):
        token = zalo_tokens.refresh(store, settings, oa_id, token.version)
    try:
        return zalo_api.user_detail(settings, token.access_token, user_id)
    except zalo_api.AccessTokenRefused:
        token = zalo_tokens.refresh(store, settings, oa_id, token.version)
    try:
        return zalo_api.user_detail(settings, token.access_token, user_id)
    except zalo_api.AccessTokenRefused as exc:
        raise TokenInvalid(f"Zalo refused a freshly refreshed token of OA {oa_id}: {exc}",
                           channel="zalo", scope=oa_id, fingerprint=token.fingerprint) from exc


def profile_draft(oa_id: str, user_id: str, data: dict[str, Any]) -> LeadDraft:
    shared: dict[str, Any] = data["shared_info"] if isinstance(data.get("shared_info"), dict) else {}
    phone = _text(shared.get("phone"))
    city = _text(shared.get("city"))
    parts = [_text(shared.get(k)) for k in ("address", "ward", "district", "city")]
    draft = LeadDraft(
        channel="zalo",
        source_ref=f"profile:{oa_id}:{user_id}",
        captured_at=datetime.now(timezone.utc),
        name=_text(shared.get("name")) or _text(data.get("display_name")) or None,
        phones=(phone,) if phone else (),
        identity=Identity("zalo", oa_id, user_id),
    )
    if city or any(parts):
        draft = replace(draft, province=city or None, address=", ".join(p for p in parts if p) or None)
    return draft


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list, bool)) else str(value).strip()
