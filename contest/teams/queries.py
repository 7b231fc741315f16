"""Reading teams: one team for its members, advisors and organizers; organizers' filtered lists,
counts, pending change requests and CSV export; what a mailed link is about; roster facts."""

import csv
import io
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from contest.accounts import service as accounts
from contest.accounts.tokens import digest
from contest.lib.audit.service import entries_for
from contest.lib.db import contains, json_value
from contest.lib.errors import Forbidden
from contest.lib.principal import Principal
from contest.lib.runtime import RosterFacts, Runtime
from contest.lib.schemas import Id, Line32, Line100, Name
from contest.teams import access
from contest.teams.common import advisor_ids, load_team, member_ids
from contest.teams.schemas import (
    AdvisorOut,
    ChangeRequestOut,
    InvitationOut,
    LinkView,
    MemberOut,
    PendingChangeOut,
    TeamListOut,
    TeamOut,
    TeamRowOut,
)
from contest.teams.tables import (
    ACTIVE_ADVISOR_STATUSES,
    ChangeApproval,
    ChangeRequest,
    ChangeStatus,
    Invitation,
    InvitationStatus,
    Team,
    TeamAdvisor,
    TeamMember,
)

STATUSES = ("active", "withdrawn", "disqualified")


class TeamFilter(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The organizers' team list filters; None (or an empty choice on a form) means all."""

    region_id: Id | None = None
    university_id: Id | None = None
    track_id: Id | None = None
    status: Line32 | None = None
    q: Line100 = ""


async def team_for(rt: Runtime, actor: Principal, team_id: int) -> TeamOut:
    """A team, to its members, its advisors and its organizers (only the leader sees the join code)."""
    team = await load_team(team_id)
    access.require_reader(actor, team, await member_ids(team_id), await advisor_ids(team_id))
    return await _detail(rt, team_id, actor.user_id)


async def my_team(rt: Runtime, actor: Principal, contest_id: int) -> TeamOut | None:
    """The caller's team in a contest, or None."""
    team_id = await team_of(actor.user_id, contest_id)
    return None if team_id is None else await _detail(rt, team_id, actor.user_id)


async def _detail(rt: Runtime, team_id: int, viewer_id: int) -> TeamOut:
    team = await (
        Team.select(
            *Team.all_columns(),
            Team.university._.name_zh.as_alias("university_zh"),
            Team.university._.name_en.as_alias("university_en"),
            Team.university._.region.as_alias("region"),
            Team.track._.name_zh.as_alias("track_zh"),
            Team.track._.name_en.as_alias("track_en"),
            Team.contest._.registration_deadline.as_alias("deadline"),
        )
        .where(Team.id == team_id)
        .first()
    )
    assert team is not None  # loaded by the caller
    members = (
        await TeamMember.select(TeamMember.user, TeamMember.joined_at)
        .where(TeamMember.team == team_id)
        .order_by(TeamMember.id)
    )
    advisors = await TeamAdvisor.select(TeamAdvisor.user, TeamAdvisor.status).where(
        (TeamAdvisor.team == team_id) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES))
    )
    invitations = await Invitation.select(
        Invitation.id, Invitation.email, Invitation.status, Invitation.expires_at
    ).where((Invitation.team == team_id) & (Invitation.status == InvitationStatus.PENDING.value))
    requests = await _requests(team_id)
    people = await accounts.accounts(
        [m["user"] for m in members] + [a["user"] for a in advisors] + [r.requested_by for r in requests]
    )
    return TeamOut(
        id=team["id"],
        contest_id=team["contest"],
        name=team["name"],
        status=team["status"],
        status_reason=team["status_reason"],
        track_id=team["track"],
        track_name=team["track_zh"],
        track=Name(team["track_zh"], team["track_en"]),
        university_id=team["university"],
        university_name=team["university_zh"],
        university=Name(team["university_zh"], team["university_en"]),
        region_id=team["region"],
        leader_id=team["leader"],
        locked=team["deadline"] is not None and rt.clock.now() >= team["deadline"],
        deadline=team["deadline"],
        join_code=team["join_code"] if team["leader"] == viewer_id else None,
        members=[
            MemberOut(m["user"], people[m["user"]].name, people[m["user"]].email, m["joined_at"]) for m in members
        ],
        invitations=[InvitationOut(**i) for i in invitations],
        advisors=[AdvisorOut(a["user"], people[a["user"]].name, a["status"]) for a in advisors],
        change_requests=requests,
    )


