"""Log-in rate limiting in Redis, keyed by account and by client address (shared by all processes)."""

import ipaddress
import logging
from typing import Any

from litestar import Request

from contest.lib.errors import RateLimited
from contest.lib.settings import Settings

log = logging.getLogger(__name__)


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
    def __init__(self, redis: Any, settings: Settings) -> None:
        self.redis = redis
        self.window = settings.login_limit_window_seconds
        self.limits = {"acct": settings.login_limit_per_account, "addr": settings.login_limit_per_address}

    async def hit(self, email: str, address: str) -> None:
        """Count one attempt; raise RateLimited when either counter is over its limit.

        Without Redis the limiter lets the attempt through (and says so in the log) rather than
        locking everyone out of the contest at a deadline.
        """
        if self.redis is None:
            return
        keys = {"acct": f"rl:login:acct:{email}", "addr": f"rl:login:addr:{address}"}
        try:
            pipe = self.redis.pipeline(transaction=True)
            for key in keys.values():
                # Start the window on the first attempt only (EXPIRE NX needs Redis 7; this works on 6).
                pipe.set(key, 0, ex=self.window, nx=True)
                pipe.incr(key)
            counts = (await pipe.execute())[1::2]
        except Exception as exc:
            log.warning("login rate limit unavailable: %s", exc)
            return
        for (kind, _), count in zip(keys.items(), counts, strict=True):
            if count > self.limits[kind]:
                raise RateLimited("Too many sign-in attempts; wait a few minutes and try again.")

    async def reset_account(self, email: str) -> None:
        if self.redis is None:
            return
        try:
            await self.redis.delete(f"rl:login:acct:{email}")
        except Exception as exc:
            log.warning("login rate limit unavailable: %s", exc)
