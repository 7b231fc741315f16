"""How pages answer errors: a refused form goes back to its page with the message and the input
kept (post, redirect, get); a page that needs sign-in sends to the sign-in page and back; anything
else is a friendly error page that still knows who is signed in."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.response import Redirect

from contest.accounts import sessions
from contest.accounts.auth import session_cookie
from contest.lib.errors import DomainError
from frontend import flash
from frontend.templating import render_now

log = logging.getLogger(__name__)
# Refusals a person fixes on the form itself; a denial of access (401, 403) is a page of its own.
FORM_ERRORS = frozenset({400, 404, 409, 413, 422, 429})


class Deferred(Response[Any]):
    """A response decided asynchronously when it is sent (exception handlers are synchronous, but
    the session look-up and the flash store are not)."""

    def __init__(self, produce: Callable[[], Awaitable[Response[Any]]]) -> None:
        super().__init__(None)
        self.produce = produce

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> Any:
        async def asgi(scope: Any, receive: Any, send: Any) -> None:
            response = await self.produce()
            await response.to_asgi_response(*args, **kwargs)(scope, receive, send)

        return asgi


def back_of(request: Request[Any, Any, Any]) -> str:
    """The page a form came from: what the handler set on `request.state.back`, else its `back`
    option (with path parameters filled in), else its own path."""
    chosen = getattr(request.state, "back", None)
    if chosen:
        return str(chosen)
    handler = request.scope.get("route_handler")
    back = getattr(handler, "opt", {}).get("back") if handler is not None else None
    return str(back).format(**request.path_params) if back else request.url.path


def page_error(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    return Deferred(lambda: _answer(request, error))


async def _answer(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    status = error.status_code
    handler = request.scope.get("route_handler")
    # A form handler goes back to its page (post, redirect, get) unless it says it has none.
    matched = handler is not None and getattr(handler, "opt", {}).get("back", True) is not False
    if status == 401 and request.method == "GET":
        return Redirect(
            f"/login?next={quote(request.url.path + ('?' + request.url.query if request.url.query else ''))}"
        )
    if matched and request.method == "POST" and status in FORM_ERRORS:
        return await flash.redirect(request, back_of(request), error=error, form=await _form(request))
    await _know_who(request)
    try:
        html = render_now(request, "error.html", {"status": status, "error_message": error.msg})
        return Response(html, status_code=status, media_type="text/html")
    except Exception:  # templating itself failed: still answer something readable
        log.exception("error page could not be rendered")
        return Response(f"{status}: {error.message}", status_code=status, media_type="text/plain")


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        form = await request.form()
    except Exception:
        return {}
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _know_who(request: Request[Any, Any, Any]) -> None:
    """Errors raised before routing (404, 405) never met the authentication middleware: look the
    session up here so the page shows the person as signed in."""
    if request.scope.get("principal") is not None:  # type: ignore[call-overload]
        return
    secret = session_cookie(request.scope)
    runtime = request.app.state.get("runtime")
    if not secret or runtime is None:
        return
    resolved = await sessions.resolve_session(runtime.clock, secret, runtime.settings.session_days)
    if resolved is not None:
        request.scope["principal"], request.scope["csrf_token"] = resolved  # type: ignore[typeddict-unknown-key]
