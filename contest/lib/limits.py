"""Rate limits: fixed-window counters in Redis (shared by every process), keyed on canonical
identities, so that no spelling of an address or account counts apart from the others.

Without Redis, or when it fails, a limit lets the action through and says so in the log: locking
everyone out at a deadline would be worse than a few more attempts.
"""

import ipaddress
import logging
from typing import Any

log = logging.getLogger(__name__)


def canonical_client(address: str) -> str:
    """A client address as limits count it: IPv4 as is (an IPv4-mapped IPv6 address is its IPv4),
    IPv6 by its /64 network (one host is given a whole /64), anything else lower-cased."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip().lower()
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


async def count(redis: Any, limits: dict[str, int], window_seconds: int) -> list[str]:
    """Count one hit on each key of `limits` (key -> most hits per window); return the keys now over
    their limit. A key's window starts with its first hit."""
    if redis is None or not limits:
        return []
    try:
        pipe = redis.pipeline(transaction=True)
        for key in limits:
            # Start the window on the first hit only (EXPIRE NX needs Redis 7; this works on 6).
            pipe.set(key, 0, ex=window_seconds, nx=True)
            pipe.incr(key)
        counts = (await pipe.execute())[1::2]
    except Exception as exc:
        log.warning("rate limit unavailable: %s", exc)
        return []
    return [key for (key, limit), hits in zip(limits.items(), counts, strict=True) if int(hits) > limit]


async def forget(redis: Any, key: str) -> None:
    """Start `key`'s count afresh (a successful log-in clears the account's failures)."""
    if redis is None:
        return
    try:
        await redis.delete(key)
    except Exception as exc:
        log.warning("rate limit unavailable: %s", exc)
