"""Pages of teams: "my team" for students, a teacher's teams, invitation and advisor links."""

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from contest.accounts import service as accounts
from contest.lib.errors import InvalidState, NotFound
from contest.lib.guards import authenticated
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.teams import advisors, changes, queries, roster
from contest.teams.schemas import (
    ChangeAnswerIn,
    ChangeIn,
    DecisionIn,
    InvitationIn,
    InvitationRef,
    JoinCodeIn,
    MemberIn,
    ReasonIn,
    TeamIn,
    TeamOut,
)
from frontend import flash
from frontend.forms import Form, decode
from frontend.steps import next_steps
from frontend.switcher import chosen_contest
from frontend.templating import render

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
# A team action: (runtime, actor, the actor's team id, the form) -> whatever the service returns.
Action = Callable[[Runtime, Principal, int, dict[str, str]], Awaitable[object]]

# Every form of the team page, by the last part of its address, with the notice shown after it.
TEAM_ACTIONS: dict[str, tuple[Action, str]] = {
    "invite": (lambda rt, a, t, f: roster.invite_member(rt, a, t, decode(f, InvitationIn)), "Invitation sent."),
    "revoke": (
        lambda rt, a, t, f: roster.revoke_invitation(rt, a, t, decode(f, InvitationRef).invitation_id),
        "Invitation revoked.",
    ),
    "code": (lambda rt, a, t, f: roster.set_join_code(rt, a, t), "A new join code is ready."),
    "code-off": (lambda rt, a, t, f: roster.set_join_code(rt, a, t, enabled=False), "The join code is off."),
    "remove": (lambda rt, a, t, f: roster.remove_member(rt, a, t, decode(f, MemberIn)), "The member was removed."),
    "transfer": (
        lambda rt, a, t, f: roster.transfer_leadership(rt, a, t, decode(f, MemberIn)),
        "Leadership handed over.",
    ),
    "leave": (lambda rt, a, t, f: roster.leave_team(rt, a, t), "You left the team."),
    "advisor": (
        lambda rt, a, t, f: advisors.invite_advisor(rt, a, t, decode(f, InvitationIn)),
        "The teacher was asked.",
    ),
    "advisor-remove": (lambda rt, a, t, f: advisors.remove_advisor(rt, a, t), "The advisor was removed."),
    "withdraw": (lambda rt, a, t, f: roster.withdraw_team(rt, a, t, decode(f, ReasonIn)), "The team is withdrawn."),
    "change": (lambda rt, a, t, f: changes.request_change(rt, a, t, decode(f, ChangeIn)), "Change requested."),
    "answer": (
        lambda rt, a, t, f: changes.answer_change(
            rt, a, int(f.get("request_id", "0") or 0), decode(f, ChangeAnswerIn, member_id=None)
        ),
        "Your answer is recorded.",
    ),
}


def pending_answer(team: TeamOut | None, user_id: int) -> object | None:
    """The pending change request this member still has to answer, if any."""
    if team is None:
        return None
    return next((c for c in team.change_requests if c.status == "pending" and user_id not in c.answered_by), None)


class TeamPages(Controller):
    include_in_schema = False
    guards = [authenticated]

    @get("/my/team")
    async def my_team(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Response[Any] | Template:
        """The student's team with what to do next, or the forms to create or join one. Teachers
        advise teams rather than join them: their page is "my teams"."""
        if actor.kind == "teacher":
            return Redirect("/my/advised", status_code=303)
        if actor.kind != "student":
            return render(request, "message.html", {"title": "My team", "message": "Only students form teams."})
        contest = await chosen_contest(request)
        team = await queries.my_team(rt, actor, contest.id)
        steps = next_steps(await accounts.profile(actor.user_id), contest, team, rt.clock.now())
        return render(
            request,
            "teams/my_team.html",
            {
                "contest": contest,
                "team": team,
                "is_leader": team is not None and team.leader_id == actor.user_id,
                "me_id": actor.user_id,
                "pending_answer": pending_answer(team, actor.user_id),
                # What is left to do (done steps add nothing here: the page shows them).
                "steps": [s for s in steps if s.state != "done"],
                "form": {},
            },
        )

    @post("/my/team/create", opt={"back": "/my/team"})
    async def create(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        contest = await chosen_contest(request)
        await roster.create_team(rt, actor, contest.id, decode(data, TeamIn))
        return await flash.redirect(request, "/my/team", notice="Your team is created; invite your teammates.")

    @post("/my/team/join", opt={"back": "/my/team"})
    async def join(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        contest = await chosen_contest(request)
        await roster.join_by_code(rt, actor, contest.id, decode(data, JoinCodeIn))
        return await flash.redirect(request, "/my/team", notice="You joined the team.")

    @post("/my/team/{action:str}", opt={"back": "/my/team"})
    async def act(
        self, request: Request[Any, Any, Any], action: FromPath[str], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        """Every other form of the team page; the page shows the outcome after a redirect."""
        if action not in TEAM_ACTIONS:
            raise NotFound("No such action.")
        contest = await chosen_contest(request)
        team_id = await queries.team_of(actor.user_id, contest.id)
        if team_id is None:
            raise InvalidState("You are not in a team of this contest yet.")
        run, notice = TEAM_ACTIONS[action]
        await run(rt, actor, team_id, data)
        return await flash.redirect(request, "/my/team", notice=notice)

    @get("/my/advised")
    async def advised(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        """A teacher's teams, each with its members, and the requests still to answer."""
        rows = await advisors.advised_teams(rt, actor)
        return render(
            request,
            "teams/advised.html",
            {"teams": [r for r in rows if r.team is not None], "pending": [r for r in rows if r.team is None]},
        )

    @get("/invitations/{token:str}")
    async def invitation(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        return render(
            request, "teams/invitation.html", {"token": token, "invitation": await queries.invitation_view(token)}
        )

    @post("/invitations/{token:str}")
    async def answer_invitation(
        self, request: Request[Any, Any, Any], token: FromPath[str], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        if decode(data, DecisionIn).accept:
            await roster.accept_invitation(rt, actor, token)
            return await flash.redirect(request, "/my/team", notice="You joined the team.")
        await roster.decline_invitation(rt, actor, token)
        return await flash.redirect(request, "/", notice="You declined the invitation.")

    @get("/advisor/{token:str}")
    async def advisor_request(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        return render(
            request, "teams/advisor.html", {"token": token, "advice": await queries.advisor_request_view(token)}
        )

    @post("/advisor/{token:str}")
    async def answer_advisor(
        self, request: Request[Any, Any, Any], token: FromPath[str], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await advisors.answer_request(rt, actor, token, decode(data, DecisionIn))
        return await flash.redirect(request, "/my/advised", notice="Your answer is recorded.")
