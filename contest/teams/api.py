"""JSON API of teams, invitations, advisors and roster change requests."""

from typing import Annotated, Literal

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK

from contest.lib.guards import authenticated, organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.teams import advisors, changes, queries, roster
from contest.teams.queries import TeamFilter
from contest.teams.schemas import (
    ChangeAnswerIn,
    ChangeIn,
    DecisionIn,
    IdOut,
    InvitationIn,
    JoinCodeIn,
    JoinCodeOut,
    MemberIn,
    ReasonIn,
    StatusIn,
    TeamIn,
    TeamListOut,
    TeamOut,
    TeamRef,
)

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
Status = Literal["active", "withdrawn", "disqualified"]


class ContestTeamsController(Controller):
    path = "/contests/{contest_id:int}"
    tags = ["teams"]
    guards = [authenticated]

    @post("/teams")
    async def create(self, contest_id: FromPath[int], data: JSONBody[TeamIn], rt: Rt, actor: Actor) -> TeamOut:
        """A student creates a team and becomes its leader."""
        return await roster.create_team(rt, actor, contest_id, data)

    @get("/my-team")
    async def my_team(self, contest_id: FromPath[int], rt: Rt, actor: Actor) -> TeamOut | None:
        """The caller's team in this contest, or null."""
        return await queries.my_team(rt, actor, contest_id)

    @post("/join", status_code=HTTP_200_OK)
    async def join(self, contest_id: FromPath[int], data: JSONBody[JoinCodeIn], rt: Rt, actor: Actor) -> TeamRef:
        """Join a team with the code its leader shared."""
        return await roster.join_by_code(rt, actor, contest_id, data)


class TeamController(Controller):
    path = "/teams/{team_id:int}"
    tags = ["teams"]
    guards = [authenticated]

    @get("/")
    async def show(self, team_id: FromPath[int], rt: Rt, actor: Actor) -> TeamOut:
        """A team, to its members, its advisor and organizers."""
        return await queries.team_for(rt, actor, team_id)

    @post("/invitations")
    async def invite(self, team_id: FromPath[int], data: JSONBody[InvitationIn], rt: Rt, actor: Actor) -> IdOut:
        """The leader invites a student by e-mail (single-use link)."""
        return await roster.invite_member(rt, actor, team_id, data)

    @post("/invitations/{invitation_id:int}/revoke", status_code=HTTP_200_OK)
    async def revoke(self, team_id: FromPath[int], invitation_id: FromPath[int], rt: Rt, actor: Actor) -> TeamOut:
        return await roster.revoke_invitation(rt, actor, team_id, invitation_id)

    @post("/join-code", status_code=HTTP_200_OK)
    async def rotate_code(self, team_id: FromPath[int], rt: Rt, actor: Actor) -> JoinCodeOut:
        """A fresh join code; the previous one stops working."""
        return await roster.set_join_code(rt, actor, team_id)

    @post("/join-code/disable", status_code=HTTP_200_OK)
    async def disable_code(self, team_id: FromPath[int], rt: Rt, actor: Actor) -> JoinCodeOut:
        return await roster.set_join_code(rt, actor, team_id, enabled=False)

    @post("/leave", status_code=HTTP_200_OK)
    async def leave(self, team_id: FromPath[int], rt: Rt, actor: Actor) -> None:
        await roster.leave_team(rt, actor, team_id)

    @post("/remove-member", status_code=HTTP_200_OK)
    async def remove_member(self, team_id: FromPath[int], data: JSONBody[MemberIn], rt: Rt, actor: Actor) -> TeamOut:
        return await roster.remove_member(rt, actor, team_id, data)

    @post("/transfer-leadership", status_code=HTTP_200_OK)
    async def transfer(self, team_id: FromPath[int], data: JSONBody[MemberIn], rt: Rt, actor: Actor) -> TeamOut:
        return await roster.transfer_leadership(rt, actor, team_id, data)

    @post("/advisor")
    async def invite_advisor(self, team_id: FromPath[int], data: JSONBody[InvitationIn], rt: Rt, actor: Actor) -> IdOut:
        """The leader names a teacher of the same university, who confirms by the mailed link."""
        return await advisors.invite_advisor(rt, actor, team_id, data)

    @post("/advisor/remove", status_code=HTTP_200_OK)
    async def remove_advisor(self, team_id: FromPath[int], rt: Rt, actor: Actor) -> TeamOut:
        return await advisors.remove_advisor(rt, actor, team_id)

    @post("/withdraw", status_code=HTTP_200_OK)
    async def withdraw(self, team_id: FromPath[int], data: JSONBody[ReasonIn], rt: Rt, actor: Actor) -> TeamOut:
        return await roster.withdraw_team(rt, actor, team_id, data)

    @post("/change-requests")
    async def request_change(self, team_id: FromPath[int], data: JSONBody[ChangeIn], rt: Rt, actor: Actor) -> IdOut:
        """After the lock: ask for a roster change; every member approves, then an organizer decides."""
        return await changes.request_change(rt, actor, team_id, data)