async def _requests(team_id: int) -> list[ChangeRequestOut]:
    rows = (
        await ChangeRequest.select(
            ChangeRequest.id,
            ChangeRequest.change,
            ChangeRequest.status,
            ChangeRequest.reason,
            ChangeRequest.requested_by,
            ChangeRequest.created_at,
        )
        .where(ChangeRequest.team == team_id)
        .order_by(ChangeRequest.id)
    )
    answers = await ChangeApproval.select(ChangeApproval.request, ChangeApproval.member).where(
        ChangeApproval.request.is_in([r["id"] for r in rows] or [0])
    )
    whom = await _subjects(rows)
    return [
        ChangeRequestOut(
            id=r["id"],
            change=r["change"],
            status=r["status"],
            reason=r["reason"],
            requested_by=r["requested_by"],
            created_at=r["created_at"],
            answered_by=[a["member"] for a in answers if a["request"] == r["id"]],
            who=whom[r["id"]],
        )
        for r in rows
    ]


async def _subjects(requests: list[dict[str, Any]]) -> dict[int, str]:
    """Decode each request's change and say whom it is about: the e-mail it names, or the member's
    name, looked up because a removed member is no longer on the roster."""
    for request in requests:
        request["change"] = json_value(request["change"])
    ids = [r["change"]["user_id"] for r in requests if isinstance(r["change"].get("user_id"), int)]
    names = {i: a.name for i, a in (await accounts.accounts(ids)).items()}
    return {r["id"]: r["change"].get("email") or names.get(r["change"].get("user_id"), "") for r in requests}


async def team_of(user_id: int, contest_id: int) -> int | None:
    row = (
        await TeamMember.select(TeamMember.team)
        .where((TeamMember.user == user_id) & (TeamMember.contest == contest_id))
        .first()
    )
    return None if row is None else int(row["team"])


async def team_of_request(request_id: int) -> int | None:
    row = await ChangeRequest.select(ChangeRequest.team).where(ChangeRequest.id == request_id).first()
    return None if row is None else int(row["team"])


async def history(actor: Principal, team_id: int) -> list[dict[str, Any]]:
    """The team's audit history, for its organizers."""
    access.require_organizer(actor, await load_team(team_id))
    return await entries_for("team", team_id)


def _regions(actor: Principal, contest_id: int) -> frozenset[int] | None:
    if not actor.organizes(contest_id):
        raise Forbidden("You do not have the right to do this.")
    return actor.organizer_regions(contest_id)


def _where(contest_id: int, regions: frozenset[int] | None, flt: TeamFilter) -> Any:
    where: Any = Team.contest == contest_id
    if regions is not None:
        where &= Team.university._.region.is_in(list(regions) or [0])
    if flt.region_id is not None:
        where &= Team.university._.region == flt.region_id
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
    Team.university._.name_zh.as_alias("university"),
    Team.university._.name_en.as_alias("university_en"),
    Team.university._.region._.code.as_alias("region"),
    Team.university._.region._.name_zh.as_alias("region_zh"),
    Team.university._.region._.name_en.as_alias("region_en"),
    Team.track._.name_zh.as_alias("track"),
    Team.track._.name_en.as_alias("track_en"),
    Team.leader.as_alias("leader_id"),
)


async def _rows(where: Any, limit: int | None = None, offset: int = 0) -> list[TeamRowOut]:
    query = Team.select(*COLUMNS).where(where).order_by(Team.id)
    rows = await (query.limit(limit).offset(offset) if limit else query)
    leaders = await accounts.accounts([r["leader_id"] for r in rows])
    sizes = await _member_counts([r["id"] for r in rows])
    return [
        TeamRowOut(
            id=r["id"],
            name=r["name"],
            status=r["status"],
            created_at=r["created_at"],
            university=r["university"],
            university_en=r["university_en"] or "",
            region=r["region"],
            region_name=Name(r["region_zh"], r["region_en"]),
            track=r["track"],
            track_en=r["track_en"] or "",
            leader_name=leaders[r["leader_id"]].name,
            leader_email=leaders[r["leader_id"]].email,
            members=sizes.get(r["id"], 0),
        )
        for r in rows
    ]


async def list_teams(
    actor: Principal, contest_id: int, flt: TeamFilter, *, page: int = 1, per_page: int = 50
) -> TeamListOut:
    """One page of teams with member counts, the total, and counts by status and by region
    (a regional organizer sees their regions only)."""
    where = _where(contest_id, _regions(actor, contest_id), flt)
    rows = await _rows(where, per_page, (page - 1) * per_page)
    by_status = await _counts(Team.status, where)
    by_region = await _counts(Team.university._.region._.code, where)
    return TeamListOut(rows, sum(by_status.values()), by_status, by_region)


async def _counts(column: Any, where: Any) -> dict[Any, int]:
    """How many teams matching `where` have each value of `column` (counted by the database)."""
    rows = await Team.select(column.as_alias("value"), Count()).where(where).group_by(column)
    return {r["value"]: r["count"] for r in rows}


async def _member_counts(team_ids: list[int]) -> dict[int, int]:
    rows = await (
        TeamMember.select(TeamMember.team, Count())
        .where(TeamMember.team.is_in(team_ids or [0]))
        .group_by(TeamMember.team)
    )
    return {r["team"]: r["count"] for r in rows}


