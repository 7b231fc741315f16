"""Contest settings as pure checks: plain values in, per-field problems out."""

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contest.lib.errors import Field, Msg

# Bounds that keep a contest sane; the defaults (1-3 students, 0-1 advisor) sit well inside them.
MAX_TEAM_SIZE = 10
MAX_ADVISORS = 5


def known_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def settings_problems(values: Mapping[str, Any]) -> dict[str, Field]:
    """What is wrong with a contest's settings as a whole (an empty dict: nothing)."""
    problems: dict[str, Field] = {}
    if not str(values.get("name_zh") or "").strip():
        problems["name_zh"] = "required"
    if not known_time_zone(str(values.get("time_zone") or "")):
        problems["time_zone"] = "unknown time zone"
    opens, deadline = values.get("registration_opens_at"), values.get("registration_deadline")
    if opens is not None and deadline is not None and opens >= deadline:
        problems["registration_deadline"] = "must come after the opening"
    low, high = values.get("min_team_size", 1), values.get("max_team_size", 3)
    if not 1 <= high <= MAX_TEAM_SIZE:
        problems["max_team_size"] = Msg("between 1 and {max}", {"max": MAX_TEAM_SIZE})
    elif not 1 <= low <= high:
        problems["min_team_size"] = "between 1 and the largest team size"
    if not 0 <= values.get("max_advisors", 1) <= MAX_ADVISORS:
        problems["max_advisors"] = Msg("between 0 and {max}", {"max": MAX_ADVISORS})
    return problems