class InvitationController(Controller):
    path = "/invitations/{token:str}"
    tags = ["teams"]
    guards = [authenticated]

    @post("/accept", status_code=HTTP_200_OK)
    async def accept(self, token: FromPath[str], rt: Rt, actor: Actor) -> TeamRef:
        """Accept a team invitation sent to one's own address."""
        return await roster.accept_invitation(rt, actor, token)

    @post("/decline", status_code=HTTP_200_OK)
    async def decline(self, token: FromPath[str], rt: Rt, actor: Actor) -> None:
        await roster.decline_invitation(rt, actor, token)


class AdvisorRequestController(Controller):
    path = "/advisor-requests/{token:str}"
    tags = ["teams"]
    guards = [authenticated]

    @post("/", status_code=HTTP_200_OK)
    async def answer(self, token: FromPath[str], data: JSONBody[DecisionIn], rt: Rt, actor: Actor) -> TeamRef:
        """The teacher confirms (accept=true) or declines advising the team."""
        return await advisors.answer_request(rt, actor, token, data)


class ChangeRequestController(Controller):
    path = "/change-requests/{request_id:int}"
    tags = ["teams"]

    @post("/answer", status_code=HTTP_200_OK, guards=[authenticated])
    async def answer(self, request_id: FromPath[int], data: JSONBody[ChangeAnswerIn], rt: Rt, actor: Actor) -> None:
        """A member approves or refuses; an organizer may answer for a named member, with a reason."""
        await changes.answer_change(rt, actor, request_id, data)

    @post("/decision", status_code=HTTP_200_OK, guards=[organizer])
    async def decide(self, request_id: FromPath[int], data: JSONBody[DecisionIn], rt: Rt, actor: Actor) -> None:
        """An organizer accepts (applying it) or rejects the change."""
        await changes.decide_change(rt, actor, request_id, data)


class OrganizerTeamController(Controller):
    path = "/teams/{team_id:int}/status"
    tags = ["teams"]
    guards = [organizer]

    @post("/", status_code=HTTP_200_OK)
    async def set_status(self, team_id: FromPath[int], data: JSONBody[StatusIn], rt: Rt, actor: Actor) -> TeamOut:
        """Disqualify or reinstate a team, with a reason (audited)."""
        return await roster.set_status(rt, actor, team_id, data)


class OrganizerTeamListController(Controller):
    path = "/contests/{contest_id:int}"
    tags = ["teams"]
    guards = [organizer]

    @get("/teams")
    async def list_teams(
        self,
        contest_id: FromPath[int],
        actor: Actor,
        region_id: FromQuery[int | None] = None,
        university_id: FromQuery[int | None] = None,
        track_id: FromQuery[int | None] = None,
        status: FromQuery[Status | None] = None,
        q: Annotated[str, Parameter(max_length=60)] = "",
        page: Annotated[int, Parameter(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=500)] = 50,
    ) -> TeamListOut:
        """Teams by region, university, track and status, with search and counts (regional organizers
        see their regions only)."""
        flt = TeamFilter(region_id=region_id, university_id=university_id, track_id=track_id, status=status, q=q)
        return await queries.list_teams(actor, contest_id, flt, page=page, per_page=per_page)

    @get("/teams.csv", media_type="text/csv")
    async def export(
        self,
        contest_id: FromPath[int],
        actor: Actor,
        region_id: FromQuery[int | None] = None,
        university_id: FromQuery[int | None] = None,
        track_id: FromQuery[int | None] = None,
        status: FromQuery[Status | None] = None,
        q: Annotated[str, Parameter(max_length=60)] = "",
    ) -> Response[str]:
        """The same filtered list as CSV, one row per team with members and advisor."""
        flt = TeamFilter(region_id=region_id, university_id=university_id, track_id=track_id, status=status, q=q)
        return Response(
            await queries.export_csv(actor, contest_id, flt),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="teams-{contest_id}.csv"'},
        )
