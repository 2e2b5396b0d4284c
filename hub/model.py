"""The values that flow through the pipeline.

RawEvent (inbox row) -> LeadDraft (connector output, raw strings) -> Lead (normalized)
-> Decision (dedupe) -> applied to the store. All frozen; each validates itself.
"""
from __future__ import annotations

import hashlib
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, Mapping, TypeVar

_T = TypeVar("_T")

# needs_token: the channel's access token was refused (Graph code 190); the event waits, visible,
# and goes back to pending once the token is replaced (hub/channel_health.py).
EventStatus = Literal["pending", "processing", "done", "failed", "ignored", "needs_token"]
EVENT_STATUSES: tuple[EventStatus, ...] = (
    "pending", "processing", "done", "failed", "ignored", "needs_token"
)


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()  # the default of a field with a default factory, as dataclasses shows it


def quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass an `__init__` that stores its fields straight into the instance
    dict, instead of one `object.__setattr__` call per field (what `dataclass(frozen=True)`
    generates; ~2x the cost for the values built for every lead). Same signature, defaults,
    default factories and `__post_init__`; instances stay frozen, equal and hashable as before.
    """
    params, lines = [], ["_instance_dict = self.__dict__"]
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    for item in fields(cls):  # type: ignore[arg-type]
        if item.default is not MISSING:
            namespace[f"default_{item.name}"] = item.default
            params.append(f"{item.name}=default_{item.name}")
        elif item.default_factory is not MISSING:
            namespace[f"factory_{item.name}"] = item.default_factory
            params.append(f"{item.name}=_FACTORY")
            lines.append(f"if {item.name} is _FACTORY: {item.name} = factory_{item.name}()")
        else:
            params.append(item.name)
        lines.append(f"_instance_dict[{item.name!r}] = {item.name}")
    if hasattr(cls, "__post_init__"):
        lines.append("self.__post_init__()")
    body = "".join(f"\n    {line}" for line in lines)
    exec(f"def __init__(self, {', '.join(params)}):{body}", namespace)  # noqa: S102
    init = namespace["__init__"]
    annotations = {item.name: item.type for item in fields(cls)}  # type: ignore[arg-type]
    init.__annotations__ = {**annotations, "return": None}
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True)
class RawEvent:
    """One accepted webhook request, exactly as received."""

    id: int
    channel: str
    delivery_key: str
    route: str  # the path parameter that selected the receiver: form key, bot name, "" if none
    headers: Mapping[str, str]
    body: bytes
    received_at: datetime
    status: EventStatus = "pending"
    attempts: int = 0
    last_error: str | None = None

    def __post_init__(self) -> None:
        if self.status not in EVENT_STATUSES:
            raise ValueError(f"unknown event status {self.status!r}")
        _require_aware("received_at", self.received_at)


def is_utf8(text: str) -> bool:
    """False when the text holds half of a surrogate pair (JSON can escape one: "\\ud800")."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


ID_CHARS = 128  # an identity's scope or id as stored (a WhatsApp parent BSUID may reach 138: see stored_id)
REF_CHARS = 255  # a delivery key or a lead's source_ref as stored


def escaped(value: str) -> str:
    """Text as a text column can hold it, the same every time: a NUL, which PostgreSQL refuses and
    a JSON string can carry ("\\u0000"), and half of a surrogate pair ("\\ud83d": JavaScript cut an
    emoji in two), which no UTF-8 text holds, as their six-character escapes."""
    if "\x00" in value:
        value = value.replace("\x00", "\\u0000")
    if not value.isascii() and not is_utf8(value):
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def stored_id(value: str, limit: int) -> str:
    """An id as a text column of `limit` characters can hold it, the same every time (so a
    redelivery still finds its event, and a lead its stored twin): escaped(), and an id longer
    than the column as its start, "~" and 16 hex digits of its SHA-256, so two long ids that
    begin alike stay two (cutting them would make the second a "redelivery", lost)."""
    value = escaped(value)
    if len(value) > limit:
        digest = hashlib.sha256(value.encode()).hexdigest()[:16]
        value = f"{value[:limit - 17]}~{digest}"
    return value


