"""JSON API of accounts: sign-up, verification, log-in/out, password reset, profile, tokens, staff."""

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from contest.accounts import service, sessions, staff
from contest.accounts.auth import session_cookie, session_cookie_for
from contest.accounts.ratelimit import request_address
from contest.accounts.schemas import (
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    DecisionIn,
    EmailIn,
    LoginIn,
    LoginOut,
    PasswordResetIn,
    ProfilePatch,
    RegisteredOut,
    RegisterIn,
    StaffInviteIn,
    StaffOut,
    TeacherOut,
    TokenIn,
    UserOut,
)
from contest.lib.guards import authenticated, organizer, public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Message


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/register", guards=[public])
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[RegisterIn], rt: NamedDependency[Runtime]
    ) -> RegisteredOut:
        """Sign up as a student or teacher; a verification link is mailed."""
        return await service.register(rt, data, address=request_address(request, rt.settings))

    @post("/verify", guards=[public], status_code=HTTP_200_OK)
    async def verify(self, data: JSONBody[TokenIn], rt: NamedDependency[Runtime]) -> Message:
        """Spend the e-mailed verification token."""
        await service.verify_email(rt, data.token)
        return Message("Your e-mail address is verified.")

    @post("/resend-verification", guards=[authenticated], status_code=HTTP_202_ACCEPTED)
    async def resend(self, rt: NamedDependency[Runtime], actor: NamedDependency[Principal]) -> Message:
        await service.resend_verification(rt, actor)
        return Message("A new verification link is on its way.")

    @post("/login", guards=[public], status_code=HTTP_200_OK)
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], rt: NamedDependency[Runtime]
    ) -> Response[LoginOut]:
        """Sign in; sets the session cookie and returns the CSRF token for later requests."""
        session = await service.log_in(
            rt,
            data.email,
            data.password,
            address=request_address(request, rt.settings),
            old_session=session_cookie(request.scope),
        )
        return Response(
            LoginOut(await service.profile(session.user_id), session.csrf),
            cookies=[session_cookie_for(rt.settings, session.secret)],
        )

    @post(
        "/logout",
        guards=[authenticated],
        status_code=HTTP_204_NO_CONTENT,
        responses={HTTP_204_NO_CONTENT: ResponseSpec(None, description="Signed out; the session cookie is cleared.")},
    )
    async def logout(self, request: Request[Any, Any, Any], rt: NamedDependency[Runtime]) -> Response[None]:
        await sessions.close_session(session_cookie(request.scope))
        return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[session_cookie_for(rt.settings, "")])

    @post("/password-reset", guards=[public], status_code=HTTP_202_ACCEPTED)
    async def password_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[EmailIn], rt: NamedDependency[Runtime]
    ) -> Message:
        """Mail a reset link. The answer is the same whether or not the address has an account (also
        when too many links were asked for it: 429)."""
        await service.request_password_reset(rt, data.email, address=request_address(request, rt.settings))
        return Message("If an account uses this address, a reset link is on its way.")

    @post("/password-reset/confirm", guards=[public], status_code=HTTP_200_OK)
    async def password_reset_confirm(self, data: JSONBody[PasswordResetIn], rt: NamedDependency[Runtime]) -> Message:
        await service.reset_password(rt, data.token, data.password)
        return Message("Your password is changed; please sign in.")


class MeController(Controller):
    path = "/me"
    tags = ["me"]
    guards = [authenticated]

    @get("/")
    async def show(self, actor: NamedDependency[Principal]) -> UserOut:
        """The signed-in account with its profile and grants."""
        return await service.profile(actor.user_id)

    @patch("/")
    async def update(
        self, data: JSONBody[ProfilePatch], rt: NamedDependency[Runtime], actor: NamedDependency[Principal]
    ) -> UserOut:
        """Change profile fields; only those sent change."""
        return await service.update_profile(rt, actor, data)

    @get("/tokens")
    async def tokens(self, actor: NamedDependency[Principal]) -> list[ApiTokenOut]:
        return await sessions.list_api_tokens(actor)

    @post("/tokens")
    async def create_token(
        self, data: JSONBody[ApiTokenIn], rt: NamedDependency[Runtime], actor: NamedDependency[Principal]
    ) -> ApiTokenCreatedOut:
        """A personal API token for scripts (send as Authorization: Bearer); shown only now."""
        return await sessions.create_api_token(rt, actor, data)

    @delete("/tokens/{token_id:int}")
    async def revoke_token(
        self, token_id: FromPath[int], rt: NamedDependency[Runtime], actor: NamedDependency[Principal]
    ) -> None:
        await sessions.revoke_api_token(rt, actor, token_id)


class StaffController(Controller):
    """Organizers invite judges and organizers, and confirm teachers."""

    path = "/contests/{contest_id:int}"
    tags = ["staff"]
    guards = [organizer]

    @post("/staff-invitations")
    async def invite(
        self,
        contest_id: FromPath[int],
        data: JSONBody[StaffInviteIn],
        rt: NamedDependency[Runtime],
        actor: NamedDependency[Principal],
    ) -> Message:
        """Invite a judge or organizer; an existing account simply gains the grant."""
        await staff.invite_staff(rt, actor, contest_id, data)
        return Message("Invitation sent.")

    @get("/staff")
    async def staff(self, contest_id: FromPath[int], actor: NamedDependency[Principal]) -> list[StaffOut]:
        """Judges and organizers of the contest (a regional organizer sees their regions')."""
        return await staff.staff_of(actor, contest_id)

    @get("/teachers/pending")
    async def pending_teachers(self, contest_id: FromPath[int], actor: NamedDependency[Principal]) -> list[TeacherOut]:
        """Teachers whose e-mail domain did not confirm them, waiting for an organizer (of their region)."""
        return await staff.pending_teachers(actor, contest_id)

    @post("/teachers/{user_id:int}/decision", status_code=HTTP_200_OK)
    async def decide_teacher(
        self,
        contest_id: FromPath[int],
        user_id: FromPath[int],
        data: JSONBody[DecisionIn],
        rt: NamedDependency[Runtime],
        actor: NamedDependency[Principal],
    ) -> Message:
        await staff.decide_teacher(rt, actor, contest_id, user_id, data)
        return Message("Recorded.")
