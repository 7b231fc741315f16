"""The one place where errors become HTTP responses, plus the headers every response carries.

API paths (and JSON clients) get `{"status", "message", "fields"}`; pages get the frontend's
answer (a failed form goes back to its page with the input kept; other errors an error page).
Messages are translated here, into the language of whoever reads them.
"""

import logging
import re
import secrets
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import HTTPException, MethodNotAllowedException, NotFoundException, ValidationException
from litestar.types import Message, Scope
from redis.exceptions import RedisError

from contest.lib.context import reset_request_id, set_request_id
from contest.lib.errors import DomainError, Field, InvalidInput, Msg, NotFound, Unavailable
from frontend.errors import page_error
from frontend.i18n import negotiate_language, translate
from storage import ObjectNotFound, StorageError

log = logging.getLogger(__name__)
API_PREFIX = "/api/"


class ErrorBody(msgspec.Struct):
    """The single error shape of the JSON API."""

    status: int
    message: str
    fields: dict[str, str] = {}


_AT_PATH = re.compile(r"^(?P<text>.*?)(?: - at `\$\.(?P<path>[^`]+)`)?$")
_MISSING = re.compile(r"missing required field `(?P<name>[^`]+)`")
UNAVAILABLE = "A service the site depends on cannot be reached just now; please try again in a minute."


def _validation_fields(extra: Any) -> dict[str, Field]:
    """Per-field messages from Litestar's validation details, named by the body field when the
    message says which one (msgspec puts it in the text, not in the key)."""
    fields: dict[str, Field] = {}
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid value"))
        match = _AT_PATH.match(message)
        missing = _MISSING.search(message)
        if match and match.group("path"):
            key, message = match.group("path"), match.group("text")
        elif missing:
            key, message = missing.group("name"), "required"
        else:
            key = str(item.get("key") or item.get("source") or "body")
        fields[key] = message
    return fields


def as_domain_error(exc: Exception) -> DomainError | None:
    """The domain error an exception stands for: ours as they are; the framework's validation
    and HTTP errors, and failures of the object store or Redis, translated into ours."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, ValidationException):
        fields = _validation_fields(exc.extra)
        error = InvalidInput("Some fields are missing or invalid." if fields else "Invalid request.", fields)
        return error
    if isinstance(exc, NotFoundException):
        return NotFound("Not found.")
    if isinstance(exc, MethodNotAllowedException):
        return _status(405, "This address does not accept that kind of request.")
    if isinstance(exc, HTTPException):
        return _status(exc.status_code, exc.detail)
    if isinstance(exc, ObjectNotFound):
        return NotFound("No such file.")
    if isinstance(exc, StorageError | RedisError):
        log.warning("dependency unavailable: %s", exc)
        return Unavailable(UNAVAILABLE)
    return None


def _status(status: int, message: str) -> DomainError:
    error = DomainError(message)
    error.status_code = status
    return error


def describe(exc: Exception, language: str = "en") -> ErrorBody:
    """Status, message (in `language`) and field details for any exception; 500 hides internals."""
    error = as_domain_error(exc)
    if error is None:
        return ErrorBody(500, translate(Msg("Something went wrong on our side; the error was logged."), language))
    fields = {k: translate(v if isinstance(v, Msg) else Msg(str(v)), language) for k, v in error.fields.items()}
    return ErrorBody(error.status_code, translate(error.msg, language), fields)


def wants_json(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith(API_PREFIX):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def api_language(request: Request[Any, Any, Any]) -> str:
    """JSON errors speak the caller's language when it says one (cookie or Accept-Language);
    scripts that say nothing get English."""
    return negotiate_language(request.cookies.get("lang"), request.headers.get("accept-language"), "en")


def exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The one place where errors become responses: JSON for the API, pages for people."""
    if as_domain_error(exc) is None:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_json(request):
        body = describe(exc, api_language(request))
        headers = {"WWW-Authenticate": "Bearer"} if body.status == 401 else None
        return Response(body, status_code=body.status, headers=headers)
    return page_error(
        request, as_domain_error(exc) or _status(500, "Something went wrong on our side; the error was logged.")
    )


def content_security_policy(s3_public_url: str) -> str:
    # Browsers upload straight to S3, so its public address is an allowed connect/img source.
    s3 = f" {s3_public_url.rstrip('/')}" if s3_public_url else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:{s3}; media-src 'self'{s3}; connect-src 'self'{s3}; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )


def security_headers_hook(csp: str, hsts: bool) -> Any:
    """A before_send hook adding security headers and the request id to every response."""

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        request_id = scope.get("state", {}).get("request_id")
        if request_id:
            headers["X-Request-ID"] = request_id

    return before_send


def request_id_middleware(app: Any) -> Any:
    """Take a sane X-Request-ID from the caller (a proxy) or make one; audit rows carry it."""

    async def middleware(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
            ok = 0 < len(incoming) <= 64 and incoming.replace("-", "").isalnum()
            request_id = incoming if ok else secrets.token_hex(8)
            scope.setdefault("state", {})["request_id"] = request_id
            token = set_request_id(request_id)
            try:
                await app(scope, receive, send)
            finally:
                reset_request_id(token)
            return
        await app(scope, receive, send)

    return middleware
