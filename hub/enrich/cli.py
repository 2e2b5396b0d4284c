"""`hub zalo set-token`: give the hub an OA's OAuth v4 refresh token (and access token)."""
from __future__ import annotations

import click

from hub.config import ConfigError, load_settings


@click.group("zalo")
def zalo_group() -> None:
    """Zalo Official Accounts."""


@zalo_group.command("set-token")
@click.option("--oa", "oa_id", required=True, help="The OA id (a [zalo.oas.<id>] section).")
@click.option("--refresh-token", required=True, help="A refresh token not yet used.")
@click.option("--access-token", default="", help="Its access token, if you have one.")
def set_token(oa_id: str, refresh_token: str, access_token: str) -> None:
    """Store the OA's token pair; profile fetches waiting for a token resume."""
    from hub.enrich import jobs, zalo_tokens
    from hub.runtime import Hub

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from None
    if oa_id not in settings.zalo.oas:
        raise click.ClickException(f"OA {oa_id!r} is not configured (add a [zalo.oas.{oa_id}] section)")
    if not refresh_token.strip():
        raise click.ClickException("--refresh-token must not be empty")
    hub = Hub(settings)
    try:
        zalo_tokens.set_token(hub.store, oa_id, refresh_token.strip(), access_token.strip())
        released = jobs.release_replaced(hub)
    finally:
        hub.store.dispose()
    click.echo(f"token stored for OA {oa_id}; {released} waiting profile fetches resume")
