"""Facebook Graph API calls, with Meta's error codes turned into what the worker should do.

Error codes: https://developers.facebook.com/docs/graph-api/guides/error-handling
Rate limits and usage headers: https://developers.facebook.com/docs/graph-api/overview/rate-limiting
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from hub import http
from hub.channel_health import fingerprint
from hub.config import Settings
from hub.errors import HubError, TokenInvalid, TransientError
from hub.http import UpstreamError

TOKEN_INVALID = 190
TRANSIENT_CODES = frozenset({1, 2})
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})
# The app-level window rolls over an hour and its header gives no estimate: wait a slice of it.
FULL_USAGE_WAIT_SECONDS = 600.0


def get(settings: Settings, path: str, *, page_id: str, token: str | None,
        params: Mapping[str, Any] | None = None) -> Any:
    """GET {graph_url}/{path} with the page's token.

    Raises TokenInvalid (no token, or code 190), TransientError (rate limits, codes 1 and 2,
    5xx, timeouts; with retry_after when the usage headers say how long) or UpstreamError.
    """
    if not token:
        raise TokenInvalid(f"no access token configured for page {page_id} "
                           f"(set facebook.pages.{page_id}.token)",
                           channel="facebook", scope=page_id, fingerprint="")
    url = f"{settings.facebook.graph_url.rstrip('/')}/{path.lstrip('/')}"
    try:
        return http.get_json(url, settings.http, {**(params or {}), "access_token": token})
    except UpstreamError as exc:
        raise _classify(exc, page_id, token) from exc


def pages(settings: Settings, path: str, *, page_id: str, token: str | None,
          params: Mapping[str, Any] | None = None) -> Iterator[list[dict[str, Any]]]:
    """Every page of a Graph list, following the `after` cursor until there is no next page."""
    query = dict(params or {})
    while True:
        body = get(settings, path, page_id=page_id, token=token, params=query)
        yield list(body.get("data") or [])
        paging = body.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            return
        query["after"] = after


def _classify(exc: UpstreamError, page_id: str, token: str) -> HubError:
    code = exc.code
    if code == TOKEN_INVALID:
        return TokenInvalid(f"Graph refused the token of page {page_id}: {exc}",
                            channel="facebook", scope=page_id, fingerprint=fingerprint(token))
    if code is not None and (code in RATE_LIMIT_CODES or 80000 <= code < 90000):
        return TransientError(f"Graph rate limit (code {code}): {exc}",
                              retry_after=retry_after(exc.headers))
    if code in TRANSIENT_CODES or not exc.permanent:
        return TransientError(f"Graph unavailable: {exc}")
    return exc


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait according to Meta's usage headers, or None when they do not say.

    X-Business-Use-Case-Usage: {"<business id>": [{"estimated_time_to_regain_access": <min>, ...}]}
    X-App-Usage: {"call_count": <%>, "total_time": <%>, "total_cputime": <%>}
    """
    waits: list[float] = []
    for entries in _json_header(headers, "X-Business-Use-Case-Usage").values():
        for entry in entries if isinstance(entries, list) else []:
            minutes = entry.get("estimated_time_to_regain_access") if isinstance(entry, dict) else None
            if isinstance(minutes, (int, float)) and minutes > 0:
                waits.append(minutes * 60.0)
    app_usage = _json_header(headers, "X-App-Usage")
    if any(isinstance(v, (int, float)) and v >= 100 for v in app_usage.values()):
        waits.append(FULL_USAGE_WAIT_SECONDS)
    return max(waits) if waits else None


def _json_header(headers: Mapping[str, str], name: str) -> dict[str, Any]:
    value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    try:
        parsed = json.loads(value) if value else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
