"""Form bodies into the same input Structs as the JSON API, plus safe redirects.

A browser form sends every value as text: "" for an empty field or an unchosen drop-down, nothing
at all for an unticked box. `decode` reads them the way a person meant them and lets the Struct's
own limits judge the rest, so a page never repeats an API schema's rules.
"""

import types
import typing
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import msgspec
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from contest.lib.errors import InvalidInput

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class FileForm(msgspec.Struct):
    """A form with one uploaded file (the console's imports)."""

    file: UploadFile


Upload = Annotated[FileForm, Body(media_type=RequestEncodingType.MULTI_PART)]
S = TypeVar("S", bound=msgspec.Struct)
TRUE = frozenset({"true", "yes", "on", "1"})
# What <input type="datetime-local"> sends and shows: a wall-clock time without a zone.
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site paths: "/x" yes; "//evil.example", "https://..." or "/\\\\x" no."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


def _kinds(annotation: Any) -> set[type]:
    """The plain types a (possibly Annotated, Optional, Unset) field annotation admits."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _kinds(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_kinds(a) for a in typing.get_args(annotation)))
    if origin is typing.Literal:
        return {type(a) for a in typing.get_args(annotation)}
    return {annotation} if isinstance(annotation, type) else {object}


def decode(
    form: dict[str, str],
    struct: type[S],
    *,
    checkboxes: tuple[str, ...] = (),
    local_times: tuple[str, ...] = (),
    tz: str = "Asia/Shanghai",
    prefix: str = "",
    **fixed: Any,
) -> S:
    """`form` as a `struct`: only the Struct's fields are read; "" is None where the field allows
    None and "not given" where it is a number; `checkboxes` absent are False; `local_times` are
    wall-clock times in `tz`; `fixed` values win over the form. A page with two forms sharing field
    names gives one of them a `prefix` ("track_name_zh"). Refusals name their field."""
    if prefix:
        form = {k.removeprefix(prefix): v for k, v in form.items() if k.startswith(prefix)}
    hints = typing.get_type_hints(struct, include_extras=True)
    values: dict[str, Any] = {}
    for name in struct.__struct_fields__:
        kinds = _kinds(hints[name])
        if name in checkboxes:
            values[name] = form.get(name, "").strip().lower() in TRUE
        elif name not in form:
            continue
        elif name in local_times:
            values[name] = _local(form[name], name, tz)
        elif form[name].strip() == "" and type(None) in kinds:
            values[name] = None
        elif form[name].strip() == "" and str not in kinds:
            continue
        elif bool in kinds and str not in kinds:
            values[name] = form[name].strip().lower() in TRUE
        else:
            values[name] = form[name].strip() if str in kinds else form[name]
    values.update(fixed)
    try:
        return msgspec.convert(values, struct, strict=False)
    except msgspec.ValidationError as exc:
        raise invalid(str(exc), prefix) from None


def invalid(message: str, prefix: str = "") -> InvalidInput:
    """A msgspec refusal ("... - at `$.field`") as a field error people can read."""
    text, _, path = message.rpartition(" - at `$.")
    field = path.rstrip("`").split(".")[0].split("[")[0] if path else "form"
    required = message.startswith("Object missing required field")
    if required:
        field = message.split("`")[1]
    detail = "required" if required else ("too long" if "length <=" in text else "This value is not valid.")
    return InvalidInput("Some fields are missing or invalid.", {prefix + field: detail})


def _local(value: str, name: str, tz: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        wall = datetime.strptime(value[:16], LOCAL_INPUT)
        return wall.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidInput("Some settings are not valid.", {name: "invalid"}) from None


def local_input(value: datetime | None, tz: str) -> str:
    """The value for a datetime-local field: `value` as wall-clock time in `tz`."""
    return "" if value is None else value.astimezone(ZoneInfo(tz)).strftime(LOCAL_INPUT)
