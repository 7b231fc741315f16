"""The one place where errors become HTTP responses, plus the headers every response carries.

API paths (and JSON clients) get `{"status", "message", "fields"}`; pages get the frontend's
answer (a failed form goes back to its page with the input kept; other errors an error page).
Messages are translated here, into the language of whoever reads them.
"""

import logging
import re
import secrets
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Request, Response
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import HTTPException, MethodNotAllowedException, NotFoundException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import Message, Scope
from redis.exceptions import RedisError

from contest.lib.context import reset_request_id, set_request_id
from contest.lib.errors import DomainError, Field, InvalidInput, Msg, NotFound, Unavailable
from contest.lib.schemas import ONE_LINE
from frontend.errors import page_error
from frontend.i18n import negotiate_language, translate
from storage import ObjectNotFound, StorageError

log = logging.getLogger(__name__)
API_PREFIX = "/api/"
STATIC_PREFIX = "/static/"


class ErrorBody(msgspec.Struct):
    """The single error shape of the JSON API: the HTTP status, a message in the caller's language
    (Accept-Language or the `lang` cookie), and a message per refused field, keyed by its name."""

    status: int
    message: str
    fields: dict[str, str]


# What each error status means, as the API document says it (every operation may answer each).
ERROR_STATUSES = {
    400: "The request is malformed or a value is refused; `fields` names each refused field.",
    401: "Not signed in, or the API token is invalid or revoked.",
    403: "Not allowed; or a browser request that did not come from this site's pages.",
    404: "No such object (an id beyond the database's range is no object either).",
    409: "The object's state refuses the change (a locked roster, a name taken, ...).",
    413: "The request body is too large.",
    415: "The body is not of the media type the operation takes (JSON, or a multipart upload).",
    429: "Too many attempts (sign-ins, e-mails); wait and try again.",
    503: "A service the site depends on cannot be reached just now.",
}


_AT_PATH = re.compile(r"^(?P<text>.*?)(?: - at `\$\.(?P<path>[^`]+)`)?$")
_MISSING = re.compile(r"missing required field `(?P<name>[^`]+)`")
ONE_LINE_REFUSED = "one line of text, without line breaks or other control characters"
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
        fields[key] = ONE_LINE_REFUSED if repr(ONE_LINE) in message else message
    return fields


def _refused_value(exc: Exception) -> DomainError | None:
    """Input that the parser or the database cannot take: a 400, never a 500."""
    if isinstance(exc, OverflowError):
        # An integer beyond the column's range (SQLite), a date whose zone conversion leaves the calendar.
        return InvalidInput("A number or date is out of range.")
    if isinstance(exc, asyncpg.DataError) or (isinstance(exc, asyncpg.InterfaceError) and isinstance(exc, ValueError)):
        # PostgreSQL refusing a value (out of range, a NUL character), on the server or while encoding it.
        log.warning("value refused by the database: %s", exc)
        return InvalidInput("A value is out of range or holds a character that cannot be stored.")
    if isinstance(exc, UnicodeDecodeError):
        return InvalidInput("The request is not valid UTF-8 text.")
    if isinstance(exc, RecursionError) and "deserializ" in str(exc):
        return InvalidInput("The JSON body is nested too deeply.")
    return None


def as_domain_error(exc: Exception) -> DomainError | None:
    """The domain error an exception stands for: ours as they are; the framework's validation
    and HTTP errors, values the parser or the database cannot take, and failures of the object
    store or Redis, translated into ours."""
    if isinstance(exc, DomainError):
        return exc
    refused = _refused_value(exc)
    if refused is not None:
        return refused
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
        return ErrorBody(500, translate(Msg("Something went wrong on our side; the error was logged."), language), {})
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


def document_errors(app: Litestar) -> None:
    """Make the API document say what errors really look like: every JSON API operation documents
    each status of `ERROR_STATUSES` with `ErrorBody`, which replaces the framework's default
    (`status_code`, `detail`, `extra`) that no answer of ours has."""
    specs = {
        status: ResponseSpec(data_container=ErrorBody, description=text, generate_examples=False)
        for status, text in ERROR_STATUSES.items()
    }
    for route in app.routes:
        if not route.path.startswith(API_PREFIX):
            continue
        for handler in getattr(route, "route_handlers", []):
            handler.responses = {**specs, **(handler.responses or {})}


def content_security_policy(s3_public_url: str) -> str:
    # Browsers upload straight to S3, so its public address is an allowed connect/img source.
    # Judges read a design document (a PDF) in a frame served by S3, never by our own origin.
    s3 = f" {s3_public_url.rstrip('/')}" if s3_public_url else ""
    frames = s3 or " 'none'"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:{s3}; media-src 'self'{s3}; connect-src 'self'{s3}; frame-src{frames}; "
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
        if not scope.get("path", "").startswith(STATIC_PREFIX):
            # Pages and answers may name people (or carry a CSRF token): no browser or proxy keeps them.
            headers.setdefault("Cache-Control", "no-store")
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        request_id = scope.get("state", {}).get("request_id")
        if request_id:
            headers["X-Request-ID"] = request_id

    return before_send


_BODY_TYPES = ("application/json", "multipart/form-data")
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def request_refusal(scope: Scope) -> DomainError | None:
    """Why a request is refused before any handler reads it, or None.

    A NUL character reaches no database (PostgreSQL refuses it in text), so a query string holding
    one is refused at once. An API body must say it is JSON (or a multipart upload): a browser can
    post `text/plain` from any site without asking, and a JSON body hidden in one would otherwise
    be read (a cross-site log-in into the sender's account)."""
    query = scope.get("query_string", b"")
    if b"\x00" in query or b"%00" in query.lower():
        return InvalidInput("The request holds a NUL character, which is not accepted.")
    if scope["path"].startswith(API_PREFIX) and scope.get("method") in _UNSAFE:
        media = _header(scope, b"content-type").split(";")[0].strip().lower()
        if media and not (media in _BODY_TYPES or media.endswith("+json")):
            return _status(415, "Send the body as JSON (Content-Type: application/json).")
    return None


def request_shape_middleware(app: Any) -> Any:
    """Refuse (through the error map) requests that `request_refusal` names."""

    async def middleware(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            refusal = request_refusal(scope)
            if refusal is not None:
                raise refusal
        await app(scope, receive, send)

    return middleware


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
