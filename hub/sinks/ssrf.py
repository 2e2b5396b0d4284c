"""SSRF guard: a webhook URL may only reach public addresses (http or https).

Checked when a subscription is created and again before every attempt, because what a name
resolves to can change; then, at delivery, on the socket itself (`GuardedAdapter`): the address
a connection actually reached is checked before a byte is sent, so a name that resolves to a
public address for the check and to a private one a moment later (DNS rebinding) is refused
too. Redirects are never followed (see hub.http.post_webhook), so a public endpoint cannot
bounce a delivery to an internal one. Guarded deliveries ignore the environment's proxies
(HTTP(S)_PROXY): through a proxy the address reached is the proxy's, and what it connects to
could not be checked.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class UnsafeUrl(ValueError):
    """The URL is malformed, not http(s), or reaches a private/loopback/reserved address."""


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeUrl unless `url` is http(s) and every address it resolves to is public.

    With allow_private only the shape is checked (for receivers on the same network).
    """
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl(f"URL không hợp lệ / malformed URL {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl(f"chỉ nhận URL http:// hoặc https:// / only http(s) URLs with a host, got {url!r}")
    if parts.username or parts.password:
        raise UnsafeUrl("URL không được chứa mật khẩu / credentials in the URL are not allowed")
    if allow_private:
        return
    for address in _addresses(parts.hostname, port):
        if not _public(address):
            raise UnsafeUrl(f"{parts.hostname} trỏ tới địa chỉ nội bộ {address} / resolves to a non-public "
                            f"address {address} (set allow_private to permit it)")


def _addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError) as exc:
        raise UnsafeUrl(f"không phân giải được / cannot resolve {host!r}: {exc}") from None
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local
                                 or ip.is_private or ip.is_unspecified)


def _checked(sock: socket.socket, host: str) -> socket.socket:
    """The connected socket, if the address it reached is public; closed and refused otherwise."""
    address = str(sock.getpeername()[0]).split("%", 1)[0]
    if not _public(address):
        sock.close()
        raise UnsafeUrl(f"{host} trỏ tới địa chỉ nội bộ {address} lúc kết nối / reached the non-public "
                        f"address {address} when connecting (set allow_private to permit it)")
    return sock


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _checked(super()._new_conn(), self.host)


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _checked(super()._new_conn(), self.host)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests transport whose every new connection must reach a public address
    (UnsafeUrl otherwise, raised before anything is sent)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
