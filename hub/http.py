"""All outbound HTTP goes through here: mandatory timeouts and one error type.

Tests never replace this module's functions; they point the base URLs in the settings
(`facebook.graph_url`, ...) at local fake servers instead.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import requests

from hub.config import HttpSettings
from hub.errors import HubError

_local = threading.local()


class UpstreamError(HubError):
    """A platform API call failed.

    `permanent` is False for what may pass by itself (timeouts, connection errors, 5xx, 429)
    and True for the rest (4xx); platform-specific callers refine it by `code`.
    """

    def __init__(self, message: str, *, permanent: bool, status: int | None = None,
                 code: int | None = None, subcode: int | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status
        self.code = code
        self.subcode = subcode
        self.headers: Mapping[str, str] = dict(headers or {})


def get_json(url: str, settings: HttpSettings, params: Mapping[str, Any] | None = None,
             headers: Mapping[str, str] | None = None) -> Any:
    """GET url and return the decoded JSON body.

    Raises UpstreamError for a timeout, a connection error, a non-2xx answer or a body that is
    not JSON; the platform's error code is read from Meta's `{"error": {"code": ...}}` shape.
    """
    return _call("GET", url, settings, params=params, headers=headers)


def post_form(url: str, settings: HttpSettings, data: Mapping[str, str],
              headers: Mapping[str, str] | None = None) -> Any:
    """POST a form (application/x-www-form-urlencoded) and return the decoded JSON body.

    Raises UpstreamError like get_json.
    """
    return _call("POST", url, settings, data=data, headers=headers)


def _call(method: str, url: str, settings: HttpSettings, **kwargs: Any) -> Any:
    try:
        response = _session().request(method, url, timeout=settings.timeout_seconds, **kwargs)
    except requests.Timeout as exc:
        raise UpstreamError(f"timed out after {settings.timeout_seconds}s: {_safe(url)}",
                            permanent=False) from exc
    except requests.RequestException as exc:
        raise UpstreamError(f"{type(exc).__name__} calling {_safe(url)}", permanent=False) from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.ok and body is not None:
        return body
    raise _error(response, body)


def _error(response: requests.Response, body: Any) -> UpstreamError:
    error = body.get("error") if isinstance(body, dict) else None
    code = subcode = None
    message = response.reason or "error"
    if isinstance(error, dict):
        code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
        message = str(error.get("message") or message)
    elif response.ok:
        message = "the answer is not JSON"
    transient = response.status_code >= 500 or response.status_code == 429
    return UpstreamError(
        f"HTTP {response.status_code}: {message}",
        permanent=not transient and not response.ok,
        status=response.status_code,
        code=code,
        subcode=subcode,
        headers=response.headers,
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _safe(url: str) -> str:
    """The URL without its query string (which may carry an access token)."""
    return url.split("?", 1)[0]


def _session(guarded: bool = False) -> requests.Session:
    """This thread's pooled session (requests.Session is not documented as thread-safe); the
    guarded one connects only to public addresses (hub.sinks.ssrf.GuardedAdapter)."""
    name = "guarded" if guarded else "session"
    session = getattr(_local, name, None)
    if session is None:
        session = requests.Session()
        if guarded:
            from hub.sinks.ssrf import GuardedAdapter

            session.trust_env = False  # through a proxy, the address reached could not be checked
            for prefix in ("http://", "https://"):
                session.mount(prefix, GuardedAdapter())
        setattr(_local, name, session)
    return session


class Posted:
    """What a webhook endpoint answered: status, a clipped body, and how long it took."""

    def __init__(self, status: int, excerpt: str, latency_ms: int) -> None:
        self.status, self.excerpt, self.latency_ms = status, excerpt, latency_ms


def post_webhook(url: str, body: bytes, headers: Mapping[str, str], timeout: float,
                 excerpt_chars: int = 1000, *, public_only: bool = False) -> Posted:
    """POST a webhook; any HTTP answer is returned (redirects are not followed: SSRF).

    Raises UpstreamError (permanent=False) for a timeout or a connection error; its message
    carries the latency in milliseconds too. With public_only, a connection that reaches a
    non-public address raises hub.sinks.ssrf.UnsafeUrl before anything is sent.
    """
    start = time.monotonic()
    try:
        with _session(guarded=public_only).post(url, data=body, headers=dict(headers), timeout=timeout,
                             allow_redirects=False, stream=True) as response:
            raw = b""
            for chunk in response.iter_content(4096):
                raw += chunk
                if len(raw) >= excerpt_chars * 4:  # at most 4 bytes a character in UTF-8
                    break
            excerpt = raw.decode(response.encoding or "utf-8", errors="replace")[:excerpt_chars]
            return Posted(response.status_code, excerpt, _ms(start))
    except requests.Timeout as exc:
        raise UpstreamError(f"timed out after {timeout}s ({_ms(start)} ms): {_safe(url)}",
                            permanent=False) from exc
    except requests.RequestException as exc:
        raise UpstreamError(f"{type(exc).__name__} calling {_safe(url)} ({_ms(start)} ms)",
                            permanent=False) from exc


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)
