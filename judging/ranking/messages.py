"""Message ids and English templates of ranking, analytics, advancement and awards.

Every user-facing text these modules produce is a `Message`: a stable id, the English template
(the gettext msgid, translated in `frontend/locales/zh_CN/LC_MESSAGES/ranking.po`) and its parameters.
Group labels (region and track names) are contest data, passed as parameters untranslated.
"""

import math
from collections.abc import Sequence
from typing import Any

import msgspec

TEMPLATES: dict[str, str] = {
    # Input problems (the command exits with code 2 on these).
    "ranking_bad_input": "The sheets input is not valid: {detail}",
    "ranking_unreadable": "Cannot read {path}: {detail}",
    "ranking_no_criteria": "The input declares no criteria.",
    "ranking_criterion_twice": "Criterion {criterion} is declared twice.",
    "ranking_criterion_bounds": "Criterion {criterion} needs a positive weight and a positive maximum.",
    "ranking_unknown_tie_break": "The tie-break names criterion {criterion}, which is not declared.",
    "ranking_unknown_score": "The sheet of judge {judge} on entry {entry} scores {criterion}, which is not declared.",
    "ranking_missing_score": "The sheet of judge {judge} on entry {entry} has no score for {criterion}.",
    "ranking_score_out_of_range": (
        "The sheet of judge {judge} on entry {entry} gives {criterion} a score of {score}, outside 0 to {max}."
    ),
    "ranking_sheet_twice": "Judge {judge} has two sheets on entry {entry}.",
    "ranking_submitted_before_opened": (
        "The sheet of judge {judge} on entry {entry} was submitted before it was opened."
    ),
    "ranking_bad_expected": "Entry {entry} expects {expected} sheets; the number must be 0 or more.",
    "option_at_least": "The option {option} must be {minimum} or more, not {value}.",
    "option_between": "The option {option} must be between {low} and {high}, not {value}.",
    "option_repeats": "The option {option} must not repeat a value: {value}.",
    # Reasons per team, shared by advancement and awards.
    "team_not_submitted": "not submitted",
    "team_disqualified": "disqualified",
    "team_not_scored": "submitted but not scored",
    "teams_duplicate": "Team {team} is listed twice.",
    "teams_missing_region": "Team {team} has no region, which the rule groups by.",
    "teams_missing_track": "Team {team} has no track, which the rule groups by.",
    "teams_bad_rank": "Team {team} has rank {rank}; ranks start at 1.",
    # Advancement: reasons.
    "advance_top_percent": "rank {rank} of {count} in {group}: within the top {percent}% ({places} places)",
    "advance_minimum": "rank {rank} of {count} in {group}: within the minimum of {places} places",
    "advance_places": "rank {rank} of {count} in {group}: within the {places} places set for {group}",
    "advance_tie": (
        "rank {rank} of {count} in {group}: tied at the cut-off of {places} places; all {tied} tied teams advance"
    ),
    "advance_wildcard": "national wildcard {n} of {wildcards}: rank {rank} nationally",
    "advance_wildcard_tie": (
        "national wildcard {n} of {wildcards}: rank {rank} nationally, tied at the cut-off; "
        "all {tied} tied teams advance"
    ),
    "advance_outside": "rank {rank} of {count}: outside the {places} places of {group}",
    "advance_outside_wildcards": (
        "rank {rank} of {count}: outside the {places} places of {group} and the {wildcards} national wildcards"
    ),
    "advance_tie_excluded": (
        "rank {rank} of {count} in {group}: tied at the cut-off of {places} places; tied teams do not advance "
        "({tied} teams)"
    ),
    "advance_wildcard_tie_excluded": (
        "rank {rank} nationally: tied at the cut-off of the {wildcards} national wildcards; tied teams do not "
        "advance ({tied} teams)"
    ),
    # Advancement: notes and errors.
    "advance_note_tie_included": (
        "{group}: {tied} teams tied at rank {rank} across the cut-off of {places} places all advance "
        "({advanced} teams advance)"
    ),
    "advance_note_tie_excluded": (
        "{group}: {tied} teams tied at rank {rank} across the cut-off of {places} places; none of them advance "
        "({advanced} teams advance)"
    ),
    "advance_note_wildcard_tie_included": (
        "National wildcards: {tied} teams tied at rank {rank} across the cut-off of {wildcards} wildcards "
        "all advance ({given} wildcards given)"
    ),
    "advance_note_wildcard_tie_excluded": (
        "National wildcards: {tied} teams tied at rank {rank} across the cut-off of {wildcards} wildcards; "
        "none of them advance ({given} wildcards given)"
    ),
    "advance_note_unscored": "{group}: {unscored} submitted teams have no score and cannot advance.",
    "advance_none_submitted": "The advancement rule selects no team: no team has submitted.",
    "advance_none_scored": "The advancement rule selects no team: no submitted team has a score.",
    "advance_no_places": (
        "The advancement rule selects no team: it gives no places (top {percent}%, at least {minimum}, "
        "{wildcards} wildcards)."
    ),
    "advance_ties_exclude_all": (
        "The advancement rule selects no team: every cut-off falls inside a tie and tied teams are excluded."
    ),
    # Awards.
    "award_tier": "rank {rank} of {count} in {group}: {tier} ({places} places)",
    "award_tier_tie_higher": (
        "rank {rank} of {count} in {group}: {tier}; the {tied} teams tied at its boundary all get the higher tier"
    ),
    "award_tier_tie_lower": (
        "rank {rank} of {count} in {group}: {tier}; the {tied} teams tied at the boundary of {higher} all get "
        "the lower tier"
    ),
    "award_none": "rank {rank} of {count} in {group}: outside the {awarded} award places",
    "award_none_tie_lower": (
        "rank {rank} of {count} in {group}: the {tied} teams tied at the boundary of {higher} all get the lower "
        "tier: no award"
    ),
    "award_bad_tier": "Award tier {tier} needs either a percentage or a count (0 or more), not both.",
}


class Message(msgspec.Struct, frozen=True):
    """A translatable text: `text` is the English template (the msgid), `params` fill its placeholders."""

    id: str
    text: str
    params: dict[str, Any] = {}

    def render(self) -> str:
        """The English text with its parameters filled in."""
        return self.text.format(**self.params)


def message(id: str, **params: Any) -> Message:
    """The message `id` with its template and `params` (which must be JSON-able)."""
    return Message(id=id, text=TEMPLATES[id], params=params)


class InputError(ValueError):
    """Input these pure modules refuse, with the reason as a message."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.render())
        self.reason = reason


def require_at_least(option: str, value: float, minimum: float) -> None:
    """Refuse an option below `minimum` (or not a finite number)."""
    if not (math.isfinite(value) and value >= minimum):
        raise InputError(message("option_at_least", option=option, minimum=minimum, value=value))


def require_between(option: str, value: float, low: float, high: float) -> None:
    """Refuse an option outside `low`..`high`."""
    if not low <= value <= high:
        raise InputError(message("option_between", option=option, low=low, high=high, value=value))


def require_distinct(option: str, values: Sequence[str]) -> None:
    """Refuse a list option that repeats a value."""
    if len(set(values)) != len(values):
        raise InputError(message("option_repeats", option=option, value=list(values)))
