"""Zalo OA API calls for enrichment: user detail and the OAuth v4 token refresh.

User detail: https://developers.zalo.me/docs/official-account/quan-ly/quan-ly-thong-tin-nguoi-dung/lay-thong-tin-chi-tiet-nguoi-dung
  GET {api_url}/v3.0/oa/user/detail?data={"user_id": "..."} with header `access_token`;
  answers HTTP 200 with `{"error": 0, "data": {...}}` or `{"error": <negative code>, "message"}`.
Refresh: https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new
  POST {oauth_url}/v4/oa/access_token, form refresh_token, app_id, grant_type=refresh_token,
  header `secret_key` (the app's secret); answers `{"access_token", "refresh_token",
  "expires_in": "90000"}` or `{"error": <negative code>, "error_name", "error_description"}`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hub import http
from hub.config import Settings, ZaloOA
from hub.errors import HubError, TransientError
from hub.http import UpstreamError

ACCESS_TOKEN_INVALID = -216
ACCESS_TOKEN_EXPIRED = -220
ACCESS_TOKEN_ERRORS = frozenset({ACCESS_TOKEN_INVALID, ACCESS_TOKEN_EXPIRED})
RATE_LIMITED = frozenset({-32})


class AccessTokenRefused(HubError):
    """Zalo refused the access token (-216 invalid, -220 expired): refresh it, then retry."""

    permanent = True

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class RefreshRefused(HubError):
    """The OAuth endpoint refused the refresh token (spent, expired, revoked) or the app secret."""

    permanent = True


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int | None  # seconds


def user_detail(settings: Settings, access_token: str, user_id: str) -> dict[str, Any]:
    """The user's `data` object (display_name, shared_info...).

    Raises AccessTokenRefused (-216, -220), TransientError (rate limit, 5xx, timeouts) or
    UpstreamError (any other refusal: not retried).
    """
    url = f"{settings.zalo.api_url.rstrip('/')}/v3.0/oa/user/detail"
    params = {"data": json.dumps({"user_id": user_id})}
    try:
        body = http.get_json(url, settings.http, params, headers={"access_token": access_token})
    except UpstreamError as exc:
        raise (TransientError(f"Zalo unavailable: {exc}") if not exc.permanent else exc) from exc
    code = _code(body)
    if code in ACCESS_TOKEN_ERRORS:
        raise AccessTokenRefused(f"Zalo error {code}: {_message(body)}", code)
    if code in RATE_LIMITED:
        raise TransientError(f"Zalo rate limit (error {code}): {_message(body)}")
    if code != 0 or not isinstance(body.get("data"), dict):
        raise UpstreamError(f"Zalo user/detail error {code}: {_message(body)}", permanent=True, code=code)
    return dict(body["data"])


def refresh(settings: Settings, oa: ZaloOA, refresh_token: str) -> TokenPair:
    """Spend the refresh token for a new pair (the old refresh token is then dead).

    Raises RefreshRefused, or TransientError when the endpoint could not be reached.
    """
    if not oa.app_secret:
        raise RefreshRefused(f"no app secret for OA {oa.oa_id} (set zalo.oas.{oa.oa_id}.app_secret)")
    url = f"{settings.zalo.oauth_url.rstrip('/')}/v4/oa/access_token"
    form = {"refresh_token": refresh_token, "app_id": oa.app_id, "grant_type": "refresh_token"}
    try:
        body = http.post_form(url, settings.http, form, headers={"secret_key": oa.app_secret})
    except UpstreamError as exc:
        if not exc.permanent:
            raise TransientError(f"Zalo OAuth unavailable: {exc}") from exc
        raise RefreshRefused(f"Zalo OAuth refused the refresh token: {exc}") from exc
    if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
        raise RefreshRefused(f"Zalo OAuth refused the refresh token: error {_code(body)} "
                             f"{_message(body)}")
    return TokenPair(str(body["access_token"]), str(body["refresh_token"]),
                     _int(body.get("expires_in")))


def _code(body: Any) -> int | None:
    return _int(body.get("error", 0)) if isinstance(body, dict) else None


def _message(body: Any) -> str:
    if not isinstance(body, dict):
        return "not a JSON object"
    parts = [body.get(k) for k in ("message", "error_name", "error_reason", "error_description")]
    return "; ".join(str(p) for p in parts if p) or "no message"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