async def pending_changes(actor: Principal, contest_id: int) -> list[PendingChangeOut]:
    """Change requests waiting for an organizer of the actor's regions, oldest first, each with whom
    it is about and how many of the team's members have answered so far."""
    regions = _regions(actor, contest_id)
    where: Any = (ChangeRequest.status == ChangeStatus.PENDING.value) & (ChangeRequest.team._.contest == contest_id)
    if regions is not None:
        where &= ChangeRequest.team._.university._.region.is_in(list(regions) or [0])
    requests = (
        await ChangeRequest.select(
            ChangeRequest.id,
            ChangeRequest.team.as_alias("team_id"),
            ChangeRequest.team._.name.as_alias("team"),
            ChangeRequest.change,
            ChangeRequest.reason,
            ChangeRequest.created_at,
        )
        .where(where)
        .order_by(ChangeRequest.id)
    )
    whom = await _subjects(requests)
    answered = {
        a["request"]: a["count"]
        for a in await ChangeApproval.select(ChangeApproval.request, Count())
        .where(ChangeApproval.request.is_in([r["id"] for r in requests] or [0]))
        .group_by(ChangeApproval.request)
    }
    sizes = await _member_counts([r["team_id"] for r in requests])
    return [
        PendingChangeOut(**r, who=whom[r["id"]], answered=answered.get(r["id"], 0), members=sizes.get(r["team_id"], 0))
        for r in requests
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that would start a formula (a team may name
    itself "=HYPERLINK(...)") is prefixed with an apostrophe, as OWASP advises for CSV export."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


async def export_csv(actor: Principal, contest_id: int, flt: TeamFilter) -> str:
    """Every team matching the filter, one row per team with its members and advisor (UTF-8 with BOM
    so that Excel opens the Chinese correctly)."""
    teams = await _rows(_where(contest_id, _regions(actor, contest_id), flt))
    ids = [t.id for t in teams] or [0]
    memberships = (
        await TeamMember.select(TeamMember.team, TeamMember.user)
        .where(TeamMember.team.is_in(ids))
        .order_by(TeamMember.id)
    )
    advisors = await TeamAdvisor.select(TeamAdvisor.team, TeamAdvisor.user).where(
        TeamAdvisor.team.is_in(ids) & (TeamAdvisor.status == "confirmed")
    )
    people = await accounts.accounts([m["user"] for m in memberships] + [a["user"] for a in advisors])
    members: dict[int, list[str]] = {}
    for m in memberships:
        members.setdefault(m["team"], []).append(f"{people[m['user']].name} <{people[m['user']].email}>")
    advisor = {a["team"]: people[a["user"]].name for a in advisors}
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
                t.id,
                t.name,
                t.status,
                t.region,
                t.university,
                t.track,
                t.leader_name,
                t.leader_email,
                "; ".join(members.get(t.id, [])),
                advisor.get(t.id, ""),
                t.created_at.isoformat(),
            ]
        )
    return out.getvalue()


async def invitation_view(token: str) -> LinkView | None:
    """What a team invitation link is about (the page asks to accept or decline it)."""
    row = (
        await Invitation.select(Invitation.team._.name.as_alias("team"), Invitation.email, Invitation.status)
        .where(Invitation.token_hash == digest(token))
        .first()
    )
    return None if row is None else LinkView(team=row["team"], email=row["email"], status=row["status"])


async def advisor_request_view(token: str) -> LinkView | None:
    row = (
        await TeamAdvisor.select(TeamAdvisor.team._.name.as_alias("team"), TeamAdvisor.status)
        .where(TeamAdvisor.token_hash == digest(token))
        .first()
    )
    return None if row is None else LinkView(team=row["team"], status=row["status"])


async def roster_facts(contest_id: int) -> RosterFacts:
    """The largest team, the most advisors of one team, and whether any team mixes universities."""
    sizes = (
        await TeamMember.select(TeamMember.team, Count())
        .where(TeamMember.contest == contest_id)
        .group_by(TeamMember.team)
    )
    active = TeamAdvisor.team.is_in(Team.select(Team.id).where(Team.contest == contest_id)) & TeamAdvisor.status.is_in(
        list(ACTIVE_ADVISOR_STATUSES)
    )
    advisor_counts = await TeamAdvisor.select(TeamAdvisor.team, Count()).where(active).group_by(TeamAdvisor.team)
    members = await TeamMember.select(TeamMember.team._.university.as_alias("team"), TeamMember.user).where(
        TeamMember.contest == contest_id
    )
    advisors = await TeamAdvisor.select(TeamAdvisor.team._.university.as_alias("team"), TeamAdvisor.user).where(active)
    people = await accounts.accounts([r["user"] for r in [*members, *advisors]])
    return RosterFacts(
        largest_team=max((int(r["count"]) for r in sizes), default=0),
        most_advisors=max((int(r["count"]) for r in advisor_counts), default=0),
        mixes_universities=any(r["team"] != people[r["user"]].university_id for r in [*members, *advisors]),
    )
