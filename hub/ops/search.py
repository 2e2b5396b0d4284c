"""Find contacts by name (accents optional), phone in any spelling, email or channel id.

Results are survivors: a match on a merged-away contact shows the contact it lives in now.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from hub.normalize import fold
from hub.normalize.email import normalize_email
from hub.normalize.phone import normalize_phone
from hub.store.contacts import roots_of
from hub.store.schema import ContactPointRow, ContactRow

LIMIT = 50
_DIGITS = re.compile(r"\d")
_LIKE_SPECIAL = re.compile(r"([\\%_])")


@dataclass(frozen=True)
class Result:
    kind: str  # "name", "phone", "email", "identity"
    contacts: list[ContactRow]


def search(session: Session, query: str) -> Result:
    """Contacts for a query; the kind says how it was read."""
    text = query.strip()[:200]
    if not text:
        return Result("name", [])
    if "@" in text:
        email = normalize_email(text)
        values = [email.key] if email else [text.lower()]
        return Result("email", _by_points(session, "email", values))
    digits = len(_DIGITS.findall(text))
    if digits >= 8 and not re.search(r"[^\W\d_]", text):
        phones = [p.e164 for p in normalize_phone(text).numbers]
        found = _by_points(session, "phone", phones) if phones else []
        if found:
            return Result("phone", found)
        by_id = _by_identity(session, text)
        return Result("identity", by_id) if by_id else Result("phone", [])
    if ":" in text or (digits and " " not in text):
        found = _by_identity(session, text)
        if found:
            return Result("identity", found)
    return Result("name", _by_name(session, text))


def _by_points(session: Session, kind: str, values: list[str]) -> list[ContactRow]:
    ids = session.execute(select(ContactPointRow.contact_id).where(
        ContactPointRow.kind == kind, ContactPointRow.value.in_(values)).limit(LIMIT * 4)).scalars()
    return _survivors(session, list(ids))


def _by_identity(session: Session, text: str) -> list[ContactRow]:
    """An identity is stored as "channel:scope:id"; the id alone or any full or partial key matches."""
    needle = _like(text.strip())
    ids = session.execute(select(ContactPointRow.contact_id).where(
        ContactPointRow.kind == "identity",
        or_(ContactPointRow.value == text.strip(), ContactPointRow.value.like(f"%:{needle}", escape="\\")),
    ).limit(LIMIT * 4)).scalars()
    return _survivors(session, list(ids))


def _by_name(session: Session, text: str) -> list[ContactRow]:
    """Every folded word of the query appears in the folded name, in any order."""
    words = fold(text).split()
    if not words:
        return []
    query = select(ContactRow.id).where(and_(*(ContactRow.name_key.like(f"%{_like(w)}%", escape="\\")
                                                for w in words)))
    return _survivors(session, list(session.execute(query.order_by(ContactRow.updated_at.desc())
                                                          .limit(LIMIT * 4)).scalars()))


def _survivors(session: Session, ids: list[str]) -> list[ContactRow]:
    roots = roots_of(session, ids)
    ordered = list(dict.fromkeys(roots[i] for i in ids if i in roots))[:LIMIT]
    rows = {c.id: c for c in session.execute(select(ContactRow).where(ContactRow.id.in_(ordered))).scalars()}
    return [rows[i] for i in ordered if i in rows]


def _like(text: str) -> str:
    return _LIKE_SPECIAL.sub(r"\\\1", text)
