"""JSON API of teams, invitations, advisors and roster change requests."""

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK

from contest.accounts.api import me
from contest.accounts.guards import authenticated, organizer
from contest.accounts.principal import Principal
from contest.accounts.tables import Role
from contest.clock import Clock
from contest.errors import Forbidden
from contest.settings import Settings
from contest.teams import queries, service

Reason = Annotated[str, msgspec.Meta(max_length=1000)]


class TeamIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=100)]
    track_id: int


class InvitationIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=254)]


class JoinCodeIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(max_length=16)]


class JoinCodeOut(msgspec.Struct):
    code: str | None


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    user_id: int


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason = ""


class ChangeIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    op: Literal["add_member", "remove_member", "transfer_leader", "set_advisor", "remove_advisor"]
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    user_id: int | None = None
    reason: Reason = ""


class ChangeAnswerIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    approve: bool
    # An organizer answering for an unresponsive member names them and gives a reason.
    member_id: int | None = None
    reason: Reason = ""


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    accept: bool
    reason: Reason = ""


class StatusIn(msgspec.Struct, forbid_unknown_fields=True):
    disqualify: bool
    reason: Reason


class MemberOut(msgspec.Struct):
    user_id: int
    name: str
    email: str
    joined_at: datetime


class InvitationOut(msgspec.Struct):
    id: int
    email: str
    status: str
    expires_at: datetime


class AdvisorOut(msgspec.Struct):
    user_id: int
    name: str
    status: str


class ChangeRequestOut(msgspec.Struct):
    id: int
    change: dict[str, Any]
    status: str
    reason: str
    requested_by: int
    created_at: datetime
    # Members who have answered (the requester approves by asking).
    answered_by: list[int]
    # Whom the change is about: the e-mail it names or the member's name.
    who: str


class TeamOut(msgspec.Struct, kw_only=True):
    id: int
    contest_id: int
    name: str
    status: str
    status_reason: str
    track_id: int
    track_name: str
    university_id: int
    university_name: str
    leader_id: int
    locked: bool
    deadline: datetime | None
    join_code: str | None
    members: list[MemberOut]
    invitations: list[InvitationOut]
    advisors: list[AdvisorOut]
    change_requests: list[ChangeRequestOut]


class TeamRef(msgspec.Struct):
    team_id: int


class IdOut(msgspec.Struct):
    id: int


async def team_out(clock: Clock, team_id: int, viewer_id: int) -> TeamOut:
    row = await service.team_detail(clock, team_id)
    return TeamOut(
        id=row["id"],
        contest_id=row["contest"],
        name=row["name"],
        status=row["status"],
        status_reason=row["status_reason"],
        track_id=row["track"],
        track_name=row["track_name"],
        university_id=row["university"],
        university_name=row["university_name"],
        leader_id=row["leader"],
        locked=row["locked"],
        deadline=row["deadline"],
        # Only the leader sees (and shares) the join code.
        join_code=row["join_code"] if row["leader"] == viewer_id else None,
        members=[msgspec.convert(m, MemberOut) for m in row["members"]],
        invitations=[msgspec.convert(i, InvitationOut) for i in row["invitations"]],
        advisors=[msgspec.convert(a, AdvisorOut) for a in row["advisors"]],
        change_requests=[msgspec.convert(c, ChangeRequestOut) for c in row["change_requests"]],
    )


async def organizes_team(principal: Principal, team_id: int) -> bool:
    """Organizer grants are scoped by contest and region: check them against this team."""
    contest_id, region_id = await service.contest_and_region(team_id)
    regions = principal.organizer_regions(contest_id)
    return principal.has_role(Role.ORGANIZER, contest_id) and (regions is None or region_id in regions)


async def require_organizer_of_team(principal: Principal, team_id: int) -> None:
    if not await organizes_team(principal, team_id):
        raise Forbidden("You do not organize this team's contest or region.")


