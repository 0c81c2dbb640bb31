"""Where a webhook may be posted: http or https, no credentials in the URL, and in production
only public addresses, resolved at delivery and pinned for the connection (so a name that
resolves elsewhere between the check and the connection cannot move the request)."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from ledger.webhooks.errors import InvalidTarget

MAX_URL = 2048
# in production: the web's ports, and unprivileged ones (never 22, 25, 5432 ...)
WEB_PORTS = frozenset({80, 443})
Resolver = Callable[[str, int], list[str]]

# What a webhook URL may be, as the document states it and the parser enforces it: ASCII without
# spaces or controls (a name in another script written in punycode, other characters
# percent-encoded), http or https in either case, a host (a name of the characters RFC 3986
# allows in one, or an IPv6 address in brackets), a port from 1 to 65535, then a path or query
# without a fragment. No credentials: a host cannot hold `@`.
_H16 = "[0-9A-Fa-f]{1,4}"
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_LS32 = rf"(?:{_H16}:{_H16}|{_OCTET}(?:\.{_OCTET}){{3}})"
_IPV6_FORMS = [  # RFC 3986's IPv6address, form by form
    rf"(?:{_H16}:){{6}}{_LS32}",
    rf"::(?:{_H16}:){{5}}{_LS32}",
    rf"(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}",
    rf"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}",
    rf"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}",
    rf"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}",
    rf"(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}",
    rf"(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}",
    rf"(?:(?:{_H16}:){{0,6}}{_H16})?::",
]
_IPV6 = "(?:" + "|".join(_IPV6_FORMS) + ")"
_PORT = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://(?:[-A-Za-z0-9._~!$&'()*+,;=%]+|\[{_IPV6}\])(?::{_PORT})?"
    r'(?:[/?][!"$-~]*)?$'  # any printable ASCII but `#`
)
_URL = re.compile(URL_PATTERN)
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now (the system's resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InvalidTarget(host, f"the name does not resolve ({exc})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Target:
    """A checked URL: its parts as posted."""

    url: str
    scheme: str
    host: str  # the name (or address literal) as in the URL, lower case, no brackets
    port: int


@dataclass(frozen=True)
class PinnedTarget:
    """Where to connect: the URL with the checked address in place of the name, and the name
    for the Host header and for TLS (SNI and certificate verification)."""

    url: str
    host_header: str
    server_name: str | None  # https only


def check_new_target(url: str, *, production: bool) -> Target:
    """`url` if a new subscription may name it: the rules of check_target, and exactly the
    spelling the document states (URL_PATTERN): ASCII, a port from 1 to 65535, a host of a name
    or an IPv6 address."""
    if not url or len(url) > MAX_URL:
        raise InvalidTarget(url, f"a URL is 1 to {MAX_URL} characters")
    if not all("!" <= c <= "~" for c in url):
        raise InvalidTarget(url, "a URL is ASCII without spaces or control characters (a name in another script "
                                 "in punycode, xn--...; any other character percent-encoded)")  # fmt: skip
    target = check_target(url, production=production)
    if not _URL.fullmatch(url):
        raise InvalidTarget(url, "not an http(s) URL of a host name or IP address and port 1 to 65535 "
                                 "(the pattern of /openapi.json)")  # fmt: skip
    return target


def check_target(url: str, *, production: bool) -> Target:
    """`url` if sanzhi may post to it (address literals checked now, names at delivery). Also
    checked at each delivery, so it accepts every URL a subscription made before URL_PATTERN
    was stated may hold (printable text without spaces)."""
    text = url.strip()
    if not text or len(text) > MAX_URL or not text.isprintable() or " " in text:
        raise InvalidTarget(url, f"a URL is 1 to {MAX_URL} printable characters without spaces")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidTarget(url, f"not a URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidTarget(url, "only http and https URLs are posted to")
    if parts.username is not None or parts.password is not None:
        raise InvalidTarget(url, "credentials in the URL are refused (they would be stored and logged as the URL)")
    if parts.fragment:
        raise InvalidTarget(url, "a URL with a fragment (#...) is refused: it is never sent")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidTarget(url, "the URL names no host")
    port = port if port is not None else (443 if scheme == "https" else 80)
    if port == 0:
        raise InvalidTarget(url, "port 0 is not a port")
    if production:
        if port < 1024 and port not in WEB_PORTS:
            raise InvalidTarget(url, f"port {port} is refused (80, 443 or 1024 and above)")
        literal = _literal(host)
        if literal is not None:
            _check_address(url, literal)
        elif host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise InvalidTarget(url, f"{host} names this machine or the local network")
    return Target(url=text, scheme=scheme, host=host, port=port)


def pin(target: Target, *, production: bool, resolver: Resolver = system_resolver) -> PinnedTarget:
    """Resolve the target's name once and connect to what was checked: in production every
    address the name has must be public (one private address is enough to refuse)."""
    literal = _literal(target.host)
    if literal is not None:
        addresses = [literal]
    else:
        found = resolver(target.host, target.port)
        if not found:
            raise InvalidTarget(target.url, f"{target.host} resolves to no address")
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]
    if production:
        for address in addresses:
            _check_address(target.url, address)
    chosen = addresses[0]
    netloc_host = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    parts = urlsplit(target.url)
    default = 443 if target.scheme == "https" else 80
    shown_host = f"[{target.host}]" if ":" in target.host else target.host
    host_header = shown_host if target.port == default else f"{shown_host}:{target.port}"
    url = urlunsplit((target.scheme, f"{netloc_host}:{target.port}", parts.path or "/", parts.query, ""))
    return PinnedTarget(url=url, host_header=host_header, server_name=target.host if target.scheme == "https" else None)


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _check_address(url: str, address: IpAddress) -> None:
    mapped = getattr(address, "ipv4_mapped", None)
    checked = mapped or address
    # not global: loopback, private, link-local, shared, reserved, unspecified (ipaddress's
    # registry of special-purpose blocks); some multicast blocks count as global
    if checked.is_multicast or not checked.is_global:
        raise InvalidTarget(url, f"{address} is not a public address (refused in production)")