@dataclass(frozen=True)
class Identity:
    """A channel-scoped user id: (channel, scope, external_id), e.g. ("zalo", oa_id, user_id)."""

    channel: str
    scope: str
    external_id: str

    def __post_init__(self) -> None:
        for name in ("channel", "scope", "external_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"Identity.{name} must be a non-empty string, got {value!r}")
            if ":" in value and name != "external_id":
                raise ValueError(f"Identity.{name} may not contain ':', got {value!r}")

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.scope}:{self.external_id}"


ConsentPurpose = Literal["marketing", "contact"]


@dataclass(frozen=True)
class Consent:
    """What the person agreed to, where the channel tells (Decree 13/2023/ND-CP art. 11).

    - "marketing": a form checkbox / field (`consent`, `dong_y`...) or Meta's custom disclaimer
      checkboxes; `given` False when the person left it unticked or answered no;
    - "contact": the person chose to send their details to the business (Zalo
      `user_submit_info` answers the OA's request for information).
    `source` names the channel and field; `detail` keeps the answers as received.
    """

    purpose: ConsentPurpose
    given: bool
    source: str
    detail: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.purpose not in ("marketing", "contact"):
            raise ValueError(f"unknown consent purpose {self.purpose!r}")
        if not self.source:
            raise ValueError("Consent.source must not be empty")


@dataclass(frozen=True)
class LeadDraft:
    """What a connector read from one capture, still as people typed it."""

    channel: str
    source_ref: str  # the channel's own id for this capture (leadgen_id, mid, submission id...)
    captured_at: datetime
    name: str | None = None
    given_name: str | None = None  # semantic parts, when the source splits the name
    family_name: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    province: str | None = None
    address: str | None = None
    text: str | None = None  # free text (a message, a note) to mine for phones and emails
    identity: Identity | None = None
    attribution: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    consent: Consent | None = None
    # Other ids the channel gave for the same sender in this capture (WhatsApp's business-scoped
    # user id beside the wa_id): the contact is known by them too. Only beside `identity`.
    linked_identities: tuple[Identity, ...] = ()

    def __post_init__(self) -> None:
        if self.linked_identities and self.identity is None:
            raise ValueError("LeadDraft.linked_identities need an identity")
        if not self.channel:
            raise ValueError("LeadDraft.channel must not be empty")
        if not self.source_ref:
            raise ValueError(f"LeadDraft.source_ref must not be empty (channel {self.channel!r})")
        _require_aware("captured_at", self.captured_at)


@quick_init
@dataclass(frozen=True)
class Phone:
    e164: str  # "+84912345678"
    raw: str  # the text it was read from
    old_e164: str | None = None  # the pre-2018 11-digit form when the number was converted
    line_type: str | None = None  # "mobile", "fixed_line", "voip", ... when known
    carrier: str | None = None  # "Viettel", ... when known

    def __post_init__(self) -> None:
        if not (self.e164.startswith("+") and self.e164[1:].isdigit()):
            raise ValueError(f"Phone.e164 must be E.164, got {self.e164!r}")


@quick_init
@dataclass(frozen=True)
class Phones:
    """Everything read from one phone field: the numbers, and what could not be parsed."""

    numbers: tuple[Phone, ...] = ()
    unparsed: tuple[str, ...] = ()


@quick_init
@dataclass(frozen=True)
class Email:
    address: str  # display value: local part as typed, domain lower-cased
    key: str  # canonical matching key (gmail dots / +tags removed, typo-corrected domain)
    raw: str
    flags: tuple[str, ...] = ()  # e.g. "domain_typo", "disposable"


