"""Messages of the assignment solver: a message id, its English template and parameters.

The template is the gettext msgid (the Chinese catalog is `frontend/locales/zh_CN/LC_MESSAGES/assignment.po`);
`rendered` is the English text with the parameters filled in, for logs and the command line.
"""

from typing import Any, Literal

import msgspec

Level = Literal["error", "note"]

TEMPLATES: dict[str, str] = {
    # The instance itself is malformed (raised as InstanceError, exit code 2 from the command).
    "invalid_instance": "The instance is not valid: {detail}",
    "unreadable_file": "Cannot read {path}: {detail}",
    "duplicate_entry": "Entry id {entry} appears more than once",
    "duplicate_judge": "Judge id {judge} appears more than once",
    "unknown_entry": "{field} names an unknown entry {entry}",
    "unknown_judge": "{field} names an unknown judge {judge}",
    "duplicate_affinity": "The affinity of entry {entry} and judge {judge} is listed more than once",
    "affinity_not_finite": "The affinity of entry {entry} and judge {judge} is not a finite number",
    "min_above_max": "Judge {judge} has a minimum load of {min}, above the maximum {max}",
    # Why no assignment exists.
    "pin_conflict": "Pin {entry} -> {judge} breaks a declared conflict of interest",
    "pin_own_university": "Pin {entry} -> {judge}: the judge is from the entry's own university {university}",
    "pin_scope": "Pin {entry} -> {judge}: a judge of region {judge_region} may not review an entry of region "
    "{entry_region} in this round (scope {scope})",
    "pin_same_university": "Entry {entry} is pinned to {count} judges of university {university}, "
    "but at most one judge per university may review it",
    "pin_over_k": "Entry {entry} is pinned to {pins} judges but needs only {k}",
    "pin_over_max": "Judge {judge} is pinned to {pins} entries but may take at most {max}",
    "total_capacity_short": "{entries} entries need {need} reviews in all, "
    "but the {judges} judges can take at most {cap}",
    "total_min_excess": "The {judges} judges must take at least {min} reviews in all, "
    "but the {entries} entries need only {need}",
    "region_short": "{region}: {entries} entries x {k} judges = {need} reviews, "
    "its {judges} eligible judges can take at most {cap}",
    "region_short_mixed": "{region}: {entries} entries need {need} reviews, "
    "its {judges} eligible judges can take at most {cap}",
    "region_few_judges": "{region}: every entry needs {k} judges, but no entry of the region has more than "
    "{eligible} eligible judges",
    "region_min_excess": "{region}: its {judges} judges must take at least {min} reviews, "
    "but the region's entries need only {need}",
    "entry_few_judges": "Entry {entry} has {eligible} eligible judges, needs {k}",
    "entry_few_universities": "Entry {entry} has {eligible} eligible judges from {universities} universities "
    "(at most one judge per university), needs {k}",
    "judge_min_unreachable": "Judge {judge} must review at least {min} entries, "
    "but only {eligible} entries are eligible",
    "group_short": "{entries} entries ({sample}) need {need} reviews, "
    "but the {judges} judges eligible for them can take at most {cap}",
    "group_min_excess": "{judges} judges ({sample}) must take at least {min} reviews in all, "
    "but their eligible entries can take at most {cap}",
    "infeasible_combined": "The entries' judge counts and the judges' minimum loads can each be met, "
    "but not both at once",
    "more_problems": "... and {count} more problems of this kind",
    # Notes on a solution.
    "judge_no_eligible": "Judge {judge} has no eligible entry and gets no review",
    "graph_not_connected": "{region}: the judges' graph has {components} components; "
    "no exchange of judges could join them",
    "reassign_moved": "{moved} pairs not touched by the change had to move to make room",
}


class Message(msgspec.Struct, frozen=True):
    """One explanation: `text` is the English template (the gettext msgid), `rendered` the filled-in English."""

    id: str
    text: str
    params: dict[str, Any]
    rendered: str
    level: Level = "error"


def message(message_id: str, level: Level = "error", **params: Any) -> Message:
    """The message `message_id` with its template filled in by `params` (JSON-able values)."""
    template = TEMPLATES[message_id]
    return Message(id=message_id, text=template, params=params, rendered=template.format(**params), level=level)


class InstanceError(ValueError):
    """A malformed instance or change: the messages say what is wrong, in words and ids."""

    def __init__(self, messages: list[Message]) -> None:
        super().__init__("; ".join(m.rendered for m in messages))
        self.messages = messages


def capped(messages: list[Message], limit: int = 10) -> list[Message]:
    """At most `limit` messages of one kind, then one saying how many more there are."""
    if len(messages) <= limit:
        return messages
    rest = len(messages) - limit
    return [*messages[:limit], message("more_problems", level=messages[0].level, count=rest)]
