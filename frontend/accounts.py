"""Pages of accounts: sign-up, e-mail verification, log-in/out, password reset, profile."""

from typing import Any

from argon2 import PasswordHasher
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from contest.accounts import service as accounts
from contest.accounts import sessions
from contest.accounts.api import log_in, me, session_cookie_for
from contest.accounts.auth import session_cookie
from contest.accounts.guards import authenticated, public
from contest.accounts.tables import AccountKind
from contest.clock import Clock
from contest.errors import InvalidInput
from contest.regions.service import list_regions, search_universities
from contest.settings import Settings
from frontend.forms import Form, attempt, number, safe_next, see_other, text
from frontend.templating import render


async def university_choices() -> list[dict[str, Any]]:
    """Universities grouped by region for the picker (the page enhances it with search)."""
    regions = await list_regions()
    universities = await search_universities("", limit=5000)
    return [
        {
            "name": r["name_zh"],
            "name_en": r["name_en"],
            "universities": [u for u in universities if u["region_code"] == r["code"]],
        }
        for r in regions
    ]


class AccountPages(Controller):
    include_in_schema = False

    @get("/register", guards=[public])
    async def register_form(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "accounts/register.html", {"form": {}, "regions": await university_choices()})

    @post("/register", guards=[public])
    async def register(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        hasher: NamedDependency[PasswordHasher],
    ) -> Response[Any] | Template:
        kind = text(data, "kind")

        async def action() -> Template:
            if kind not in ("student", "teacher"):
                raise InvalidInput("Sign up as a student or a teacher.", {"kind": "invalid"})
            await accounts.register(
                clock,
                hasher,
                settings.public_base_url,
                email=text(data, "email", 254),
                name=text(data, "name", 100),
                password=data.get("password", ""),
                kind=AccountKind(kind),
                consent=data.get("consent") == "yes",
                language=text(data, "language") if text(data, "language") in ("zh-CN", "en") else "zh-CN",
                university_id=number(data, "university_id"),
                student_number=text(data, "student_number", 32),
                college=text(data, "college", 100),
                major=text(data, "major", 100),
                phone=text(data, "phone", 32),
            )
            return render(
                request,
                "message.html",
                {
                    "title": "Check your mailbox",
                    "message": "We sent you a link to verify your e-mail address. Open it to finish signing up.",
                },
            )

        form = {k: v for k, v in data.items() if k != "password"}
        return await attempt(
            request, "accounts/register.html", {"form": form, "regions": await university_choices()}, action
        )

    @get("/verify", guards=[public])
    async def verify_form(self, request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Template:
        # A button, not an automatic GET: mail scanners open links and must not spend the token.
        return render(request, "accounts/verify.html", {"token": token})

    @post("/verify", guards=[public])
    async def verify(
        self, request: Request[Any, Any, Any], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        async def action() -> Template:
            await accounts.verify_email(clock, text(data, "token"))
            return render(
                request,
                "message.html",
                {
                    "title": "E-mail address verified",
                    "message": "Your e-mail address is verified.",
                    "link": "/login",
                    "link_label": "Sign in",
                },
            )

        return await attempt(request, "accounts/verify.html", {"token": text(data, "token")}, action)

    @get("/login", guards=[public])
    async def login_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Template:
        return render(request, "accounts/login.html", {"next": safe_next(next), "email": ""})

    @post("/login", guards=[public])
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        hasher: NamedDependency[PasswordHasher],
    ) -> Response[Any] | Template:
        target = safe_next(data.get("next"))

        async def action() -> Response[Any]:
            _, secret, _ = await log_in(
                request, settings, clock, hasher, text(data, "email", 254), data.get("password", "")
            )
            return see_other(target, cookies=[session_cookie_for(settings, secret, settings.session_days * 86400)])

        return await attempt(
            request, "accounts/login.html", {"next": target, "email": text(data, "email", 254)}, action
        )

    @post("/logout", guards=[authenticated])
    async def logout(self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Response[Any]:
        secret = session_cookie(request.scope)
        if secret:
            await sessions.close_session(secret)
        return see_other("/", cookies=[session_cookie_for(settings, "", 0)])

    @get("/forgot", guards=[public])
    async def forgot_form(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "accounts/forgot.html")

    @post("/forgot", guards=[public])
    async def forgot(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template:
        await accounts.request_password_reset(clock, settings.public_base_url, text(data, "email", 254))
        return render(
            request,
            "message.html",
            {
                "title": "Check your mailbox",
                "message": "If an account uses this address, a reset link is on its way.",
            },
        )

    @get("/reset", guards=[public])
    async def reset_form(self, request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Template:
        return render(request, "accounts/reset.html", {"token": token})

    @post("/reset", guards=[public])
    async def reset(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        clock: NamedDependency[Clock],
        hasher: NamedDependency[PasswordHasher],
    ) -> Response[Any] | Template:
        async def action() -> Template:
            await accounts.reset_password(clock, hasher, text(data, "token"), data.get("password", ""))
            return render(
                request,
                "message.html",
                {
                    "title": "Password changed",
                    "message": "Your password is changed; please sign in.",
                    "link": "/login",
                    "link_label": "Sign in",
                },
            )

        return await attempt(request, "accounts/reset.html", {"token": text(data, "token")}, action)

    @get("/me", guards=[authenticated])
    async def profile(self, request: Request[Any, Any, Any]) -> Template:
        user = await accounts.get_profile(me(request).user_id)
        return render(request, "accounts/profile.html", {"user": user, "regions": await university_choices()})

    @post("/me", guards=[authenticated])
    async def update_profile(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[Any] | Template:
        user_id = me(request).user_id
        changes: dict[str, object] = {
            "name": text(data, "name", 100),
            "student_number": text(data, "student_number", 32),
            "college": text(data, "college", 100),
            "major": text(data, "major", 100),
            "phone": text(data, "phone", 32),
            "year": number(data, "year"),
            "university": number(data, "university_id"),
        }
        if text(data, "language") in ("zh-CN", "en"):
            changes["language"] = text(data, "language")

        async def action() -> Response[Any]:
            current = await accounts.get_profile(user_id)
            await accounts.update_profile(clock, user_id, {k: v for k, v in changes.items() if v != current.get(k)})
            return see_other("/me")

        user = await accounts.get_profile(user_id)
        return await attempt(
            request,
            "accounts/profile.html",
            {"user": {**user, **changes}, "regions": await university_choices()},
            action,
        )

    @post("/me/resend-verification", guards=[authenticated])
    async def resend(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings], clock: NamedDependency[Clock]
    ) -> Response[Any]:
        await accounts.resend_verification(clock, settings.public_base_url, me(request).user_id)
        return see_other("/me")
