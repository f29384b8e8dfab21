"""Which address a visitor comes from, behind a reverse proxy too: the address the app counts
sign-ins and enquiries by (matcher.workspace.throttle).

Behind a proxy every connection comes from the proxy, so its address says nothing; the proxy
writes the visitor's into X-Forwarded-For and X-Real-IP. Anyone can write those headers, so
they are believed only from the proxies named in $MATCHER_TRUSTED_PROXIES (addresses or
networks, comma-separated: "127.0.0.1, ::1" when nginx runs on the same machine); from any
other peer, or without the setting, the connection's own address counts.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence

from matcher.errors import UsageError
from matcher.i18n import say

TRUSTED_PROXIES_VAR = "MATCHER_TRUSTED_PROXIES"
LOOPBACK = "127.0.0.1"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(setting: str | None = None) -> tuple[Network, ...]:
    """The proxies whose forwarded addresses are believed ($MATCHER_TRUSTED_PROXIES)."""
    text = os.environ.get(TRUSTED_PROXIES_VAR, "") if setting is None else setting
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise UsageError(
                say("trusted_proxy_invalid", variable=TRUSTED_PROXIES_VAR, value=item[:60])
            ) from None
    return tuple(networks)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    ip = _ip(address)
    return ip is not None and any(ip in network for network in proxies)


def visitor_address(
    peer: str | None,
    forwarded_for: Sequence[str],
    real_ip: str | None,
    proxies: Sequence[Network],
) -> str | None:
    """The visitor's address: `peer` (the connection's; None for this machine, as Streamlit
    reports it) unless it is a trusted proxy; then the last address in X-Forwarded-For
    (`forwarded_for`, every such header in order) that is not itself a trusted proxy, else
    X-Real-IP. None when nothing better than this machine is known."""
    if not _trusted(peer or LOOPBACK, proxies):
        return peer
    chain = [part.strip() for header in forwarded_for for part in header.split(",")]
    # Read from the right: each proxy appends the address it saw, and only the entries our
    # own proxies appended can be believed; anything further left the visitor could write.
    for entry in reversed(chain):
        ip = _ip(entry)
        if ip is None:
            break
        if not _trusted(entry, proxies):
            return str(ip)
    if not chain and real_ip:
        ip = _ip(real_ip)
        if ip is not None and not _trusted(real_ip, proxies):
            return str(ip)
    return peer
