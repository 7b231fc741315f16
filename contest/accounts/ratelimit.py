"""Log-in rate limiting in Redis, keyed by account and by client address (shared by all processes)."""

import ipaddress
from typing import Any

from litestar import Request

from contest.lib.errors import RateLimited
from contest.lib.limits import canonical_client, forget
from contest.lib.limits import count as limits_count
from contest.lib.settings import Settings


def client_address(scope_client: tuple[str, int] | None, forwarded_for: str, trusted: tuple[str, ...]) -> str:
    """The caller's address. X-Forwarded-For is believed only when the peer is a trusted proxy,
    and then only up to the first address (from the right) that is not itself a trusted proxy."""
    peer = scope_client[0] if scope_client else "unknown"
    if peer not in trusted or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return peer


def request_address(request: Request[Any, Any, Any], settings: Settings) -> str:
    """The address a request comes from, for per-address limits."""
    return client_address(
        request.scope.get("client"), request.headers.get("x-forwarded-for", ""), settings.trusted_proxy_list
    )


class LoginLimiter:
    """Log-in attempts per account (by its canonical address) and per client (by its canonical
    address: an IPv6 host counts by its /64)."""

    def __init__(self, redis: Any, settings: Settings) -> None:
        self.redis = redis
        self.window = settings.login_limit_window_seconds
        self.per_account = settings.login_limit_per_account
        self.per_address = settings.login_limit_per_address

    async def hit(self, email: str, address: str) -> None:
        """Count one attempt; raise RateLimited when either counter is over its limit."""
        limits = {
            f"rl:login:acct:{email}": self.per_account,
            f"rl:login:addr:{canonical_client(address)}": self.per_address,
        }
        if await limits_count(self.redis, limits, self.window):
            raise RateLimited("Too many sign-in attempts; wait a few minutes and try again.")

    async def reset_account(self, email: str) -> None:
        await forget(self.redis, f"rl:login:acct:{email}")
