"""Why a judge may not review a team: a pure function of the facts, each reason a message template.

The reasons: the judge is of the team's university; the judge advises the team (or was asked to);
the judge declared the team or its university; an organizer added the team or its university for
the judge. Same-university pairs need no list: the solver compares universities itself.
"""

from collections import defaultdict
from collections.abc import Iterable

import msgspec

TEMPLATES: dict[str, str] = {
    "same_university": "Same university as the team ({university})",
    "advisor": "The judge advises this team",
    "declared_team": "Declared by the judge for this team: {reason}",
    "declared_university": "Declared by the judge for every team of {university}: {reason}",
    "organizer_team": "Added by an organizer for this team: {reason}",
    "organizer_university": "Added by an organizer for every team of {university}: {reason}",
}


class Reason(msgspec.Struct, frozen=True):
    """One reason a pair is forbidden: its kind, English template (the msgid) and parameters."""

    kind: str
    text: str
    params: dict[str, str]


class TeamSide(msgspec.Struct, frozen=True, kw_only=True):
    team_id: int
    university_id: int
    university: str = ""
    advisors: list[int] = []


class JudgeSide(msgspec.Struct, frozen=True, kw_only=True):
    user_id: int
    university_id: int | None


class Stated(msgspec.Struct, frozen=True, kw_only=True):
    """A declared or organizer's conflict: one team, or every team of one university."""

    id: int
    judge_id: int
    team_id: int | None
    university_id: int | None
    university: str = ""
    source: str  # "declared" or "organizer"
    reason: str = ""


def _reason(kind: str, **params: str) -> Reason:
    return Reason(kind=kind, text=TEMPLATES[kind], params=params)


def reasons(judge: JudgeSide, team: TeamSide, stated: Iterable[Stated]) -> list[Reason]:
    """Every reason `judge` may not review `team` (an empty list: they may)."""
    out: list[Reason] = []
    if judge.university_id is not None and judge.university_id == team.university_id:
        out.append(_reason("same_university", university=team.university))
    if judge.user_id in team.advisors:
        out.append(_reason("advisor"))
    for conflict in stated:
        if conflict.judge_id != judge.user_id:
            continue
        if conflict.team_id == team.team_id:
            out.append(_reason(f"{conflict.source}_team", reason=conflict.reason))
        elif conflict.university_id is not None and conflict.university_id == team.university_id:
            out.append(_reason(f"{conflict.source}_university", university=conflict.university, reason=conflict.reason))
    return out


def listed_pairs(
    judge_ids: Iterable[int], teams: Iterable[TeamSide], stated: Iterable[Stated]
) -> dict[tuple[int, int], str]:
    """The (team, judge) pairs forbidden by an advisorship or a stated conflict, each with the kind of
    its first reason, among `judge_ids` and `teams` (same-university pairs are left to the solver)."""
    judges = set(judge_ids)
    teams = list(teams)
    known = {team.team_id for team in teams}
    by_university: dict[int, list[int]] = defaultdict(list)
    for team in teams:
        by_university[team.university_id].append(team.team_id)
    out: dict[tuple[int, int], str] = {}
    for team in teams:
        for advisor in team.advisors:
            if advisor in judges:
                out.setdefault((team.team_id, advisor), "advisor")
    for conflict in stated:
        if conflict.judge_id not in judges:
            continue
        if conflict.team_id is not None:
            targets = [conflict.team_id] if conflict.team_id in known else []
            kind = f"{conflict.source}_team"
        else:
            targets = by_university.get(conflict.university_id or 0, [])
            kind = f"{conflict.source}_university"
        for team_id in targets:
            out.setdefault((team_id, conflict.judge_id), kind)
    return out
