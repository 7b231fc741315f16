"""A round's results from its inputs, with the pure modules: rank, advance, award, judge analytics.

Plain data in (`Inputs`, loaded by `inputs.py`), a `Snapshot` out: this runs in a worker thread and
is tested without a database. Entries and judges are named by their ids as text in the ranking.
"""

from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec

from contest.lib.schemas import Name
from judging.advancement import advance
from judging.analytics import judge_analytics
from judging.awards import award
from judging.ranking import Criterion, RankingInput, Sheet, rank
from judging.ranking.rank import competition_ranks
from judging.ranking.teams import Team
from judging.results.schemas import AdvancementSummary, JudgeStats, RulesIn, Snapshot, TeamStanding, TeamStatus


class TeamFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A team of the round with what its standing shows and groups by."""

    team_id: int
    name: str
    university: Name
    region: str
    region_name: Name
    track: Name
    status: TeamStatus


class SheetRow(msgspec.Struct, frozen=True, kw_only=True):
    team_id: int
    judge_id: int
    scores: dict[str, float]
    opened_at: datetime | None = None
    submitted_at: datetime | None = None


class Inputs(msgspec.Struct, frozen=True, kw_only=True):
    criteria: list[Criterion]
    sheets: list[SheetRow]
    teams: list[TeamFacts]
    # Sheets each team should have (its assigned judges); judges' names for the analytics.
    expected: dict[int, int]
    judges: dict[int, str]
    rules: RulesIn


def ranking_input(inputs: Inputs) -> RankingInput:
    """The pure ranking's input: the sheets of the round's teams (others' sheets are left out)."""
    known = {team.team_id for team in inputs.teams if team.status != "disqualified"}
    rules = inputs.rules
    return RankingInput(
        criteria=inputs.criteria,
        sheets=[
            Sheet(
                entry=str(row.team_id),
                judge=str(row.judge_id),
                scores=row.scores,
                opened_at=row.opened_at,
                submitted_at=row.submitted_at,
            )
            for row in inputs.sheets
            if row.team_id in known
        ],
        method=rules.method,
        tie_break=rules.tie_break,
        expected={str(team): count for team, count in inputs.expected.items() if team in known},
        flag_threshold=rules.flag_threshold,
        trim_min_sheets=rules.trim_min_sheets,
        judge_scale=rules.judge_scale,
    )


def group_ranks(standings: Sequence[TeamStanding], key: Callable[[TeamStanding], str]) -> dict[int, int]:
    """Each ranked team's rank among the teams of its group (by national rank; ties share)."""
    groups: dict[str, list[TeamStanding]] = {}
    for standing in standings:
        if standing.rank is not None and standing.status == "submitted":
            groups.setdefault(key(standing), []).append(standing)
    ranks: dict[int, int] = {}
    for members in groups.values():
        members.sort(key=lambda s: (s.rank or 0, s.team_id))
        for standing, position in zip(members, competition_ranks([(s.rank or 0,) for s in members]), strict=True):
            ranks[standing.team_id] = position
    return ranks


def compute(inputs: Inputs) -> Snapshot:
    """Rank the submitted sheets, then decide advancement and awards under the round's rules.

    Raises `judging.ranking.InputError` when the pure modules refuse the input (a malformed sheet,
    a rule that does not hold together); a rule that selects nobody is not an error here but listed
    in `advancement.errors`.
    """
    data = ranking_input(inputs)
    ranking = rank(data)
    analytics = {item.judge: item for item in judge_analytics(data).judges} if data.sheets else {}
    by_entry = {item.entry: item for item in ranking.entries}
    standings: list[TeamStanding] = []
    for team in inputs.teams:
        result = by_entry.get(str(team.team_id))
        scored = result is not None and result.rank is not None and team.status == "submitted"
        standings.append(
            TeamStanding(
                team_id=team.team_id,
                team=team.name,
                university=team.university,
                region=team.region,
                region_name=team.region_name,
                track=team.track,
                status=team.status,
                score=result.score if scored and result else None,
                rank=result.rank if scored and result else None,
                sheets=result.sheets if result else 0,
                missing=result.missing if result else 0,
                spread=result.spread if result else None,
                flagged=bool(result and result.flagged),
            )
        )
    region_rank = group_ranks(standings, lambda s: s.region)
    track_rank = group_ranks(standings, lambda s: s.track.zh)
    for standing in standings:
        standing.region_rank = region_rank.get(standing.team_id)
        standing.track_rank = track_rank.get(standing.team_id)
    # Re-rank nationally among the ranked teams only (a disqualified team's place is not kept).
    ranked = sorted((s for s in standings if s.rank is not None), key=lambda s: (s.rank or 0, s.team_id))
    for standing, position in zip(ranked, competition_ranks([(s.rank or 0,) for s in ranked]), strict=True):
        standing.rank = position

    pure_teams = [
        Team(
            team=str(s.team_id),
            status=s.status,
            rank=s.rank,
            score=s.score,
            region=s.region_name.zh,
            track=s.track.zh,
        )
        for s in standings
    ]
    by_id = {str(s.team_id): s for s in standings}
    summary = None
    if inputs.rules.advancement is not None:
        outcome = advance(pure_teams, inputs.rules.advancement)
        for item in outcome.teams:
            standing = by_id[item.team]
            standing.advanced, standing.via, standing.advance_reason = item.advanced, item.via, item.reason
        summary = AdvancementSummary(
            groups=outcome.groups, wildcards_given=outcome.wildcards_given, notes=outcome.notes, errors=outcome.errors
        )
    tiers = []
    if inputs.rules.awards is not None:
        awarded = award(pure_teams, inputs.rules.awards)
        for prize in awarded.teams:
            by_id[prize.team].award, by_id[prize.team].award_reason = prize.tier, prize.reason
        tiers = awarded.tiers

    judges = []
    for effect in ranking.judges:
        numbers = analytics.get(effect.judge)
        judge_id = int(effect.judge)
        judges.append(
            JudgeStats(
                judge_id=judge_id,
                name=inputs.judges.get(judge_id, effect.judge),
                sheets=effect.sheets,
                bias=effect.bias,
                scale=effect.scale,
                leniency=numbers.leniency if numbers else None,
                straight_lined=numbers.straight_lined if numbers else 0,
                straight_line_share=numbers.straight_line_share if numbers else None,
                median_seconds=numbers.median_seconds if numbers else None,
                agreement=numbers.agreement if numbers else None,
                agreement_entries=numbers.agreement_entries if numbers else 0,
            )
        )
    judges.sort(key=lambda j: (j.name, j.judge_id))
    standings.sort(key=lambda s: (s.rank is None, s.rank or 0, s.team_id))
    return Snapshot(
        method=ranking.method,
        total_max=ranking.total_max,
        flag_threshold=ranking.flag_threshold,
        teams=standings,
        judges=judges,
        advancement=summary,
        tiers=tiers,
        tier_names=[tier.name for tier in inputs.rules.awards.tiers] if inputs.rules.awards else [],
    )