@quick_init
@dataclass(frozen=True)
class PersonName:
    raw: str
    display: str  # repaired, NFC, family name first
    key: str  # accent-folded matching key
    family: str | None = None
    middle: str | None = None
    given: str | None = None
    salutation: str | None = None  # "chị", "anh", "Mr" ...
    is_personal: bool = True  # False for shop names, emoji, "Khách hàng", "User 123"
    western_order: bool = False  # True when the raw text put the given name first
    # True when it put the family name last ("Liên Thanh Nguyễn"): then the given name may be
    # the first word typed as well as the last before the family name (see hub.dedupe.names).
    # Stored with a contact's name (contacts.name_family_last), unlike the raw text.
    family_last: bool = False


ProvinceStatus = Literal["resolved", "ambiguous", "unknown"]


@quick_init
@dataclass(frozen=True)
class Province:
    raw: str
    code: str | None = None  # official code of the current (2025) provincial unit
    name: str | None = None
    status: ProvinceStatus = "unknown"

    def __post_init__(self) -> None:
        if (self.status == "resolved") != (self.code is not None):
            raise ValueError(f"Province {self.raw!r}: code must be set exactly when resolved")


@quick_init
@dataclass(frozen=True)
class Attribution:
    """Where a lead came from: channel ids, ad ids, UTM parameters."""

    channel: str
    values: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, str]:
        return {"channel": self.channel, **self.values}


@quick_init
@dataclass(frozen=True)
class Lead:
    channel: str
    source_ref: str
    captured_at: datetime
    attribution: Attribution
    name: PersonName | None = None
    phones: tuple[Phone, ...] = ()
    emails: tuple[Email, ...] = ()
    province: Province | None = None
    address: str | None = None
    text: str | None = None
    identity: Identity | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    unparsed: tuple[str, ...] = ()  # phone / email strings kept verbatim because they did not parse
    consent: Consent | None = None
    linked_identities: tuple[Identity, ...] = ()  # as LeadDraft.linked_identities

    @property
    def has_contact_data(self) -> bool:
        return bool(self.name or self.phones or self.emails or self.identity or self.unparsed)

    @property
    def identities(self) -> tuple[Identity, ...]:
        """The channel identity first, then the linked ones: every id the contact is known by."""
        return (self.identity, *self.linked_identities) if self.identity is not None else ()


DecisionAction = Literal["new", "merge", "suggest"]


@dataclass(frozen=True)
class Suggestion:
    """A known contact that may be the lead's person: for ops to review."""

    contact_id: str
    score: float
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """What dedupe concluded for one lead.

    - "new": a new contact; `suggestions` may still list contacts for review;
    - "merge": the lead belongs to `contact_id` (auto-merge, sure enough); each of `merged` is
      the same person too and is merged into `contact_id` with it (N-way);
    - "suggest": the lead gets a new contact, and each of `suggestions` goes to review.
    Every decision keeps its score, per-field evidence, thresholds and model version.
    """

    action: DecisionAction
    contact_id: str | None = None  # the contact to merge into ("merge")
    score: float = 0.0
    evidence: Mapping[str, Any] = field(default_factory=dict)
    suggestions: tuple[Suggestion, ...] = ()
    thresholds: Mapping[str, float] = field(default_factory=dict)
    model: str = "exact-keys-v1"
    merged: tuple[Suggestion, ...] = ()  # other contacts merged into contact_id, with their evidence

    def __post_init__(self) -> None:
        if self.action not in ("new", "merge", "suggest"):
            raise ValueError(f"unknown decision action {self.action!r}")
        if (self.action == "merge") != (self.contact_id is not None):
            raise ValueError(f"decision {self.action!r} with contact_id {self.contact_id!r}")
        if self.action == "suggest" and not self.suggestions:
            raise ValueError("decision 'suggest' without suggestions")
        if self.merged and self.action != "merge":
            raise ValueError(f"decision {self.action!r} merging other contacts")


@dataclass(frozen=True)
class Contact:
    """What dedupe knows about a known contact (a candidate for a lead)."""

    id: str
    created_at: datetime
    name: PersonName | None = None
    phones: frozenset[str] = frozenset()  # E.164
    emails: frozenset[str] = frozenset()  # canonical keys
    identities: frozenset[str] = frozenset()  # Identity.key
    province_code: str | None = None
