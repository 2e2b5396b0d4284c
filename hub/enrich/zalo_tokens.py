"""The rotating OAuth v4 pair of each Zalo OA, kept in the database (table zalo_oa_tokens).

Zalo rotates the refresh token on every use and rejects a spent one, so two workers must never
both refresh with the same token. A refresh runs under the OA row's lock (SELECT ... FOR UPDATE
on PostgreSQL; on SQLite every transaction begins IMMEDIATE and holds the write lock) and
compares `version` with the one the worker saw: a worker that waited for the lock finds the
version moved on and uses the fresh pair instead of spending the refresh token again. The new
pair is written in the same transaction, so it is stored atomically or not at all.

The lock is held across the HTTP call to Zalo (bounded by http.timeout_seconds): a refresh
happens about once a day per OA, and holding it is what makes the rotation safe.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.channel_health import fingerprint
from hub.config import Settings
from hub.enrich import zalo_api
from hub.errors import TokenInvalid
from hub.store import Store
from hub.store.schema import ZaloOATokenRow

EXPIRY_MARGIN = timedelta(minutes=5)  # refresh a little before Zalo's own expiry


@dataclass(frozen=True)
class Token:
    oa_id: str
    access_token: str
    refresh_token: str
    expires_at: datetime | None
    version: int
    seed_fingerprint: str = ""

    @property
    def fingerprint(self) -> str:
        """Names the stored pair; parked work is released when it changes."""
        return fingerprint(self.refresh_token or self.access_token)

    def usable(self, now: datetime) -> bool:
        return bool(self.access_token) and (self.expires_at is None or self.expires_at - EXPIRY_MARGIN > now)


def current(store: Store, settings: Settings, oa_id: str) -> Token:
    """The OA's stored pair, after adopting a refresh token newly put in the settings.

    Raises TokenInvalid when the hub knows no token at all for the OA.
    """
    oa = settings.zalo.oas.get(oa_id)
    token = _read(store, oa_id)
    seed = oa.refresh_token if oa is not None else ""
    if seed and (token is None or token.seed_fingerprint != fingerprint(seed)):
        set_token(store, oa_id, seed, from_settings=True)
        token = _read(store, oa_id)
    if token is None or not (token.access_token or token.refresh_token):
        raise TokenInvalid(f"no Zalo token for OA {oa_id} (run `hub zalo set-token --oa {oa_id} "
                           f"--refresh-token ...` or set zalo.oas.{oa_id}.refresh_token)",
                           channel="zalo", scope=oa_id, fingerprint="")
    return token


def set_token(store: Store, oa_id: str, refresh_token: str, access_token: str = "",
              *, from_settings: bool = False) -> bool:
    """Store a pair given by an operator (CLI) or the settings. A settings token already
    adopted once is not adopted again (it may have been spent since). Returns True if stored."""
    seed = fingerprint(refresh_token) if from_settings else None
    with store.transaction() as session:
        row = _locked(session, oa_id)
        if seed is not None and row.seed_fingerprint == seed:
            return False
        row.refresh_token, row.access_token, row.expires_at = refresh_token, access_token, None
        row.version += 1
        row.updated_at = datetime.now(timezone.utc)
        if seed is not None:
            row.seed_fingerprint = seed
        return True


def refresh(store: Store, settings: Settings, oa_id: str, seen_version: int) -> Token:
    """A fresh access token: spends the stored refresh token unless another worker already did
    since `seen_version` was read.

    Raises TokenInvalid when Zalo refuses the refresh token (or there is none), and
    TransientError when Zalo cannot be reached (nothing is changed then).
    """
    oa = settings.zalo.oas.get(oa_id)
    with store.transaction() as session:
        row = _locked(session, oa_id)
        if row.version != seen_version and row.access_token:
            return _token(row)  # refreshed (or replaced) while this worker waited for the lock
        spent = row.refresh_token
        if oa is None or not spent:
            raise TokenInvalid(f"OA {oa_id}: no refresh token or no [zalo.oas.{oa_id}] settings",
                               channel="zalo", scope=oa_id, fingerprint=fingerprint(spent))
        try:
            pair = zalo_api.refresh(settings, oa, spent)
        except zalo_api.RefreshRefused as exc:
            raise TokenInvalid(str(exc), channel="zalo", scope=oa_id,
                               fingerprint=fingerprint(spent)) from exc
        now = datetime.now(timezone.utc)
        row.access_token, row.refresh_token = pair.access_token, pair.refresh_token
        row.expires_at = now + timedelta(seconds=pair.expires_in) if pair.expires_in else None
        row.version += 1
        row.updated_at = now
        return _token(row)


def _locked(session: Session, oa_id: str) -> ZaloOATokenRow:
    """The OA's row, created empty if absent, locked until the transaction ends."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(ZaloOATokenRow)
        .values(oa_id=oa_id, access_token="", refresh_token="", expires_at=None, version=0,
                seed_fingerprint="", updated_at=datetime.now(timezone.utc))
        .on_conflict_do_nothing(index_elements=["oa_id"])
    )
    return session.execute(
        select(ZaloOATokenRow).where(ZaloOATokenRow.oa_id == oa_id)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def _read(store: Store, oa_id: str) -> Token | None:
    with store.sessions() as session:
        row = session.get(ZaloOATokenRow, oa_id)
        return _token(row) if row is not None else None


def _token(row: ZaloOATokenRow) -> Token:
    return Token(row.oa_id, row.access_token, row.refresh_token, row.expires_at, row.version,
                 row.seed_fingerprint)
