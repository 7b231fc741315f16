"""The public shell: home page, the personal-data notice and the language switch."""

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import ValidationException
from litestar.response import Redirect, Template

from contest.accounts.guards import public
from contest.contests.service import current_contest
from frontend.forms import Form, safe_next, see_other
from frontend.i18n import LANGUAGES
from frontend.templating import render

ONE_YEAR = 365 * 24 * 3600


class PagesController(Controller):
    include_in_schema = False
    guards = [public]

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "home.html")

    @get("/privacy")
    async def privacy(self, request: Request[Any, Any, Any]) -> Template:
        """The personal-data notice people consent to at sign-up: the contest's own, else ours."""
        contest = await current_contest()
        notices = (contest["privacy_notice_zh"], contest["privacy_notice_en"]) if contest else ("", "")
        return render(request, "privacy.html", {"notice_zh": notices[0], "notice_en": notices[1]})

    @post("/lang")
    async def switch_language(self, data: Form) -> Redirect:
        """Remember the chosen language in a cookie and go back to the page."""
        lang = data.get("lang", "")
        if lang not in LANGUAGES:
            raise ValidationException("Unknown language.")
        cookie = Cookie(key="lang", value=lang, max_age=ONE_YEAR, samesite="lax", path="/", httponly=False)
        return see_other(safe_next(data.get("next")), cookies=[cookie])
