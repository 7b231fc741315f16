"""Advancement between rounds: quotas per group plus national wildcards, each team with its reason.

Per group (by region, track, or both; none for a national rule) the places are the top `percent`%
of its submitting teams rounded up, at least `minimum`, never more than the submitting teams (or a
number set for the group in `places`). Teams advance in the order of their national rank. When the
cut-off falls inside a tie, all tied teams advance (`include_ties`, the default) or none of them.
Then the next best `wildcards` teams nationally among those not yet advanced advance as
wildcards, under the same tie rule (without ties, teams below the tie do not move up instead).
"""

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import msgspec

from judging.ranking.messages import Message, message, require_at_least, require_between, require_distinct
from judging.ranking.teams import GroupKey, Label, Standing, Team, standings, tie_block, unranked_reason

__all__ = ["AdvancementResult", "AdvancementRule", "GroupSummary", "Team", "TeamAdvancement", "advance"]


class AdvancementRule(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Who advances; `places` maps a group's label to its number of places, replacing percent and
    minimum there; `national_label` names the single group of a rule without `group_by`."""

    group_by: list[GroupKey] = msgspec.field(default_factory=lambda: ["region"])
    percent: float = 0.0
    minimum: int = 0
    places: dict[Label, int] = {}
    wildcards: int = 0
    include_ties: bool = True
    national_label: Label = "全国"


class TeamAdvancement(msgspec.Struct, frozen=True, kw_only=True):
    """A team's outcome: `via` is "quota", "tie" (advanced with a tie at the cut-off) or "wildcard"."""

    team: str
    group: str
    advanced: bool
    via: Literal["quota", "tie", "wildcard"] | None
    reason: Message


class GroupSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A group's places (and what set them: the percentage, the minimum or a number for the group)."""

    group: str
    submitting: int
    scored: int
    places: int
    basis: Literal["percent", "minimum", "places"]
    advanced: int


class AdvancementResult(msgspec.Struct, frozen=True, kw_only=True):
    """Teams by group, then rank; `errors` is non-empty when the rule selects nobody."""

    teams: list[TeamAdvancement]
    groups: list[GroupSummary]
    wildcards_given: int
    notes: list[Message]
    errors: list[Message]


def _check(rule: AdvancementRule) -> None:
    require_between("percent", rule.percent, 0, 100)
    require_at_least("minimum", rule.minimum, 0)
    require_at_least("wildcards", rule.wildcards, 0)
    require_distinct("group_by", rule.group_by)
    for label, places in rule.places.items():
        require_at_least(f"places[{label}]", places, 0)


def _places(rule: AdvancementRule, group: Standing) -> tuple[int, Literal["percent", "minimum", "places"]]:
    if group.label in rule.places:
        return min(rule.places[group.label], group.submitting), "places"
    # Exact arithmetic: 15% of 20 is 3 places, not ceil(3.0000000000000004) = 4.
    by_percent = math.ceil(Fraction(str(rule.percent)) * group.submitting / 100)
    if by_percent >= rule.minimum:
        return min(by_percent, group.submitting), "percent"
    return min(rule.minimum, group.submitting), "minimum"


def advance(teams: Sequence[Team], rule: AdvancementRule) -> AdvancementResult:
    """Decide who advances under `rule`, with a reason for every team.

    Raises `InputError` on an invalid rule or team list; a rule that selects nobody is not an
    exception but an error message in the result saying why.
    """
    _check(rule)
    groups = standings(teams, rule.group_by, rule.national_label)
    outcome: dict[str, TeamAdvancement] = {}
    summaries: list[GroupSummary] = []
    notes: list[Message] = []
    # Teams left for the wildcards, with their group and their reason should they not get one.
    passed_over: list[tuple[Team, Standing, Message]] = []
    total_places = 0

    for group in groups:
        places, basis = _places(rule, group)
        total_places += places
        cut = min(places, len(group.ordered))
        block = group.tie_block(cut)
        advancing = cut
        if block is not None:
            advancing = block[1] if rule.include_ties else block[0]
            tie_note = "advance_note_tie_included" if rule.include_ties else "advance_note_tie_excluded"
            notes.append(
                message(
                    tie_note,
                    group=group.label,
                    tied=block[1] - block[0],
                    rank=group.ranks[block[0]],
                    places=places,
                    advanced=advancing,
                )
            )
        unscored = sum(team.status == "submitted" for team in group.others)
        if unscored:
            notes.append(message("advance_note_unscored", group=group.label, unscored=unscored))
        summaries.append(
            GroupSummary(
                group=group.label,
                submitting=group.submitting,
                scored=len(group.ordered),
                places=places,
                basis=basis,
                advanced=advancing,
            )
        )
        for position, team in enumerate(group.ordered):
            where = {"rank": group.ranks[position], "count": group.submitting, "group": group.label}
            tied = block is not None and block[0] <= position < block[1]
            tie_params = {"places": places, "tied": block[1] - block[0]} if block is not None else {}
            if position < advancing:
                if tied:
                    reason = message("advance_tie", **where, **tie_params)
                elif basis == "percent":
                    reason = message("advance_top_percent", **where, percent=rule.percent, places=places)
                else:
                    reason = message(f"advance_{basis}", **where, places=places)
                outcome[team.team] = _outcome(team, group, "tie" if tied else "quota", reason)
            elif tied:
                passed_over.append((team, group, message("advance_tie_excluded", **where, **tie_params)))
            else:
                if rule.wildcards:
                    reason = message("advance_outside_wildcards", **where, places=places, wildcards=rule.wildcards)
                else:
                    reason = message("advance_outside", **where, places=places)
                passed_over.append((team, group, reason))
        for team in group.others:
            outcome[team.team] = TeamAdvancement(
                team=team.team, group=group.label, advanced=False, via=None, reason=unranked_reason(team)
            )

    given = _wildcards(rule, passed_over, outcome, notes)
    errors = [] if any(item.advanced for item in outcome.values()) else [_nobody(rule, groups, total_places)]
    return AdvancementResult(
        teams=[outcome[team.team] for group in groups for team in [*group.ordered, *group.others]],
        groups=summaries,
        wildcards_given=given,
        notes=notes,
        errors=errors,
    )


def _outcome(team: Team, group: Standing, via: Literal["quota", "tie", "wildcard"], reason: Message) -> TeamAdvancement:
    return TeamAdvancement(team=team.team, group=group.label, advanced=True, via=via, reason=reason)


def _wildcards(
    rule: AdvancementRule,
    passed_over: list[tuple[Team, Standing, Message]],
    outcome: dict[str, TeamAdvancement],
    notes: list[Message],
) -> int:
    """Give the national wildcards to the best passed-over teams; every passed-over team gets its
    outcome. Returns how many wildcards were given."""
    pool = sorted(passed_over, key=lambda item: (item[0].rank, item[0].team))
    cut = min(rule.wildcards, len(pool))
    block = tie_block([team for team, _, _ in pool], cut)
    start, end = block or (cut, cut)
    given = cut
    if block is not None:
        given = end if rule.include_ties else start
        tie_note = "advance_note_wildcard_tie_included" if rule.include_ties else "advance_note_wildcard_tie_excluded"
        tied_rank = pool[start][0].rank
        notes.append(message(tie_note, tied=end - start, rank=tied_rank, wildcards=rule.wildcards, given=given))
    for index, (team, group, reason) in enumerate(pool):
        tied = start <= index < end
        national = {"rank": team.rank, "wildcards": rule.wildcards}
        if index < given:
            wildcard_reason = (
                message("advance_wildcard_tie", n=start + 1, tied=end - start, **national)
                if tied
                else message("advance_wildcard", n=index + 1, **national)
            )
            outcome[team.team] = _outcome(team, group, "wildcard", wildcard_reason)
        else:
            if tied:
                reason = message("advance_wildcard_tie_excluded", tied=end - start, **national)
            outcome[team.team] = TeamAdvancement(
                team=team.team, group=group.label, advanced=False, via=None, reason=reason
            )
    return given


def _nobody(rule: AdvancementRule, groups: list[Standing], total_places: int) -> Message:
    """Why a rule selected no team."""
    if not any(group.submitting for group in groups):
        return message("advance_none_submitted")
    if not any(group.ordered for group in groups):
        return message("advance_none_scored")
    if total_places == 0 and rule.wildcards == 0:
        return message("advance_no_places", percent=rule.percent, minimum=rule.minimum, wildcards=rule.wildcards)
    return message("advance_ties_exclude_all")
