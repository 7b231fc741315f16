"""Small helpers shared by the page controllers: form bodies, safe redirects, error re-rendering."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from contest.errors import DomainError, InvalidInput
from frontend.templating import render

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site paths: "/x" yes; "//evil.example", "https://..." or "/\\\\x" no."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


def see_other(target: str, cookies: list[Any] | None = None) -> Redirect:
    return Redirect(path=target, status_code=303, cookies=cookies)


async def attempt(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any],
    action: Callable[[], Awaitable[Response[Any] | Template]],
) -> Response[Any] | Template:
    """Run a form's action; on a domain refusal show the same form again with the message."""
    try:
        return await action()
    except DomainError as exc:
        return render(
            request, template, {**context, "error": exc.message, "fields": exc.fields}, status_code=exc.status_code
        )


def text(form: dict[str, str], name: str, limit: int = 200) -> str:
    return str(form.get(name, "")).strip()[:limit]


def number(form: dict[str, str], name: str) -> int | None:
    value = text(form, name, 12)
    return int(value) if value.isdigit() else None


def whole(form: dict[str, str], name: str) -> int:
    """A required whole number; anything else is refused naming the field."""
    value = number(form, name)
    if value is None:
        raise InvalidInput("Some settings are not valid.", {name: "invalid"})
    return value


# What <input type="datetime-local"> sends and shows: a wall-clock time without a zone.
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def local_datetime(form: dict[str, str], name: str, tz: str) -> datetime | None:
    """A datetime-local field read as wall-clock time in `tz` (the contest's zone), in UTC; empty: None."""
    value = text(form, name, 32)
    if not value:
        return None
    try:
        wall = datetime.strptime(value[:16], LOCAL_INPUT)
    except ValueError:
        raise InvalidInput("Some settings are not valid.", {name: "invalid"}) from None
    return wall.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def local_input(value: datetime | None, tz: str) -> str:
    """The value for a datetime-local field: `value` as wall-clock time in `tz`."""
    return "" if value is None else value.astimezone(ZoneInfo(tz)).strftime(LOCAL_INPUT)
