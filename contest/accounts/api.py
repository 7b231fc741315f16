"""JSON API of accounts: sign-up, verification, log-in/out, password reset, profile, tokens, staff."""

from typing import Any

import msgspec
from argon2 import PasswordHasher
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from contest.accounts import service, sessions
from contest.accounts.auth import SESSION_COOKIE, session_cookie
from contest.accounts.guards import authenticated, organizer, principal_of, public
from contest.accounts.principal import Principal
from contest.accounts.ratelimit import LoginLimiter, client_address
from contest.accounts.schemas import (
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    DecisionIn,
    EmailIn,
    GrantOut,
    LoginIn,
    LoginOut,
    MessageOut,
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
from contest.accounts.tables import AccountKind, Role
from contest.clock import Clock
from contest.errors import Unauthorized
from contest.settings import Settings


def me(request: Request[Any, Any, Any]) -> Principal:
    principal = principal_of(request)
    if principal is None:
        raise Unauthorized("Please sign in first.")
    return principal


async def user_out(user_id: int) -> UserOut:
    row = await service.get_profile(user_id)
    return UserOut(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        kind=row["kind"],
        language=row["language"],
        email_verified=row["email_verified_at"] is not None,
        university_id=row["university"],
        university_name=row["university_name"],
        student_number=row["student_number"],
        college=row["college"],
        major=row["major"],
        year=row["year"],
        phone=row["phone"],
        teacher_status=row["teacher_status"],
        grants=[GrantOut(g["role"], g["contest"], g["region"]) for g in row["grants"]],
    )


def session_cookie_for(settings: Settings, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        path="/",
        secure=settings.public_base_url.startswith("https://"),
    )


async def log_in(
    request: Request[Any, Any, Any], settings: Settings, clock: Clock, hasher: PasswordHasher, email: str, password: str
) -> tuple[int, str, str]:
    """Rate-limited log-in shared by the API and the log-in page: (user id, cookie secret, CSRF token)."""
    address = client_address(
        request.scope.get("client"), request.headers.get("x-forwarded-for", ""), settings.trusted_proxy_list
    )
    limiter = LoginLimiter(request.app.state.get("redis"), settings)
    key = email.strip().lower()
    await limiter.hit(key, address)
    user_id = await service.authenticate(hasher, email, password)
    await limiter.reset_account(key)
    old = session_cookie(request.scope)
    if old:
        await sessions.close_session(old)  # a fresh session id at log-in (no fixation)
    secret, csrf = await sessions.open_session(clock, user_id, settings.session_days)
    return user_id, secret, csrf


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/register", guards=[public])
    async def register(
        self,
        data: JSONBody[RegisterIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        hasher: NamedDependency[PasswordHasher],
    ) -> RegisteredOut:
        """Sign up as a student or teacher; a verification link is mailed."""
        fields = msgspec.structs.asdict(data)
        user_id = await service.register(
            clock,
            hasher,
            settings.public_base_url,
            email=fields.pop("email"),
            name=fields.pop("name"),
            password=fields.pop("password"),
            kind=AccountKind(fields.pop("kind")),
            consent=fields.pop("consent"),
            language=fields.pop("language"),
            university_id=fields.pop("university_id"),
            **fields,
        )
        return RegisteredOut(user_id, service.normalise_email(data.email), "Check your mailbox to verify your address.")

    @post("/verify", guards=[public], status_code=HTTP_200_OK)
    async def verify(self, data: JSONBody[TokenIn], clock: NamedDependency[Clock]) -> MessageOut:
        """Spend the e-mailed verification token."""
        await service.verify_email(clock, data.token)
        return MessageOut("Your e-mail address is verified.")

    @post("/resend-verification", guards=[authenticated], status_code=HTTP_202_ACCEPTED)
    async def resend(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings], clock: NamedDependency[Clock]
    ) -> MessageOut:
        await service.resend_verification(clock, settings.public_base_url, me(request).user_id)
        return MessageOut("A new verification link is on its way.")

    @post("/login", guards=[public], status_code=HTTP_200_OK)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        hasher: NamedDependency[PasswordHasher],
    ) -> Response[LoginOut]:
        """Sign in; sets the session cookie and returns the CSRF token for later requests."""
        user_id, secret, csrf = await log_in(request, settings, clock, hasher, data.email, data.password)
        return Response(
            LoginOut(await user_out(user_id), csrf),
            cookies=[session_cookie_for(settings, secret, settings.session_days * 86400)],
        )

    @post("/logout", guards=[authenticated], status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Response[None]:
        secret = session_cookie(request.scope)
        if secret:
            await sessions.close_session(secret)
        return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[session_cookie_for(settings, "", 0)])

    @post("/password-reset", guards=[public], status_code=HTTP_202_ACCEPTED)
    async def password_reset(
        self, data: JSONBody[EmailIn], settings: NamedDependency[Settings], clock: NamedDependency[Clock]
    ) -> MessageOut:
        """Mail a reset link. The answer is the same whether or not the address has an account."""
        await service.request_password_reset(clock, settings.public_base_url, data.email)
        return MessageOut("If an account uses this address, a reset link is on its way.")

    @post("/password-reset/confirm", guards=[public], status_code=HTTP_200_OK)
    async def password_reset_confirm(
        self, data: JSONBody[PasswordResetIn], clock: NamedDependency[Clock], hasher: NamedDependency[PasswordHasher]
    ) -> MessageOut:
        await service.reset_password(clock, hasher, data.token, data.password)
        return MessageOut("Your password is changed; please sign in.")


