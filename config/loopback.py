"""Plain HTTP on loopback for the production settings: a development switch that cannot
weaken a real deployment, because it is refused unless every allowed host is a loopback name."""

from __future__ import annotations

import ipaddress

from django.core.exceptions import ImproperlyConfigured

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (bracketed or not); False for a wildcard."""
    name = host.strip().lower().removeprefix("[").removesuffix("]")
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def require_loopback_hosts(allowed_hosts: list[str]) -> None:
    """Refuse DJANGO_INSECURE_LOOPBACK_HTTP unless the site answers on loopback names only."""
    others = [host for host in allowed_hosts if not is_loopback_host(host)]
    if others or not allowed_hosts:
        raise ImproperlyConfigured(
            "DJANGO_INSECURE_LOOPBACK_HTTP=1 is accepted only when every DJANGO_ALLOWED_HOSTS "
            f"entry is a loopback name (localhost, 127.0.0.1, [::1]); not loopback: {others}"
        )
