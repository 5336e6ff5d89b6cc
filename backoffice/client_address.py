"""The one answer to "who is the client?": every rate limit, lockout and audit event asks here.

Behind a reverse proxy, REMOTE_ADDR is the proxy. X-Forwarded-For is believed only when the
connection comes from a proxy named in TRUSTED_PROXIES; then the client is the rightmost
address in the header that is not itself a trusted proxy (anything left of it could have been
written by the client).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _parse(address: str):
    address = address.strip()
    if address.startswith("[") and "]" in address:  # "[2001:db8::1]:443"
        address = address[1 : address.index("]")]
    elif address.count(":") == 1:  # "192.0.2.1:1234"
        address = address.split(":", 1)[0]
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def is_trusted_proxy(address) -> bool:
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The client's IP address as text ("" when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "")
    current = _parse(remote)
    if current is None:
        return remote.strip()
    if not is_trusted_proxy(current):
        return str(current)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Garbage in the header: the last proxy we trust is the best we know.
            return str(current)
        current = address
        if not is_trusted_proxy(address):
            return str(address)
    return str(current)
