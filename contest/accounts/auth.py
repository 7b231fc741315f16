"""Authentication and CSRF as one ASGI middleware.

A request is authenticated by the session cookie (browsers) or `Authorization: Bearer` (scripts).
Cookies are sent by browsers on their own, so every state-changing request that carries the session
cookie must also prove it came from our pages: the session's CSRF token in the `X-CSRF-Token`
header, in an urlencoded form's `_csrf` field, or (multipart forms) in the `_csrf` query parameter.
Bearer tokens are never sent implicitly, so they need no CSRF token.
"""

import hmac
import json
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from litestar.datastructures import Cookie
from litestar.types import ASGIApp, Receive, Scope, Send

from contest.accounts import sessions
from contest.lib.clock import Clock
from contest.lib.settings import Settings

SESSION_COOKIE = "session"
CSRF_HEADER = b"x-csrf-token"
CSRF_FIELD = "_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
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


def session_cookie(scope: Scope) -> str:
    cookie = SimpleCookie()
    try:
        cookie.load(_header(scope, b"cookie"))
    except Exception:
        return ""
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel else ""


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
        authorization = _header(scope, b"authorization")
        if authorization.lower().startswith("bearer "):
            principal = await sessions.resolve_api_token(self.clock, authorization[7:].strip())
            if principal is None:
                await _send_error(send, 401, "The API token is invalid or revoked.")
                return
            scope["principal"], scope["auth"] = principal, "token"  # type: ignore[typeddict-unknown-key]
            await self.app(scope, receive, send)
            return
        secret = session_cookie(scope)
        resolved = await sessions.resolve_session(self.clock, secret, self.settings.session_days) if secret else None
        if resolved is not None:
            principal, csrf = resolved
            scope["principal"], scope["auth"], scope["csrf_token"] = principal, "session", csrf  # type: ignore[typeddict-unknown-key]
        if secret and scope["method"] not in SAFE_METHODS:
            # Any request carrying a session cookie (live or stale) must prove it came from our pages.
            receive, presented = await self._presented_token(scope, receive)
            expected = resolved[1] if resolved else ""
            if not expected or not hmac.compare_digest(presented, expected):
                if resolved is None:
                    # A stale cookie: treat as signed out rather than as forgery.
                    await self.app(scope, receive, send)
                    return
                await _send_error(send, 403, "The form has expired or did not come from this site; reload and retry.")
                return
        await self.app(scope, receive, send)

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
