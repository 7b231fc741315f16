"""Every input Struct of every domain: a single-line text field refuses control characters (a line
break in a name would become a mail header or its first lines), and free text refuses NUL (no
database stores it). Only free texts and passwords may hold a line break."""

import importlib
import pkgutil
import re

import msgspec
import pytest

import contest

# Free text people type in a text box (reasons, notices): line breaks are theirs to keep.
FREE_TEXT = re.compile(r"^(reason|announcement_(zh|en)|privacy_notice_(zh|en))$")
# A password is never shown nor mailed; it is hashed as typed.
SECRET = frozenset({"password"})


def input_structs() -> list[type[msgspec.Struct]]:
    """Structs that decode people's input (forbid_unknown_fields) in every module of `contest`."""
    found: dict[str, type[msgspec.Struct]] = {}
    for module in pkgutil.walk_packages(contest.__path__, "contest."):
        if ".piccolo_migrations" in module.name or module.name.startswith(("contest.shell", "contest.__main__")):
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if (
                isinstance(value, type)
                and issubclass(value, msgspec.Struct)
                and value.__struct_config__.forbid_unknown_fields
                and value.__module__.startswith("contest.")
                and value.__name__ != "Settings"
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def strings(node: msgspec.inspect.Type) -> list[msgspec.inspect.StrType]:
    """The string types inside a field's type (through unions, optionals and containers)."""
    if isinstance(node, msgspec.inspect.StrType):
        return [node]
    if isinstance(node, msgspec.inspect.UnionType):
        return [s for t in node.types for s in strings(t)]
    if isinstance(node, msgspec.inspect.Metadata):
        return strings(node.type)
    if isinstance(node, msgspec.inspect.ListType | msgspec.inspect.SetType | msgspec.inspect.FrozenSetType):
        return strings(node.item_type)
    return []


def admits(kind: msgspec.inspect.StrType, text: str) -> bool:
    return kind.pattern is None or re.search(kind.pattern, text) is not None


STRUCTS = input_structs()


def test_the_walk_finds_the_inputs():
    names = {s.__name__ for s in STRUCTS}
    assert {"RegisterIn", "TeamIn", "ContestIn", "InvitationIn", "StaffInviteIn", "ProfilePatch"} <= names


@pytest.mark.parametrize("struct", STRUCTS, ids=lambda s: f"{s.__module__}.{s.__name__}")
def test_single_line_fields_refuse_control_characters(struct):
    info = msgspec.inspect.type_info(struct)
    problems = []
    for field in info.fields:
        for kind in strings(field.type):
            if field.name in SECRET:
                continue
            if admits(kind, "a\x00b"):
                problems.append(f"{field.name} admits NUL")
            if not FREE_TEXT.match(field.name) and any(admits(kind, f"a{c}b") for c in "\n\r\x1b\x7f"):
                problems.append(f"{field.name} admits a control character")
    assert problems == []
