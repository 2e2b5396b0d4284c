"""`hub users add|list|disable|enable|set-role|set-password`: ops console accounts."""
from __future__ import annotations

import sys

import click

from hub.ops import users


def _store():  # type: ignore[no-untyped-def]
    from hub.cli import _settings
    from hub.runtime import Hub

    return Hub(_settings()).store


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users")
def users_group() -> None:
    """Accounts for the ops console (/ops/): admin, ops or viewer."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(users.ROLES), default="ops", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def add(username: str, role: str, password_stdin: bool) -> None:
    """Create an account (the password is asked twice unless --password-stdin)."""
    try:
        user = users.add(_store(), username, _password(password_stdin), role)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"user {user.username} added with role {user.role}")


@users_group.command("list")
def list_users() -> None:
    """Every account: name, role, state, last sign-in."""
    for row in users.listing(_store()):
        state = "active" if row["active"] else "disabled"
        last = row["last_login_at"].isoformat() if row["last_login_at"] else "never"
        click.echo(f"{row['username']}\t{row['role']}\t{state}\tlast login {last}")


@users_group.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable an account; its sessions end at once."""
    _change(lambda store: users.set_active(store, username, False), f"user {username} disabled")


@users_group.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    _change(lambda store: users.set_active(store, username, True), f"user {username} enabled")


@users_group.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(users.ROLES))
def set_role(username: str, role: str) -> None:
    """Change an account's role; its sessions end."""
    _change(lambda store: users.set_role(store, username, role), f"user {username} is now {role}")


@users_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def set_password(username: str, password_stdin: bool) -> None:
    """Set a new password; the account's sessions end."""
    password = _password(password_stdin)
    _change(lambda store: users.set_password(store, username, password), f"password of {username} changed")


def _change(action, message: str) -> None:  # type: ignore[no-untyped-def]
    try:
        action(_store())
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(message)
