"""Every body the API takes (and the pages decode into the same Structs): a single-line text field
refuses control characters (a line break in a name would become a mail header or its first lines),
and free text refuses NUL (no database stores it). Only free texts and passwords hold line breaks.

The bodies come from the running app's routes, so a new operation is checked the day it lands."""

import re

import msgspec
import pytest

from contest.lib.settings import load_settings
from contest.shell.app import create_app

# Free text people type in a text box (reasons, notices, comments): line breaks are theirs to keep.
FREE_TEXT = re.compile(
    r"^(reason|answer|announcement_(zh|en)|privacy_notice_(zh|en)|guidance_(zh|en)|comment|comments|note|description_(zh|en))$"
)
# Every domain: the contest and the judging engine.
CHECKED = ("contest.", "judging.")
# A password is never shown nor mailed; it is hashed as typed.
SECRET = frozenset({"password"})


def bodies() -> dict[str, type]:
    """The request body type of every route, by route."""
    app = create_app(load_settings({}, contest_env="test"))
    found = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            # A page's form (a dict of text) is decoded into these same Structs by the page.
            if data is not None and data.is_subclass_of(msgspec.Struct) and handler.fn.__module__.startswith(CHECKED):
                found[f"{sorted(handler.http_methods)[0]} {route.path}"] = data.annotation
    return found


def strings(node, seen: set[int]) -> list[tuple[str, msgspec.inspect.StrType]]:
    """(field, string type) for every string inside a type: through unions, containers, Structs."""
    if isinstance(node, msgspec.inspect.StrType):
        return [("", node)]
    if isinstance(node, msgspec.inspect.Metadata):
        return strings(node.type, seen)
    if isinstance(node, msgspec.inspect.UnionType):
        return [s for t in node.types for s in strings(t, seen)]
    if isinstance(node, msgspec.inspect.ListType | msgspec.inspect.SetType | msgspec.inspect.FrozenSetType):
        return strings(node.item_type, seen)
    if isinstance(node, msgspec.inspect.DictType):
        return strings(node.key_type, seen) + strings(node.value_type, seen)
    if isinstance(node, msgspec.inspect.StructType) and id(node.cls) not in seen:
        seen.add(id(node.cls))
        return [(name or field.name, kind) for field in node.fields for name, kind in strings(field.type, seen)]
    return []


def admits(kind: msgspec.inspect.StrType, text: str) -> bool:
    return kind.pattern is None or re.search(kind.pattern, text) is not None


BODIES = bodies()


def test_the_walk_finds_the_bodies():
    assert {"POST /api/v1/auth/register", "POST /api/v1/contests/{contest_id:int}/teams"} <= set(BODIES)
    assert len(BODIES) > 25


@pytest.mark.parametrize("route", sorted(BODIES))
def test_single_line_fields_refuse_control_characters(route):
    info = msgspec.inspect.type_info(BODIES[route])
    problems = []
    for field, kind in strings(info, set()):
        if field in SECRET:
            continue
        if admits(kind, "a\x00b"):
            problems.append(f"{field} admits NUL")
        if not FREE_TEXT.match(field) and any(admits(kind, f"a{c}b") for c in "\n\r\x1b\x7f"):
            problems.append(f"{field} admits a control character")
    assert problems == []