async def readable_team(request: Request[Any, Any, Any], clock: Clock, team_id: int) -> TeamOut:
    principal = me(request)
    if not await service.can_read_team(principal.user_id, await organizes_team(principal, team_id), team_id):
        raise Forbidden("You can only see your own team.")
    return await team_out(clock, team_id, principal.user_id)


class ContestTeamsController(Controller):
    path = "/contests/{contest_id:int}"
    tags = ["teams"]
    guards = [authenticated]

    @post("/teams")
    async def create(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        data: JSONBody[TeamIn],
        clock: NamedDependency[Clock],
    ) -> TeamOut:
        """A student creates a team and becomes its leader."""
        user_id = me(request).user_id
        team_id = await service.create_team(
            clock, actor_id=user_id, contest_id=contest_id, name=data.name, track_id=data.track_id
        )
        return await team_out(clock, team_id, user_id)

    @get("/my-team")
    async def my_team(
        self, request: Request[Any, Any, Any], contest_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> TeamOut | None:
        """The caller's team in this contest, or null."""
        user_id = me(request).user_id
        team_id = await service.team_of(user_id, contest_id)
        return None if team_id is None else await team_out(clock, team_id, user_id)

    @post("/join", status_code=HTTP_200_OK)
    async def join(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        data: JSONBody[JoinCodeIn],
        clock: NamedDependency[Clock],
    ) -> TeamRef:
        """Join a team with the code its leader shared."""
        team_id = await service.join_by_code(clock, user_id=me(request).user_id, contest_id=contest_id, code=data.code)
        return TeamRef(team_id)


class TeamController(Controller):
    path = "/teams/{team_id:int}"
    tags = ["teams"]
    guards = [authenticated]

    @get("/")
    async def show(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> TeamOut:
        """A team, to its members, its advisor and organizers."""
        return await readable_team(request, clock, team_id)

    @post("/invitations")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        team_id: FromPath[int],
        data: JSONBody[InvitationIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> IdOut:
        """The leader invites a student by e-mail (single-use link)."""
        invitation_id = await service.invite_member(
            clock, settings.public_base_url, actor_id=me(request).user_id, team_id=team_id, email=data.email
        )
        return IdOut(invitation_id)

    @post("/invitations/{invitation_id:int}/revoke", status_code=HTTP_200_OK)
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        team_id: FromPath[int],
        invitation_id: FromPath[int],
        clock: NamedDependency[Clock],
    ) -> TeamOut:
        user_id = me(request).user_id
        await service.revoke_invitation(clock, actor_id=user_id, team_id=team_id, invitation_id=invitation_id)
        return await team_out(clock, team_id, user_id)

    @post("/join-code", status_code=HTTP_200_OK)
    async def rotate_code(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> JoinCodeOut:
        """A fresh join code; the previous one stops working."""
        return JoinCodeOut(await service.rotate_join_code(clock, actor_id=me(request).user_id, team_id=team_id))

    @post("/join-code/disable", status_code=HTTP_200_OK)
    async def disable_code(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> JoinCodeOut:
        await service.rotate_join_code(clock, actor_id=me(request).user_id, team_id=team_id, enabled=False)
        return JoinCodeOut(None)

    @post("/leave", status_code=HTTP_200_OK)
    async def leave(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> None:
        await service.leave_team(clock, user_id=me(request).user_id, team_id=team_id)

    @post("/remove-member", status_code=HTTP_200_OK)
    async def remove_member(
        self,
        request: Request[Any, Any, Any],
        team_id: FromPath[int],
        data: JSONBody[MemberIn],
        clock: NamedDependency[Clock],
    ) -> TeamOut:
        user_id = me(request).user_id
        await service.remove_member(clock, actor_id=user_id, team_id=team_id, member_id=data.user_id)
        return await team_out(clock, team_id, user_id)

    @post("/transfer-leadership", status_code=HTTP_200_OK)
    async def transfer(
        self,
        request: Request[Any, Any, Any],
        team_id: FromPath[int],
        data: JSONBody[MemberIn],
        clock: NamedDependency[Clock],
    ) -> TeamOut:
        user_id = me(request).user_id
        await service.transfer_leadership(clock, actor_id=user_id, team_id=team_id, member_id=data.user_id)
        return await team_out(clock, team_id, user_id)

    @post("/advisor")
    async def invite_advisor(
        self,
        request: Request[Any, Any, Any],
        team_id: FromPath[int],
        data: JSONBody[InvitationIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> IdOut:
        """The leader names a teacher of the same university, who confirms by the mailed link."""
        advisor_id = await service.invite_advisor(
            clock, settings.public_base_url, actor_id=me(request).user_id, team_id=team_id, email=data.email
        )
        return IdOut(advisor_id)

    @post("/advisor/remove", status_code=HTTP_200_OK)
    async def remove_advisor(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> TeamOut:
        user_id = me(request).user_id
        await service.remove_advisor(clock, actor_id=user_id, team_id=team_id)
        return await team_out(clock, team_id, user_id)

    @post("/withdraw", status_code=HTTP_200_OK)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        team_id: FromPath[int],
        data: JSONBody[ReasonIn],
        clock: NamedDependency[Clock],
    ) -> TeamOut:
        user_id = me(request).user_id
        await service.withdraw_team(clock, actor_id=user_id, team_id=team_id, reason=data.reason)
        return await team_out(clock, team_id, user_id)

    @post("/change-requests")
    async def request_change(
        self,
        request: Request[Any, Any, Any],
        team_id: FromPath[int],
        data: JSONBody[ChangeIn],
        clock: NamedDependency[Clock],
    ) -> IdOut:
        """After the lock: ask for a roster change; every member approves, then an organizer decides."""
        change: dict[str, Any] = {"op": data.op}
        if data.email is not None:
            change["email"] = data.email.strip().lower()
        if data.user_id is not None:
            change["user_id"] = data.user_id
        request_id = await service.request_change(
            clock, actor_id=me(request).user_id, team_id=team_id, change=change, reason=data.reason
        )
        return IdOut(request_id)


class InvitationController(Controller):
    path = "/invitations/{token:str}"
    tags = ["teams"]
    guards = [authenticated]

    @post("/accept", status_code=HTTP_200_OK)
    async def accept(
        self, request: Request[Any, Any, Any], token: FromPath[str], clock: NamedDependency[Clock]
    ) -> TeamRef:
        """Accept a team invitation sent to one's own address."""
        return TeamRef(await service.accept_invitation(clock, user_id=me(request).user_id, token=token))

    @post("/decline", status_code=HTTP_200_OK)
    async def decline(
        self, request: Request[Any, Any, Any], token: FromPath[str], clock: NamedDependency[Clock]
    ) -> None:
        await service.decline_invitation(clock, user_id=me(request).user_id, token=token)


class AdvisorRequestController(Controller):
    path = "/advisor-requests/{token:str}"
    tags = ["teams"]
    guards = [authenticated]

    @post("/", status_code=HTTP_200_OK)
    async def answer(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: JSONBody[DecisionIn],
        clock: NamedDependency[Clock],
    ) -> TeamRef:
        """The teacher confirms (accept=true) or declines advising the team."""
        team_id = await service.answer_advisor_request(
            clock, user_id=me(request).user_id, token=token, accept=data.accept
        )
        return TeamRef(team_id)


class ChangeRequestController(Controller):
    path = "/change-requests/{request_id:int}"
    tags = ["teams"]

    @post("/answer", status_code=HTTP_200_OK, guards=[authenticated])
    async def answer(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: JSONBody[ChangeAnswerIn],
        clock: NamedDependency[Clock],
    ) -> None:
        """A member approves or refuses; an organizer may answer for a named member, with a reason."""
        principal = me(request)
        if data.member_id is not None and data.member_id != principal.user_id:
            await require_organizer_of_team(principal, await service.team_of_request(request_id))
        await service.answer_change(
            clock,
            actor_id=principal.user_id,
            request_id=request_id,
            approve=data.approve,
            member_id=data.member_id,
            reason=data.reason,
        )

    @post("/decision", status_code=HTTP_200_OK, guards=[organizer])
    async def decide(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: JSONBody[DecisionIn],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> None:
        """An organizer accepts (applying it) or rejects the change."""
        await require_organizer_of_team(me(request), await service.team_of_request(request_id))
        await service.decide_change(
            clock,
            settings.public_base_url,
            actor_id=me(request).user_id,
            request_id=request_id,
            accept=data.accept,
            reason=data.reason,
        )


class OrganizerTeamController(Controller):
    path = "/teams/{team_id:int}/status"
    tags = ["teams"]
    guards = [organizer]

    @post("/", status_code=HTTP_200_OK)
    async def set_status(
        self,
        request: Request[Any, Any, Any],
        team_id: FromPath[int],
        data: JSONBody[StatusIn],
        clock: NamedDependency[Clock],
    ) -> TeamOut:
        """Disqualify or reinstate a team, with a reason (audited)."""
        user_id = me(request).user_id
        await require_organizer_of_team(me(request), team_id)
        await service.set_status_by_organizer(
            clock, actor_id=user_id, team_id=team_id, disqualify=data.disqualify, reason=data.reason
        )
        return await team_out(clock, team_id, user_id)


class TeamRowOut(msgspec.Struct):
    id: int
    name: str
    status: str
    created_at: datetime
    university: str
    region: str
    track: str
    leader_name: str
    leader_email: str
    members: int


class TeamListOut(msgspec.Struct):
    teams: list[TeamRowOut]
    total: int
    by_status: dict[str, int]
    by_region: dict[str, int]


def team_filter(
    request: Request[Any, Any, Any],
    contest_id: int,
    region_id: int | None,
    university_id: int | None,
    track_id: int | None,
    status: str | None,
    q: str,
) -> queries.TeamFilter:
    return queries.TeamFilter(
        region_ids=me(request).organizer_regions(contest_id),
        region_id=region_id,
        university_id=university_id,
        track_id=track_id,
        status=status,
        q=q,
    )


class OrganizerTeamListController(Controller):
    path = "/contests/{contest_id:int}"
    tags = ["teams"]
    guards = [organizer]

    @get("/teams")
    async def list_teams(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        region_id: FromQuery[int | None] = None,
        university_id: FromQuery[int | None] = None,
        track_id: FromQuery[int | None] = None,
        status: FromQuery[Literal["active", "withdrawn", "disqualified"] | None] = None,
        q: Annotated[str, Parameter(max_length=60)] = "",
        page: Annotated[int, Parameter(ge=1)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=500)] = 50,
    ) -> TeamListOut:
        """Teams by region, university, track and status, with search and counts (regional organizers
        see their regions only)."""
        flt = team_filter(request, contest_id, region_id, university_id, track_id, status, q)
        result = await queries.list_teams(contest_id, flt, page=page, per_page=per_page)
        return msgspec.convert(result, TeamListOut)

    @get("/teams.csv", media_type="text/csv")
    async def export(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        region_id: FromQuery[int | None] = None,
        university_id: FromQuery[int | None] = None,
        track_id: FromQuery[int | None] = None,
        status: FromQuery[Literal["active", "withdrawn", "disqualified"] | None] = None,
        q: Annotated[str, Parameter(max_length=60)] = "",
    ) -> Response[str]:
        """The same filtered list as CSV, one row per team with members and advisor."""
        flt = team_filter(request, contest_id, region_id, university_id, track_id, status, q)
        return Response(
            await queries.export_csv(contest_id, flt),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="teams-{contest_id}.csv"'},
        )
