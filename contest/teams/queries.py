"""Organizer views of teams: filtered lists, counts and CSV export."""

import csv
import io
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from contest.db import contains
from contest.teams.service import name_subjects
from contest.teams.tables import ChangeApproval, ChangeRequest, ChangeStatus, Team, TeamAdvisor, TeamMember


class TeamFilter(msgspec.Struct, frozen=True, kw_only=True):
    region_ids: frozenset[int] | None = None  # None: every region (a national organizer)
    region_id: int | None = None
    university_id: int | None = None
    track_id: int | None = None
    status: str | None = None
    q: str = ""


def _where(contest_id: int, flt: TeamFilter) -> Any:
    where: Any = Team.contest == contest_id
    if flt.region_ids is not None:
        where &= Team.university.region.is_in(list(flt.region_ids) or [0])
    if flt.region_id is not None:
        where &= Team.university.region == flt.region_id
    if flt.university_id is not None:
        where &= Team.university == flt.university_id
    if flt.track_id is not None:
        where &= Team.track == flt.track_id
    if flt.status:
        where &= Team.status == flt.status
    if flt.q.strip():
        where &= contains(Team.name, flt.q) | contains(Team.university._.name_zh, flt.q)
    return where


COLUMNS = (
    Team.id,
    Team.name,
    Team.status,
    Team.created_at,
    Team.university.name_zh.as_alias("university"),
    Team.university._.region._.code.as_alias("region"),
    Team.track.name_zh.as_alias("track"),
    Team.leader.name.as_alias("leader_name"),
    Team.leader.email.as_alias("leader_email"),
)


async def list_teams(contest_id: int, flt: TeamFilter, *, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    """One page of teams with member counts, the total, and counts by status and by region."""
    where = _where(contest_id, flt)
    rows = await Team.select(*COLUMNS).where(where).order_by(Team.id).limit(per_page).offset((page - 1) * per_page)
    sizes = await member_counts([r["id"] for r in rows])
    for row in rows:
        row["members"] = sizes.get(row["id"], 0)
    by_status = await _counts(Team.status, where)
    by_region = await _counts(Team.university._.region._.code, where)
    return {"teams": rows, "total": sum(by_status.values()), "by_status": by_status, "by_region": by_region}


async def _counts(column: Any, where: Any) -> dict[Any, int]:
    """How many teams matching `where` have each value of `column` (counted by the database)."""
    rows = await Team.select(column.as_alias("value"), Count()).where(where).group_by(column)
    return {r["value"]: r["count"] for r in rows}


async def member_counts(team_ids: list[int]) -> dict[int, int]:
    rows = await (
        TeamMember.select(TeamMember.team, Count())
        .where(TeamMember.team.is_in(team_ids or [0]))
        .group_by(TeamMember.team)
    )
    return {r["team"]: r["count"] for r in rows}


async def pending_changes(contest_id: int, region_ids: frozenset[int] | None) -> list[dict[str, Any]]:
    """Change requests waiting for an organizer of these regions (None: all), oldest first, each with
    whom it is about and how many of the team's members have answered so far."""
    where: Any = (ChangeRequest.status == ChangeStatus.PENDING.value) & (ChangeRequest.team.contest == contest_id)
    if region_ids is not None:
        where &= ChangeRequest.team._.university._.region.is_in(list(region_ids) or [0])
    requests = (
        await ChangeRequest.select(
            ChangeRequest.id,
            ChangeRequest.team.as_alias("team_id"),
            ChangeRequest.team.name.as_alias("team"),
            ChangeRequest.change,
            ChangeRequest.reason,
            ChangeRequest.created_at,
        )
        .where(where)
        .order_by(ChangeRequest.id)
    )
    await name_subjects(requests)
    answered = {
        a["request"]: a["count"]
        for a in await ChangeApproval.select(ChangeApproval.request, Count())
        .where(ChangeApproval.request.is_in([r["id"] for r in requests] or [0]))
        .group_by(ChangeApproval.request)
    }
    sizes = await member_counts([r["team_id"] for r in requests])
    for request in requests:
        request["answered"] = answered.get(request["id"], 0)
        request["members"] = sizes.get(request["team_id"], 0)
    return requests


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that would start a formula (a team may name
    itself "=HYPERLINK(...)") is prefixed with an apostrophe, as OWASP advises for CSV export."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


async def export_csv(contest_id: int, flt: TeamFilter) -> str:
    """Every team matching the filter, one row per team with its members and advisor (UTF-8 with BOM
    so that Excel opens the Chinese correctly)."""
    teams = await Team.select(*COLUMNS).where(_where(contest_id, flt)).order_by(Team.id)
    ids = [t["id"] for t in teams] or [0]
    members: dict[int, list[str]] = {}
    for m in (
        await TeamMember.select(
            TeamMember.team, TeamMember.user.name.as_alias("name"), TeamMember.user.email.as_alias("email")
        )
        .where(TeamMember.team.is_in(ids))
        .order_by(TeamMember.id)
    ):
        members.setdefault(m["team"], []).append(f"{m['name']} <{m['email']}>")
    advisors: dict[int, str] = {}
    for a in await TeamAdvisor.select(TeamAdvisor.team, TeamAdvisor.user.name.as_alias("name")).where(
        TeamAdvisor.team.is_in(ids) & (TeamAdvisor.status == "confirmed")
    ):
        advisors[a["team"]] = a["name"]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "team",
            "status",
            "region",
            "university",
            "track",
            "leader",
            "leader_email",
            "members",
            "advisor",
            "created_at",
        ]
    )
    for t in teams:
        writer.writerow(
            _cell(v)
            for v in [
                t["id"],
                t["name"],
                t["status"],
                t["region"],
                t["university"],
                t["track"],
                t["leader_name"],
                t["leader_email"],
                "; ".join(members.get(t["id"], [])),
                advisors.get(t["id"], ""),
                t["created_at"].isoformat(),
            ]
        )
    return out.getvalue()
