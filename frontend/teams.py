"""Pages of teams: "my team" for students, invitation and advisor links, change requests."""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from contest.accounts.api import me
from contest.accounts.guards import authenticated
from contest.accounts.tokens import digest
from contest.clock import Clock
from contest.contests.service import portal_contest, tracks_of
from contest.errors import DomainError, NotFound
from contest.settings import Settings
from contest.teams import service as teams
from contest.teams.tables import Invitation, TeamAdvisor
from frontend.forms import Form, number, see_other, text
from frontend.templating import render


async def my_team_page(
    request: Request[Any, Any, Any], clock: Clock, *, error: str = "", status_code: int = 200
) -> Template:
    """The student's team page: the team with its actions, or the forms to create or join one."""
    contest = await portal_contest()
    user_id = me(request).user_id
    team_id = await teams.team_of(user_id, contest["id"])
    team = await teams.team_detail(clock, team_id) if team_id else None
    return render(
        request,
        "teams/my_team.html",
        {
            "contest": contest,
            "team": team,
            "tracks": await tracks_of(contest["id"]),
            "error": error,
            "is_leader": team is not None and team["leader"] == user_id,
            "me_id": user_id,
            "pending_answer": _pending_for(team, user_id) if team else None,
        },
        status_code=status_code,
    )


def _pending_for(team: dict[str, Any], user_id: int) -> dict[str, Any] | None:
    """The pending change request this member still has to answer, if any."""
    return next(
        (c for c in team["change_requests"] if c["status"] == "pending" and user_id not in c["answered_by"]), None
    )


class TeamPages(Controller):
    include_in_schema = False
    guards = [authenticated]

    @get("/my/team")
    async def my_team(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Template:
        return await my_team_page(request, clock)

    @post("/my/team/{action:str}")
    async def act(
        self,
        request: Request[Any, Any, Any],
        action: FromPath[str],
        data: Form,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[Any] | Template:
        """Every form of the team page posts here; a refusal shows the page again with the reason."""
        user_id = me(request).user_id
        contest = await portal_contest()
        team_id = await teams.team_of(user_id, contest["id"])
        base = settings.public_base_url
        handlers: dict[str, Any] = {
            "create": lambda: teams.create_team(
                clock,
                actor_id=user_id,
                contest_id=contest["id"],
                name=text(data, "name", 100),
                track_id=number(data, "track_id") or 0,
            ),
            "join": lambda: teams.join_by_code(
                clock, user_id=user_id, contest_id=contest["id"], code=text(data, "code", 16)
            ),
        }
        if team_id is not None:
            handlers |= {
                "invite": lambda: teams.invite_member(
                    clock, base, actor_id=user_id, team_id=team_id, email=text(data, "email", 254)
                ),
                "revoke": lambda: teams.revoke_invitation(
                    clock, actor_id=user_id, team_id=team_id, invitation_id=number(data, "invitation_id") or 0
                ),
                "code": lambda: teams.rotate_join_code(clock, actor_id=user_id, team_id=team_id),
                "code-off": lambda: teams.rotate_join_code(clock, actor_id=user_id, team_id=team_id, enabled=False),
                "remove": lambda: teams.remove_member(
                    clock, actor_id=user_id, team_id=team_id, member_id=number(data, "user_id") or 0
                ),
                "transfer": lambda: teams.transfer_leadership(
                    clock, actor_id=user_id, team_id=team_id, member_id=number(data, "user_id") or 0
                ),
                "leave": lambda: teams.leave_team(clock, user_id=user_id, team_id=team_id),
                "advisor": lambda: teams.invite_advisor(
                    clock, base, actor_id=user_id, team_id=team_id, email=text(data, "email", 254)
                ),
                "advisor-remove": lambda: teams.remove_advisor(clock, actor_id=user_id, team_id=team_id),
                "withdraw": lambda: teams.withdraw_team(
                    clock, actor_id=user_id, team_id=team_id, reason=text(data, "reason", 1000)
                ),
                "change": lambda: teams.request_change(
                    clock, actor_id=user_id, team_id=team_id, change=_change(data), reason=text(data, "reason", 1000)
                ),
                "answer": lambda: teams.answer_change(
                    clock,
                    actor_id=user_id,
                    request_id=number(data, "request_id") or 0,
                    approve=data.get("approve") == "yes",
                ),
            }
        handler = handlers.get(action)
        if handler is None:
            raise NotFound("No such action.")
        try:
            await handler()
        except DomainError as exc:
            return await my_team_page(request, clock, error=exc.message, status_code=exc.status_code)
        return see_other("/my/team")

    @get("/my/advised")
    async def advised(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Template:
        """A teacher's teams, each with its members."""
        rows = await teams.advised_teams(me(request).user_id)
        details = [await teams.team_detail(clock, r["team_id"]) for r in rows if r["status"] == "confirmed"]
        pending = [r for r in rows if r["status"] == "pending"]
        return render(request, "teams/advised.html", {"teams": details, "pending": pending})

    @get("/invitations/{token:str}")
    async def invitation(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        row = (
            await Invitation.select(Invitation.team.name.as_alias("team"), Invitation.email)
            .where(Invitation.token_hash == digest(token))
            .first()
        )
        return render(request, "teams/invitation.html", {"token": token, "invitation": row})

    @post("/invitations/{token:str}")
    async def answer_invitation(
        self, request: Request[Any, Any, Any], token: FromPath[str], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        user_id = me(request).user_id
        try:
            if data.get("accept") == "yes":
                await teams.accept_invitation(clock, user_id=user_id, token=token)
            else:
                await teams.decline_invitation(clock, user_id=user_id, token=token)
        except DomainError as exc:
            return render(
                request,
                "teams/invitation.html",
                {"token": token, "invitation": None, "error": exc.message},
                status_code=exc.status_code,
            )
        return see_other("/my/team" if data.get("accept") == "yes" else "/")

    @get("/advisor/{token:str}")
    async def advisor_request(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        row = (
            await TeamAdvisor.select(TeamAdvisor.team.name.as_alias("team"), TeamAdvisor.status)
            .where(TeamAdvisor.token_hash == digest(token))
            .first()
        )
        return render(request, "teams/advisor.html", {"token": token, "advice": row})

    @post("/advisor/{token:str}")
    async def answer_advisor(
        self, request: Request[Any, Any, Any], token: FromPath[str], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        try:
            await teams.answer_advisor_request(
                clock, user_id=me(request).user_id, token=token, accept=data.get("accept") == "yes"
            )
        except DomainError as exc:
            return render(
                request,
                "teams/advisor.html",
                {"token": token, "advice": None, "error": exc.message},
                status_code=exc.status_code,
            )
        return render(request, "message.html", {"title": "Thank you", "message": "Your answer is recorded."})


def _change(data: dict[str, str]) -> dict[str, Any]:
    change: dict[str, Any] = {"op": text(data, "op", 32)}
    if text(data, "email", 254):
        change["email"] = text(data, "email", 254).lower()
    if number(data, "user_id") is not None:
        change["user_id"] = number(data, "user_id")
    return change
