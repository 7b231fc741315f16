"""Pages of accounts: sign-up, e-mail verification, log-in/out, password reset, profile."""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from contest.accounts import service as accounts
from contest.accounts import sessions
from contest.accounts.auth import session_cookie, session_cookie_for
from contest.accounts.ratelimit import request_address
from contest.accounts.schemas import EmailIn, LoginIn, PasswordResetIn, ProfilePatch, RegisterIn, TokenIn
from contest.lib.guards import authenticated, public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.regions import service as regions
from frontend import flash
from frontend.forms import Form, decode, safe_next
from frontend.templating import render

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]


def message_page(request: Request[Any, Any, Any], title: str, message: str, **link: str) -> Template:
    return render(request, "message.html", {"title": title, "message": message, **link})


class AccountPages(Controller):
    include_in_schema = False

    @get("/register", guards=[public])
    async def register_form(self, request: Request[Any, Any, Any]) -> Template:
        return render(
            request, "accounts/register.html", {"form": {}, "regions": await regions.universities_by_region()}
        )

    @post("/register", guards=[public])
    async def register(self, request: Request[Any, Any, Any], data: Form, rt: Rt) -> Template:
        await accounts.register(
            rt, decode(data, RegisterIn, checkboxes=("consent",)), address=request_address(request, rt.settings)
        )
        return message_page(
            request,
            "Check your mailbox",
            "We sent you a link to verify your e-mail address. Open it to finish signing up.",
        )

    @get("/verify", guards=[public])
    async def verify_form(self, request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Template:
        # A button, not an automatic GET: mail scanners open links and must not spend the token.
        return render(request, "accounts/verify.html", {"token": token[:200]})

    @post("/verify", guards=[public], opt={"back": "/verify"})
    async def verify(self, request: Request[Any, Any, Any], data: Form, rt: Rt) -> Template:
        await accounts.verify_email(rt, decode(data, TokenIn).token)
        return message_page(
            request, "E-mail address verified", "Your e-mail address is verified.", link="/login", link_label="Sign in"
        )

    @get("/login", guards=[public])
    async def login_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Template:
        return render(request, "accounts/login.html", {"next": safe_next(next), "form": {}})

    @post("/login", guards=[public])
    async def login(self, request: Request[Any, Any, Any], data: Form, rt: Rt) -> Response[Any]:
        credentials = decode(data, LoginIn)
        session = await accounts.log_in(
            rt,
            credentials.email,
            credentials.password,
            address=request_address(request, rt.settings),
            old_session=session_cookie(request.scope),
        )
        target = safe_next(data.get("next"))
        response = await flash.redirect(request, target)
        response.cookies.append(session_cookie_for(rt.settings, session.secret))
        return response

    @post("/logout", guards=[authenticated])
    async def logout(self, request: Request[Any, Any, Any], rt: Rt) -> Response[Any]:
        await sessions.close_session(session_cookie(request.scope))
        response = await flash.redirect(request, "/", notice="You are signed out.")
        response.cookies.append(session_cookie_for(rt.settings, ""))
        return response

    @get("/forgot", guards=[public])
    async def forgot_form(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "accounts/forgot.html", {"form": {}})

    @post("/forgot", guards=[public])
    async def forgot(self, request: Request[Any, Any, Any], data: Form, rt: Rt) -> Template:
        await accounts.request_password_reset(
            rt, decode(data, EmailIn).email, address=request_address(request, rt.settings)
        )
        return message_page(
            request, "Check your mailbox", "If an account uses this address, a reset link is on its way."
        )

    @get("/reset", guards=[public])
    async def reset_form(self, request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Template:
        return render(request, "accounts/reset.html", {"token": token[:200]})

    @post("/reset", guards=[public], opt={"back": "/reset"})
    async def reset(self, request: Request[Any, Any, Any], data: Form, rt: Rt) -> Template:
        body = decode(data, PasswordResetIn)
        await accounts.reset_password(rt, body.token, body.password)
        return message_page(
            request,
            "Password changed",
            "Your password is changed; please sign in.",
            link="/login",
            link_label="Sign in",
        )

    @get("/me", guards=[authenticated])
    async def profile(self, request: Request[Any, Any, Any], actor: Actor) -> Template:
        user = await accounts.profile(actor.user_id)
        return render(
            request,
            "accounts/profile.html",
            {"user": user, "form": {}, "regions": await regions.universities_by_region()},
        )

    @post("/me", guards=[authenticated])
    async def update_profile(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        current = await accounts.profile(actor.user_id)
        # The form shows every field; send on only those that changed (a teacher's form has no
        # student number, and an unchanged university is no change of university).
        patch = decode(data, ProfilePatch)
        unchanged = {k for k, v in patch.changes().items() if getattr(current, k, None) == v}
        await accounts.update_profile(
            rt, actor, decode({k: v for k, v in data.items() if k not in unchanged}, ProfilePatch)
        )
        return await flash.redirect(request, "/me", notice="Saved.")

    @post("/me/resend-verification", guards=[authenticated], opt={"back": "/me"})
    async def resend(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        """Mail the verification link again; back to the page that offered it (home or profile)."""
        await accounts.resend_verification(rt, actor)
        target = safe_next(data.get("next"), "/me")
        return await flash.redirect(request, target, notice="A new verification link is on its way.")
