"""Authentication and CSRF as one ASGI middleware.

A request is authenticated by the session cookie (browsers) or `Authorization: Bearer` (scripts).
Cookies are sent by browsers on their own, so every state-changing request that carries the session
cookie must also prove it came from our pages: the session's CSRF token in the `X-CSRF-Token`
header, in an urlencoded form's `_csrf` field, or (multipart forms) in the `_csrf` query parameter.
Bearer tokens are never sent implicitly, so they need no CSRF token. A visitor not signed in gets a
pre-session token (a cookie, repeated in the page's forms) that public forms must carry, so no other
site can post our log-in form (log-in CSRF). A request the browser marks as started by another site
(Sec-Fetch-Site) is refused outright.
"""

import hmac
import json
import re
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from litestar.datastructures import Cookie
from litestar.types import ASGIApp, Receive, Scope, Send

from contest.accounts import sessions
from contest.accounts.tokens import new_secret
from contest.lib.clock import Clock
from contest.lib.errors import Forbidden
from contest.lib.guards import access_of
from contest.lib.settings import Settings

SESSION_COOKIE = "session"
CSRF_HEADER = b"x-csrf-token"
CSRF_FIELD = "_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# The pre-session token of a visitor not signed in (see AuthMiddleware._anonymous).
ANONYMOUS_CSRF_COOKIE = "csrf"
_ANONYMOUS_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
# JSON API bodies cannot be posted cross-site without the browser asking first (they must say
# application/json), and static files take no posts: no pre-session token there.
UNFORMED_PREFIXES = ("/api/", "/static/")
# Sec-Fetch-Site values of a request another site (even a sibling subdomain) started.
CROSS_SITE = frozenset({"cross-site", "same-site"})
FORGED = "The form has expired or did not come from this site; reload and retry."
# Our largest form (contest settings with two personal-data notices of 20,000 characters, which
# URL-encoding grows ninefold for Chinese) fits well inside this.
MAX_FORM_BYTES = 512 * 1024


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def session_cookie_for(settings: Settings, value: str) -> Cookie:
    """The session cookie carrying `value`; an empty value deletes it."""
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=settings.session_days * 86400 if value else 0,
        httponly=True,
        samesite="lax",
        path="/",
        secure=settings.public_base_url.startswith("https://"),
    )


def _cookie(scope: Scope, name: str) -> str:
    cookie = SimpleCookie()
    try:
        cookie.load(_header(scope, b"cookie"))
    except Exception:
        return ""
    morsel = cookie.get(name)
    return morsel.value if morsel else ""


def session_cookie(scope: Scope) -> str:
    return _cookie(scope, SESSION_COOKIE)


def _anonymous_cookie(token: str, secure: bool) -> bytes:
    """For the browser's session only; scripts never read it (the page carries the token)."""
    return f"{ANONYMOUS_CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{'; Secure' if secure else ''}".encode()


def _public(scope: Any) -> bool:
    """Whether the matched route is open to anyone (others refuse a visitor not signed in anyway)."""
    handler = scope.get("route_handler")
    if handler is None:
        return True
    return access_of([g for layer in handler.ownership_layers for g in (layer.guards or [])]) == ["public"]


async def _send_error(send: Any, status: int, message: str) -> None:
    body = json.dumps({"status": status, "message": message, "fields": {}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AuthMiddleware:
    """Sets scope["principal"], scope["auth"] ("session", "token" or "") and scope["csrf_token"]."""

    def __init__(self, app: ASGIApp, settings: Settings, clock: Clock) -> None:
        self.app = app
        self.settings = settings
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self._http(scope, receive, send)

    async def _http(self, scope: Any, receive: Any, send: Any) -> None:
        scope["principal"] = None  # type: ignore[typeddict-unknown-key]
        scope["auth"] = ""  # type: ignore[typeddict-unknown-key]
        scope["csrf_token"] = ""  # type: ignore[typeddict-unknown-key]
        unsafe = scope["method"] not in SAFE_METHODS
        authorization = _header(scope, b"authorization")
        if authorization.lower().startswith("bearer "):
            principal = await sessions.resolve_api_token(self.clock, authorization[7:].strip())
            if principal is None:
                await _send_error(send, 401, "The API token is invalid or revoked.")
                return
            scope["principal"], scope["auth"] = principal, "token"  # type: ignore[typeddict-unknown-key]
            await self.app(scope, receive, send)
            return
        if unsafe and _header(scope, b"sec-fetch-site") in CROSS_SITE:
            # The browser itself says another site sent this: no form of ours, signed in or not.
            raise Forbidden(FORGED)
        secret = session_cookie(scope)
        resolved = await sessions.resolve_session(self.clock, secret, self.settings.session_days) if secret else None
        if resolved is not None:
            principal, csrf = resolved
            scope["principal"], scope["auth"], scope["csrf_token"] = principal, "session", csrf  # type: ignore[typeddict-unknown-key]
        if secret and unsafe:
            # Any request carrying a session cookie (live or stale) must prove it came from our pages.
            receive, presented = await self._presented_token(scope, receive)
            expected = resolved[1] if resolved else ""
            if (not expected or not hmac.compare_digest(presented, expected)) and resolved is not None:
                raise Forbidden(FORGED)
            # A stale cookie: treat as signed out rather than as forgery.
        if resolved is None and not scope["path"].startswith(UNFORMED_PREFIXES):
            await self._anonymous(scope, receive, send, unsafe)
            return
        await self.app(scope, receive, send)

    async def _anonymous(self, scope: Any, receive: Any, send: Any, unsafe: bool) -> None:
        """Someone not signed in, on a page. Its forms carry a pre-session token that must match a
        cookie of ours (double submit): without it, another site could post our log-in form with its
        own credentials and have the visitor work, unknowingly, in the other site's account."""
        cookie = _cookie(scope, ANONYMOUS_CSRF_COOKIE)
        known = bool(_ANONYMOUS_TOKEN.fullmatch(cookie))
        token = cookie if known else new_secret()
        scope["csrf_token"] = token  # type: ignore[typeddict-unknown-key]
        if unsafe and _public(scope):
            receive, presented = await self._presented_token(scope, receive)
            if not known or not hmac.compare_digest(presented, token):
                raise Forbidden(FORGED)
        if known:
            await self.app(scope, receive, send)
            return
        set_cookie = _anonymous_cookie(token, secure=self.settings.public_base_url.startswith("https://"))

        async def send_with_cookie(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", set_cookie)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _presented_token(self, scope: Any, receive: Any) -> tuple[Any, str]:
        header = _header(scope, CSRF_HEADER)
        if header:
            return receive, header
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if CSRF_FIELD in query:
            return receive, query[CSRF_FIELD][0]
        if not _header(scope, b"content-type").startswith("application/x-www-form-urlencoded"):
            return receive, ""
        # Read the (small) form body, then replay it to the app unchanged.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message: dict[str, Any] = await receive()
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > MAX_FORM_BYTES:
                return receive, ""  # not one of our forms
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        values = parse_qs(body.decode("utf-8", "replace"))
        return replay, values.get(CSRF_FIELD, [""])[0]


def auth_middleware_factory(settings: Settings, clock: Clock) -> Any:
    def factory(app: ASGIApp) -> ASGIApp:
        return AuthMiddleware(app, settings, clock)

    return factory