class MeController(Controller):
    path = "/me"
    tags = ["me"]
    guards = [authenticated]

    @get("/")
    async def show(self, request: Request[Any, Any, Any]) -> UserOut:
        """The signed-in account with its profile and grants."""
        return await user_out(me(request).user_id)

    @patch("/")
    async def update(
        self, request: Request[Any, Any, Any], data: JSONBody[ProfilePatch], clock: NamedDependency[Clock]
    ) -> UserOut:
        """Change profile fields; only those sent change."""
        user_id = me(request).user_id
        await service.update_profile(clock, user_id, data.changes())
        return await user_out(user_id)

    @get("/tokens")
    async def tokens(self, request: Request[Any, Any, Any]) -> list[ApiTokenOut]:
        rows = await sessions.list_api_tokens(me(request).user_id)
        return [msgspec.convert(r, ApiTokenOut) for r in rows]

    @post("/tokens")
    async def create_token(
        self, request: Request[Any, Any, Any], data: JSONBody[ApiTokenIn], clock: NamedDependency[Clock]
    ) -> ApiTokenCreatedOut:
        """A personal API token for scripts (send as Authorization: Bearer); shown only now."""
        token_id, secret = await sessions.create_api_token(clock, me(request).user_id, data.name)
        return ApiTokenCreatedOut(token_id, data.name, secret)

    @delete("/tokens/{token_id:int}")
    async def revoke_token(
        self, request: Request[Any, Any, Any], token_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> None:
        await sessions.revoke_api_token(clock, me(request).user_id, token_id)


class StaffController(Controller):
    """Organizers invite judges and organizers, and confirm teachers."""

    path = "/contests/{contest_id:int}"
    tags = ["staff"]
    guards = [organizer]

    @post("/staff-invitations")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        data: JSONBody[StaffInviteIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        hasher: NamedDependency[PasswordHasher],
    ) -> MessageOut:
        """Invite a judge or organizer; an existing account simply gains the grant."""
        await service.invite_staff(
            clock,
            hasher,
            settings.public_base_url,
            actor_id=me(request).user_id,
            contest_id=contest_id,
            email=data.email,
            name=data.name,
            role=Role(data.role),
            region_id=data.region_id,
            inviter_regions=me(request).organizer_regions(contest_id),
            language=data.language,
        )
        return MessageOut("Invitation sent.")

    @get("/staff")
    async def staff(self, request: Request[Any, Any, Any], contest_id: FromPath[int]) -> list[StaffOut]:
        """Judges and organizers of the contest (a regional organizer sees their regions')."""
        grants = await service.staff_of(contest_id, me(request).organizer_regions(contest_id))
        return [msgspec.convert(g, StaffOut) for g in grants]

    @get("/teachers/pending")
    async def pending_teachers(self, request: Request[Any, Any, Any], contest_id: FromPath[int]) -> list[TeacherOut]:
        """Teachers whose e-mail domain did not confirm them, waiting for an organizer (of their region)."""
        teachers = await service.pending_teachers(me(request).organizer_regions(contest_id))
        return [msgspec.convert(r, TeacherOut) for r in teachers]

    @post("/teachers/{user_id:int}/decision", status_code=HTTP_200_OK)
    async def decide_teacher(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        user_id: FromPath[int],
        data: JSONBody[DecisionIn],
        clock: NamedDependency[Clock],
    ) -> MessageOut:
        principal = me(request)
        await service.decide_teacher(
            clock, principal.user_id, user_id, data.approve, data.reason, principal.organizer_regions(contest_id)
        )
        return MessageOut("Recorded.")
