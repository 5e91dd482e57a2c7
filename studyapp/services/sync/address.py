"""Which sync addresses are safe: https anywhere; plain http only to this computer or a private network, and
only once the student has read the warning and confirmed."""

from __future__ import annotations

import ipaddress
import urllib.parse

_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


class AddressProblem(str):
    """What is wrong with a sync address, one line. ``confirmable``: plain http to a loopback or private-network
    address, which the student may accept after reading the line; otherwise the address cannot be used."""

    confirmable: bool

    def __new__(cls, text: str, *, confirmable: bool) -> AddressProblem:
        problem = super().__new__(cls, text)
        problem.confirmable = confirmable
        return problem


def address_problem(endpoint: str) -> AddressProblem | None:
    """None for an https address. Plain http to this computer or a private network (10/8, 172.16/12,
    192.168/16, fc00::/7, a .local name): a warning to confirm. Anything else: refused (see .confirmable)."""
    parts = urllib.parse.urlsplit(endpoint.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return AddressProblem(
            f"{endpoint!r} is not a sync server address: write it as https://host/ (or http://host:port/)",
            confirmable=False,
        )
    if parts.scheme == "https":
        return None
    where = _local_kind(host)
    if where is None:
        return AddressProblem(
            f"{host} needs https://: over plain http the password and every card travel readable by anyone "
            "on the way (http is allowed only for this computer and a private network)",
            confirmable=False,
        )
    return AddressProblem(
        f"{host} is {where} and the address is plain http: the sign-in and your cards travel unencrypted "
        "there; use it only on a network you trust",
        confirmable=True,
    )


def _local_kind(host: str) -> str | None:
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return "this computer"
    if name.endswith(".local"):
        return "a name on the local network"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "this computer"
    if any(address in net for net in _PRIVATE_NETWORKS if net.version == address.version):
        return "a private-network address"
    return None
