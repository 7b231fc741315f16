"""The public shell: home page (the contest, its stages and notices, and each person's next
steps), the personal-data notice and the language switch."""

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.response import Redirect, Template

from contest.lib.guards import public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.rounds import service as rounds
from frontend import home
from frontend.forms import Form, safe_next
from frontend.i18n import LANGUAGES
from frontend.switcher import chosen_or_newest
from frontend.templating import render

ONE_YEAR = 365 * 24 * 3600


class PagesController(Controller):
    include_in_schema = False
    guards = [public]

    @get("/")
    async def home(
        self, request: Request[Any, Any, Any], rt: NamedDependency[Runtime], viewer: NamedDependency[Principal | None]
    ) -> Template:
        contest = await chosen_or_newest(request)
        plan = await rounds.rounds_of(rt, contest.id) if contest else []
        steps = await home.steps_for(rt, viewer, contest, plan) if viewer is not None else []
        return render(request, "home.html", {"contest": contest, "steps": steps, "stages": home.stages(contest, plan)})

    @get("/privacy")
    async def privacy(self, request: Request[Any, Any, Any]) -> Template:
        """The personal-data notice people consent to at sign-up: the contest's own, else ours."""
        contest = await chosen_or_newest(request)
        notices = (contest.privacy_notice_zh, contest.privacy_notice_en) if contest else ("", "")
        return render(request, "privacy.html", {"notice_zh": notices[0], "notice_en": notices[1]})

    @post("/lang", opt={"back": False})
    async def switch_language(self, data: Form) -> Redirect:
        """Remember the chosen language in a cookie and go back to the page."""
        lang = data.get("lang", "")
        if lang not in LANGUAGES:
            raise ValidationException("Unknown language.")
        cookie = Cookie(key="lang", value=lang, max_age=ONE_YEAR, samesite="lax", path="/", httponly=False)
        return Redirect(path=safe_next(data.get("next")), status_code=303, cookies=[cookie])
