"""Award tiers (e.g. first, second and third prize) per group or national, each team with its reason.

A tier's places are a count, or a percentage of the group's submitting teams rounded on its own
(`rounding`: half up by default, or half even, up, down): 5%/10%/15% of 30 teams round half up to
2, 3 and 5 places. Tiers fill in order from the best rank: tier i ends after the first
(places of tiers 1..i) teams. When a boundary falls inside a tie, the tied teams all get the higher
tier (`ties="higher"`, the default; the next tier then has fewer places) or all the lower one.
"""

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Literal

import msgspec

from judging.ranking.messages import InputError, Message, message, require_distinct
from judging.ranking.teams import GroupKey, Label, Standing, Team, standings, unranked_reason

__all__ = ["AwardResult", "AwardRules", "Team", "TeamAward", "Tier", "TierSummary", "award"]

Rounding = Literal["half_up", "half_even", "up", "down"]
_ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "up": ROUND_CEILING, "down": ROUND_FLOOR}


class Tier(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An award tier, best first in the rules: `percent` of the submitting teams or `count` teams."""

    name: Label
    percent: float | None = None
    count: int | None = None


class AwardRules(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tiers best first, per group (`group_by` empty: national, named `national_label`)."""

    tiers: list[Tier]
    group_by: list[GroupKey] = []
    rounding: Rounding = "half_up"
    ties: Literal["higher", "lower"] = "higher"
    national_label: Label = "全国"


class TeamAward(msgspec.Struct, frozen=True, kw_only=True):
    """A team's tier (None: no award) and why."""

    team: str
    group: str
    tier: str | None
    reason: Message


class TierSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A tier in a group: `exact` is percent x submitting / 100 before rounding (None for a count),
    `places` its rounded places, `awarded` the teams that got it after ties."""

    group: str
    tier: str
    submitting: int
    percent: float | None
    count: int | None
    exact: str | None
    places: int
    awarded: int


class AwardResult(msgspec.Struct, frozen=True, kw_only=True):
    """Teams by group, then rank; tiers per group in the order of the rules."""

    rounding: Rounding
    ties: Literal["higher", "lower"]
    teams: list[TeamAward]
    tiers: list[TierSummary]


def _check(rules: AwardRules) -> None:
    require_distinct("tiers", [tier.name for tier in rules.tiers])
    require_distinct("group_by", rules.group_by)
    for tier in rules.tiers:
        by_percent = tier.percent is not None and 0 <= tier.percent <= 100
        by_count = tier.count is not None and tier.count >= 0
        if (tier.percent is None) == (tier.count is None) or not (by_percent or by_count):
            raise InputError(message("award_bad_tier", tier=tier.name))


def _exact_places(tier: Tier, submitting: int) -> Decimal | None:
    return None if tier.percent is None else Decimal(str(tier.percent)) * submitting / 100


def award(teams: Sequence[Team], rules: AwardRules) -> AwardResult:
    """Each team's award tier under `rules`, with a reason; raises `InputError` on invalid rules or
    teams."""
    _check(rules)
    outcome: list[TeamAward] = []
    summaries: list[TierSummary] = []
    for group in standings(teams, rules.group_by, rules.national_label):
        outcome += _award_group(rules, group, summaries)
    return AwardResult(rounding=rules.rounding, ties=rules.ties, teams=outcome, tiers=summaries)


def _award_group(rules: AwardRules, group: Standing, summaries: list[TierSummary]) -> list[TeamAward]:
    ordered = group.ordered
    tier_of: list[int | None] = [None] * len(ordered)
    # Per position moved by a tie: (the tier whose boundary it straddled, how many teams tied).
    moved: dict[int, tuple[int, int]] = {}
    places_of: list[int] = []
    cumulative = filled = 0
    for index, tier in enumerate(rules.tiers):
        exact = _exact_places(tier, group.submitting)
        places = int(exact.quantize(Decimal(1), rounding=_ROUNDING[rules.rounding])) if exact is not None else 0
        places = tier.count if tier.count is not None else places
        places_of.append(places)
        cumulative += places
        end = min(cumulative, len(ordered))
        block = group.tie_block(end)
        if block is not None:
            end = block[1] if rules.ties == "higher" else block[0]
            for position in range(*block):
                moved.setdefault(position, (index, block[1] - block[0]))
        end = max(end, filled)
        for position in range(filled, end):
            tier_of[position] = index
        summaries.append(
            TierSummary(
                group=group.label,
                tier=tier.name,
                submitting=group.submitting,
                percent=tier.percent,
                count=tier.count,
                exact=None if exact is None else str(exact.normalize()),
                places=places,
                awarded=end - filled,
            )
        )
        filled = end

    result = []
    for position, team in enumerate(ordered):
        where = {"rank": group.ranks[position], "count": group.submitting, "group": group.label}
        won = tier_of[position]
        boundary, tied = moved.get(position, (None, 0))
        if won is None:
            if boundary is not None:
                reason = message("award_none_tie_lower", **where, tied=tied, higher=rules.tiers[boundary].name)
            else:
                reason = message("award_none", **where, awarded=filled)
        elif boundary is not None and rules.ties == "higher":
            reason = message("award_tier_tie_higher", **where, tier=rules.tiers[won].name, tied=tied)
        elif boundary is not None:
            higher = rules.tiers[boundary].name
            reason = message("award_tier_tie_lower", **where, tier=rules.tiers[won].name, tied=tied, higher=higher)
        else:
            reason = message("award_tier", **where, tier=rules.tiers[won].name, places=places_of[won])
        result.append(
            TeamAward(
                team=team.team,
                group=group.label,
                tier=None if won is None else rules.tiers[won].name,
                reason=reason,
            )
        )
    result += [
        TeamAward(team=team.team, group=group.label, tier=None, reason=unranked_reason(team)) for team in group.others
    ]
    return result
