"""Organizer views of teams: filtered lists, counts and CSV export."""

import csv
import io
from typing import Any

import msgspec

from contest.teams.tables import Team, TeamAdvisor, TeamMember


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
        pattern = "%" + flt.q.strip().replace("%", "").replace("_", "") + "%"
        where &= Team.name.like(pattern) | Team.university.name_zh.like(pattern)
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
    ids = [r["id"] for r in rows] or [0]
    sizes: dict[int, int] = {}
    for m in await TeamMember.select(TeamMember.team).where(TeamMember.team.is_in(ids)):
        sizes[m["team"]] = sizes.get(m["team"], 0) + 1
    for row in rows:
        row["members"] = sizes.get(row["id"], 0)
    by_status: dict[str, int] = {}
    by_region: dict[str, int] = {}
    for t in await Team.select(Team.status, Team.university._.region._.code.as_alias("region")).where(where):
        by_status[t["status"]] = by_status.get(t["status"], 0) + 1
        by_region[t["region"]] = by_region.get(t["region"], 0) + 1
    return {"teams": rows, "total": sum(by_status.values()), "by_status": by_status, "by_region": by_region}


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
