"""Teams as advancement and awards see them: a status, a national rank and the fields they group by."""

from collections.abc import Sequence
from typing import Annotated, Literal

import msgspec

from judging.ranking.messages import InputError, Message, message

# A label organizers type (a group, a tier): one line, as every name people give.
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]

Status = Literal["submitted", "not_submitted", "disqualified"]
GroupKey = Literal["region", "track"]


class Team(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A team's standing in a round.

    `rank` is its rank in one national ranking of the round (`judging.ranking.rank`, ties already
    broken by the declared criteria and then shared), so that teams of any group compare by it;
    `score` is carried for display. A submitted team without a rank has not been scored.
    Disqualified teams are not counted among the submitting teams.
    """

    team: str
    status: Status = "submitted"
    rank: int | None = None
    score: float | None = None
    region: str | None = None
    track: str | None = None


class Standing(msgspec.Struct, frozen=True):
    """The ranked submitted teams of one group, best first, and their ranks inside the group."""

    label: str
    submitting: int
    ordered: list[Team]
    ranks: list[int]
    others: list[Team]

    def tie_block(self, cut: int) -> tuple[int, int] | None:
        """The tie across the cut after the group's first `cut` teams (see `tie_block`)."""
        return tie_block(self.ordered, cut)


def tie_block(ordered: Sequence[Team], cut: int) -> tuple[int, int] | None:
    """The positions [start, end) of the teams (sorted by rank) sharing a rank across the cut after
    `cut` teams, or None when the cut falls between two ranks."""
    if not 0 < cut < len(ordered) or ordered[cut - 1].rank != ordered[cut].rank:
        return None
    start, end = cut - 1, cut + 1
    while start > 0 and ordered[start - 1].rank == ordered[cut].rank:
        start -= 1
    while end < len(ordered) and ordered[end].rank == ordered[cut].rank:
        end += 1
    return start, end


def group_label(team: Team, group_by: Sequence[GroupKey], national_label: str) -> str:
    """The group a team belongs to, e.g. "华东" or "华东 / 小游戏"; `national_label` without keys."""
    return " / ".join(getattr(team, key) or "" for key in group_by) or national_label


def standings(teams: Sequence[Team], group_by: Sequence[GroupKey], national_label: str) -> list[Standing]:
    """Check the teams (raising `InputError`) and split them into groups sorted by label."""
    seen: set[str] = set()
    groups: dict[str, list[Team]] = {}
    for team in teams:
        if team.team in seen:
            raise InputError(message("teams_duplicate", team=team.team))
        seen.add(team.team)
        for key in group_by:
            if not getattr(team, key):
                raise InputError(message(f"teams_missing_{key}", team=team.team))
        if team.rank is not None and team.rank < 1:
            raise InputError(message("teams_bad_rank", team=team.team, rank=team.rank))
        groups.setdefault(group_label(team, group_by, national_label), []).append(team)
    result = []
    for label in sorted(groups):
        members = groups[label]
        ordered = sorted(
            (team for team in members if team.status == "submitted" and team.rank is not None),
            key=lambda team: (team.rank, team.team),
        )
        ranks: list[int] = []
        for position, team in enumerate(ordered):
            ranks.append(ranks[-1] if position and team.rank == ordered[position - 1].rank else position + 1)
        ranked = {team.team for team in ordered}
        others = sorted((team for team in members if team.team not in ranked), key=lambda team: team.team)
        submitting = sum(team.status == "submitted" for team in members)
        result.append(Standing(label=label, submitting=submitting, ordered=ordered, ranks=ranks, others=others))
    return result


def unranked_reason(team: Team) -> Message:
    """Why a team that is not among the ranked submitted teams gets nothing."""
    if team.status == "disqualified":
        return message("team_disqualified")
    if team.status == "not_submitted":
        return message("team_not_submitted")
    return message("team_not_scored")
