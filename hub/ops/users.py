"""Ops console accounts: roles, hashed passwords (werkzeug's scrypt), enable / disable.

Every change that must end the user's current sessions (role, disable, password) bumps
`session_epoch`; a session is valid only while its epoch matches the row's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from hub.store import Store
from hub.store.schema import UserRow

ROLES = ("admin", "ops", "viewer")
RANK = {"viewer": 0, "ops": 1, "admin": 2}
MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
# Checked against when the username is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class UserError(ValueError):
    """An account could not be created or changed as asked; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    active: bool
    session_epoch: int

    def can(self, role: str) -> bool:
        """True when this user's role is `role` or above (viewer < ops < admin)."""
        return RANK[self.role] >= RANK[role]


def _user(row: UserRow) -> User:
    return User(row.id, row.username, row.role, row.active, row.session_epoch)


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise UserError(f"username {username!r}: 2-64 characters, letters a-z, digits, '.', '_' or '-'")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


def add(store: Store, username: str, password: str, role: str) -> User:
    """Create an active account. Raises UserError on a bad name, role, password or a duplicate."""
    name, role = check_username(username), check_role(role)
    row = UserRow(username=name, password_hash=generate_password_hash(check_password(password)), role=role,
                  active=True, session_epoch=1, created_at=datetime.now(timezone.utc))
    try:
        with store.transaction() as session:
            session.add(row)
            session.flush()
            return _user(row)
    except IntegrityError:
        raise UserError(f"user {name!r} already exists") from None


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The active user with this name and password, or None. Records the login time."""
    with store.transaction() as session:
        row = session.execute(select(UserRow).where(UserRow.username == username.strip().lower())).scalar_one_or_none()
        if row is None:
            check_password_hash(_DUMMY_HASH, password)
            return None
        if not check_password_hash(row.password_hash, password) or not row.active:
            return None
        row.last_login_at = datetime.now(timezone.utc)
        return _user(row)


def get(store: Store, user_id: int) -> User | None:
    with store.sessions() as session:
        row = session.get(UserRow, user_id)
        return None if row is None else _user(row)


def listing(store: Store) -> list[dict[str, Any]]:
    with store.sessions() as session:
        return [
            {"id": r.id, "username": r.username, "role": r.role, "active": r.active,
             "created_at": r.created_at, "last_login_at": r.last_login_at}
            for r in session.execute(select(UserRow).order_by(UserRow.username)).scalars()
        ]


def set_role(store: Store, username: str, role: str) -> User:
    """Change the role; the user's sessions end. Raises UserError."""
    check_role(role)
    return _change(store, username, role=role)


def set_active(store: Store, username: str, active: bool) -> User:
    """Disable (sessions end at once) or re-enable an account. Raises UserError."""
    return _change(store, username, active=active)


def set_password(store: Store, username: str, password: str) -> User:
    return _change(store, username, password_hash=generate_password_hash(check_password(password)))


def _change(store: Store, username: str, **values: object) -> User:
    with store.transaction() as session:
        row = session.execute(select(UserRow).where(UserRow.username == username.strip().lower())).scalar_one_or_none()
        if row is None:
            raise UserError(f"no user {username!r}")
        if row.role == "admin" and row.active and (values.get("role", "admin") != "admin" or values.get("active") is False):
            _keep_an_admin(session, row.id)
        for key, value in values.items():
            setattr(row, key, value)
        row.session_epoch += 1
        return _user(row)


def _keep_an_admin(session: object, user_id: int) -> None:
    others = session.execute(  # type: ignore[attr-defined]
        select(UserRow.id).where(UserRow.role == "admin", UserRow.active.is_(True), UserRow.id != user_id)
    ).first()
    if others is None:
        raise UserError("this is the last active admin: make another admin first")
