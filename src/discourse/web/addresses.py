"""Which URLs may be fetched: http and https only, and (unless allowed) no private, loopback, link-local or
otherwise non-public address.

The host is resolved and *every* address it resolves to is checked, so a name with one public and one private
address is refused. The client also connects only to an address checked here (see
:class:`discourse.web.client.GuardedBackend`), so a name that resolves differently a moment later (DNS
rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse

from ..errors import FetchError

__all__ = ["check_url", "check_address", "resolve"]

SCHEMES = ("http", "https")


def check_url(url: str, where: str | None = None) -> urllib.parse.SplitResult:
    """Parse ``url`` and refuse anything but an absolute http(s) URL with a host (D800)."""
    label = where or url
    try:
        parts = urllib.parse.urlsplit(str(url).strip())
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise FetchError("D800", f"{label}: malformed URL {url!r} ({exc})",
                         hint="give an absolute http:// or https:// address") from None
    if parts.scheme.lower() not in SCHEMES:
        raise FetchError("D800", f"{label}: scheme {parts.scheme or '(none)'!r} refused in {url!r}; only http and "
                         "https are fetched", hint="give an absolute http:// or https:// address")
    if not parts.hostname:
        raise FetchError("D800", f"{label}: no host in URL {url!r}", hint="give an absolute http:// or https:// address")
    return parts


def _forbidden(ip: ipaddress._BaseAddress) -> str | None:
    for attr, what in (("is_unspecified", "unspecified"), ("is_loopback", "loopback"),
                       ("is_link_local", "link-local"), ("is_multicast", "multicast"), ("is_private", "private"),
                       ("is_reserved", "reserved")):
        if getattr(ip, attr):
            return what
    if not ip.is_global:
        return "non-public"
    return None


def check_address(host: str, address: str, allow_private: bool) -> None:
    """Refuse (D801) one resolved ``address`` of ``host`` that is not public, unless ``allow_private``."""
    if allow_private:
        return
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    what = _forbidden(ip)
    if what:
        raise FetchError("D801", f"{host} resolves to {what} address {ip}; refused",
                         hint="discourse fetches public web sites only; allow_private=True is "
                         "for local test servers and intranets you trust")


def resolve(host: str, port: int, allow_private: bool) -> list[tuple]:
    """``getaddrinfo`` results for ``host:port`` after checking every address (D801), or D802 when it fails."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError("D802", f"{host}: cannot resolve the host name ({exc})",
                         hint="check the address and the network connection") from None
    if not infos:
        raise FetchError("D802", f"{host}: the host name resolves to no address", hint="check the address")
    for info in infos:
        check_address(host, info[4][0], allow_private)
    return infos
