"""Login rate limiting, counted in the database so every process (and every worker) agrees."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select

from hub.config import OpsSettings
from hub.store import Store
from hub.store.schema import LoginFailureRow


def blocked(store: Store, settings: OpsSettings, username: str, ip: str) -> bool:
    """True when this username or this address failed too often within the window."""
    since = datetime.now(timezone.utc) - timedelta(minutes=settings.login_window_minutes)
    with store.sessions() as session:
        by_user = session.execute(select(func.count()).select_from(LoginFailureRow).where(
            LoginFailureRow.username == username, LoginFailureRow.at >= since)).scalar_one()
        by_ip = session.execute(select(func.count()).select_from(LoginFailureRow).where(
            LoginFailureRow.ip == ip, LoginFailureRow.at >= since)).scalar_one()
    return by_user >= settings.login_max_failures or by_ip >= settings.login_max_failures_per_ip


def failed(store: Store, settings: OpsSettings, username: str, ip: str) -> None:
    """Record a failure; failures older than the window are dropped on the way."""
    now = datetime.now(timezone.utc)
    with store.transaction() as session:
        session.execute(delete(LoginFailureRow).where(
            LoginFailureRow.at < now - timedelta(minutes=settings.login_window_minutes)))
        session.add(LoginFailureRow(username=username[:64], ip=ip[:64], at=now))


def succeeded(store: Store, username: str) -> None:
    """A correct password clears the username's failures (not the address's)."""
    with store.transaction() as session:
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.username == username))
