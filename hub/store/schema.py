"""The tables. Changes here need an Alembic migration (hub/store/migrations/versions)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} would be stored ambiguously")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def table_of(row: type[Base]) -> Table:
    """A mapped class's Table (its __table__, which SQLAlchemy's types call a FromClause)."""
    return cast(Table, row.__table__)


class RawEventRow(Base):
    """The inbox: every accepted request, exact bytes, committed before the 200."""

    __tablename__ = "raw_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    route: Mapped[str] = mapped_column(String(128), default="")
    delivery_key: Mapped[str] = mapped_column(String(255))
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # When the sweeper next looks at the event: re-enqueue if still pending, or take it back
    # from a worker whose lease ran out if still processing.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when retention (hub purge) or an erasure emptied body and headers (hub/privacy).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("channel", "delivery_key"),
        Index(None, "status", "due_at"),
        Index(None, "received_at"),
    )


class ContactRow(Base):
    __tablename__ = "contacts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(128))
    family_name: Mapped[str | None] = mapped_column(String(128))
    middle_name: Mapped[str | None] = mapped_column(String(128))
    name_is_personal: Mapped[bool] = mapped_column(Boolean, default=True)
    # The name was typed with its family name last ("Liên Thanh Nguyễn"; PersonName.family_last).
    name_family_last: Mapped[bool] = mapped_column(Boolean, default=False)
    name_key: Mapped[str | None] = mapped_column(String(255), index=True)
    province_code: Mapped[str | None] = mapped_column(String(16))
    province_name: Mapped[str | None] = mapped_column(String(128))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    merged_into: Mapped[str | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ContactPointRow(Base):
    """A phone (E.164), email (canonical key) or channel identity ("channel:scope:id")."""

    __tablename__ = "contact_points"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))
    display: Mapped[str] = mapped_column(String(320))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("contact_id", "kind", "value"),
        Index(None, "kind", "value"),
    )


class LeadRow(Base):
    """One capture: linked to the raw event it came from and the contact it landed on."""

    __tablename__ = "leads"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    raw_event_id: Mapped[int | None] = mapped_column(ForeignKey("raw_events.id"), index=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    source_ref: Mapped[str] = mapped_column(String(255))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    attribution: Mapped[dict[str, str]] = mapped_column(JSON)
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("channel", "source_ref"),)


class MatchKeyRow(Base):
    """Blocking keys: a lead is compared only with the contacts sharing one of its keys."""

    __tablename__ = "match_keys"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), primary_key=True, index=True)


class MergeSuggestionRow(Base):
    __tablename__ = "merge_suggestions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    __table_args__ = (UniqueConstraint("contact_id", "candidate_id"), Index(None, "status"))


class MergeLogRow(Base):
    """Every merge, with before-images of what it changed, so it can be undone."""

    __tablename__ = "merge_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    survivor_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    merged_ids: Mapped[list[str]] = mapped_column(JSON)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(String(128))


class OutboxRow(Base):
    """Contact events for downstream consumers, in commit order (see repository.append_outbox)."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    contact_id: Mapped[str] = mapped_column(String(36), index=True)
    contact_version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDeliveryRow(Base):
    """A batched delivery's exact bytes, kept once (Meta signs the whole body, not each item).

    Each item becomes its own raw event; its headers name this row by `X-Hub-Delivery-Sha256`,
    so the signature can be checked again at any time.
    """

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    items: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ChannelHealthRow(Base):
    """Whether a channel scope (a page, a phone number) works, and why not.

    `token_fingerprint` names the access token that failed, so the hub notices a new one.
    """

    __tablename__ = "channel_health"
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    scope: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    token_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HubStateRow(Base):
    """Small named values the hub keeps between runs (e.g. where a rescan stopped)."""

    __tablename__ = "hub_state"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiTokenRow(Base):
    """Bearer tokens for the REST API: only a SHA-256 of the token is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- Profile enrichment (Zalo OA user detail, Messenger / Instagram sender profiles) ---


class ZaloOATokenRow(Base):
    """An OA's OAuth v4 token pair. Zalo rotates the refresh token on every use, so the pair is
    replaced in one update under a row lock, and `version` tells a worker that waited for the
    lock that someone else already refreshed (see hub/enrich/zalo_tokens.py).

    `seed_fingerprint` names the refresh token last taken from the settings, so a new one typed
    into the config replaces the stored pair once, and an unchanged one never does.
    """

    __tablename__ = "zalo_oa_tokens"
    oa_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text, default="")
    refresh_token: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    seed_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EnrichmentRow(Base):
    """A pending or finished profile fetch for one channel identity, run apart from the lead.

    status: pending -> processing -> done | failed, or needs_token (parked until the token that
    failed, named by `token_fingerprint`, is replaced). `due_at` is when the sweeper next looks
    at it (a retry's backoff, or the lease of a worker that may have died).
    """

    __tablename__ = "enrichments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(128))
    contact_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    token_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("kind", "scope", "subject"), Index(None, "status", "due_at"))
# --- Ops console (issue #7): accounts, login attempts, audit log ---


class UserRow(Base):
    """An ops console account. `session_epoch` grows on every role change, disable or new
    password: sessions carrying an older epoch are no longer valid."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailureRow(Base):
    """A failed login, kept for rate limiting (shared by every process through the database)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index(None, "username", "at"), Index(None, "ip", "at"))


class AuditLogRow(Base):
    """Who did what, when: every decision, merge, undo, login and account change."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")


# --- privacy: erasure requests (Decree 13/2023 art. 16), see hub/privacy/erase.py ---


class ErasureRow(Base):
    """One erasure of a person's data: who asked, when, and how much went. No personal data."""

    __tablename__ = "erasures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    requested_by: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(255), default="")
    contact_ids: Mapped[list[str]] = mapped_column(JSON)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ErasedContactRow(Base):
    """An erased contact id, so a second request (or the API) knows it is gone, not unknown."""

    __tablename__ = "erased_contacts"
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    erasure_id: Mapped[int] = mapped_column(ForeignKey("erasures.id"), index=True)


# Outbound webhooks (hub/sinks/webhooks_out.py): subscriptions, one message per (subscription,
# outbox event), one attempt row per HTTP try. Inbound deliveries live in webhook_deliveries.
class WebhookSubscriptionRow(Base):
    """A downstream endpoint: where to POST, which event types, the Standard Webhooks secret."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(500), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    auto_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    rate_limit: Mapped[float | None] = mapped_column(Float)  # deliveries per second; None: no limit
    next_slot_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the rate limit's next free slot
    allow_private: Mapped[bool] = mapped_column(Boolean, default=False)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookMessageRow(Base):
    """One outbox event for one subscription; `msg_id` is the webhook-id, stable across retries."""

    __tablename__ = "webhook_messages"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    outbox_seq: Mapped[int] = mapped_column(BigInteger)
    msg_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(32))
    # pending | sending | delivered | failed (schedule exhausted) | held (subscription disabled)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # in the current round (a replay resets)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slot_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a rate-limit slot already reserved
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("subscription_id", "outbox_seq"),
        Index(None, "status", "next_attempt_at"),
    )


class WebhookAttemptRow(Base):
    """The delivery log: one row per HTTP attempt of a message."""

    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("webhook_messages.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(16))  # delivered | failed | gone | refused
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | replay
