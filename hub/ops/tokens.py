"""API tokens: "lh_<prefix>_<secret>", shown once; only a SHA-256 of it is stored."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from hub.store import Store
from hub.store.schema import ApiTokenRow

SCOPES = (
    "contacts:read", "events:read", "suggestions:read", "suggestions:write", "export:read", "contacts:erase",
    "webhooks:manage",
)


class TokenError(ValueError):
    """A token could not be created or revoked as asked; the message says why."""


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    scopes: tuple[str, ...]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(store: Store, name: str, scopes: Sequence[str]) -> str:
    """Create a token and return it; it cannot be shown again. Raises TokenError."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise TokenError(f"scopes must be some of {', '.join(SCOPES)}; got {', '.join(scopes) or 'none'}")
    if not name.strip():
        raise TokenError("a token needs a name (who or what uses it)")
    prefix = secrets.token_hex(4)
    token = f"lh_{prefix}_{secrets.token_urlsafe(32)}"
    with store.transaction() as session:
        session.add(ApiTokenRow(name=name.strip(), prefix=prefix, token_hash=_digest(token),
                                scopes=sorted(set(scopes)), created_at=datetime.now(timezone.utc)))
    return token


def verify(store: Store, token: str) -> TokenInfo | None:
    """The token's owner and scopes, or None when it is unknown, malformed or revoked."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "lh":
        return None
    with store.transaction() as session:
        row = session.execute(select(ApiTokenRow).where(ApiTokenRow.prefix == parts[1])).scalar_one_or_none()
        if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, _digest(token)):
            return None
        now = datetime.now(timezone.utc)
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            row.last_used_at = now  # at most a write a minute: reads stay reads
        return TokenInfo(row.id, row.name, tuple(row.scopes))


def revoke(store: Store, token_id: int) -> None:
    """Revoke a token for good. Raises TokenError when there is no such active token."""
    with store.transaction() as session:
        row = session.get(ApiTokenRow, token_id)
        if row is None or row.revoked_at is not None:
            raise TokenError(f"no active token with id {token_id}")
        row.revoked_at = datetime.now(timezone.utc)


def listing(store: Store) -> list[dict[str, Any]]:
    with store.sessions() as session:
        return [
            {"id": r.id, "name": r.name, "prefix": r.prefix, "scopes": r.scopes,
             "created_at": r.created_at.isoformat(), "revoked": r.revoked_at is not None,
             "last_used_at": r.last_used_at.isoformat() if r.last_used_at else None}
            for r in session.execute(select(ApiTokenRow).order_by(ApiTokenRow.id)).scalars()
        ]
