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
    """Something outside the hub failed for now (an upstream API, a lock); retry later."""
