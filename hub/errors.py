"""Errors that decide what a worker does next: retry (transient) or stop (permanent)."""
from __future__ import annotations


class HubError(Exception):
    """Base of the hub's own errors. `permanent` errors are never retried."""

    permanent = False


class PayloadError(HubError):
    """The stored event cannot be read as its channel's payload; retrying will not help."""

    permanent = True


class IgnoreEvent(HubError):
    """The event is valid but carries no lead (spam caught by a honeypot, an empty form...)."""

    permanent = True


class TransientError(HubError):
    """Something outside the hub failed for now (an upstream API, a lock); retry later.

    `retry_after` (seconds), when the upstream said how long to wait, replaces a shorter backoff.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TokenInvalid(HubError):
    """A channel's access token was refused (expired, revoked, never configured).

    Retrying with the same token cannot help, so the event waits in `needs_token` until the
    token is replaced; `fingerprint` identifies the token that failed ("" when there was none).
    """

    permanent = True

    def __init__(self, message: str, *, channel: str, scope: str, fingerprint: str) -> None:
        super().__init__(message)
        self.channel = channel
        self.scope = scope
        self.fingerprint = fingerprint
