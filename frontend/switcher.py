"""The contest switcher: the portal and the console show the contest a person chose (a cookie), else
the newest one."""

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from contest.contests import service as contests
from contest.contests.schemas import ContestOut
from contest.lib.errors import NotFound
from contest.lib.guards import public
from contest.lib.runtime import Runtime
from contest.lib.schemas import Id
from frontend.forms import Form, decode, safe_next
from frontend.templating import render

COOKIE = "contest"
ONE_YEAR = 365 * 24 * 3600


class ContestChoice(msgspec.Struct):
    contest_id: Id


def _chosen_id(request: Request[Any, Any, Any]) -> int | None:
    value = request.cookies.get(COOKIE, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


async def chosen_or_newest(request: Request[Any, Any, Any]) -> ContestOut | None:
    """The contest this visitor chose, or the newest; None before the first contest exists."""
    chosen = _chosen_id(request)
    if chosen is not None:
        try:
            return await contests.contest(chosen)
        except NotFound:
            pass  # a contest chosen once and removed since: fall back to the newest
    return await contests.current_contest()


async def chosen_contest(request: Request[Any, Any, Any]) -> ContestOut:
    """The contest the portal's and console's pages are about, or NotFound before the first one."""
    found = await chosen_or_newest(request)
    if found is None:
        raise NotFound("No contest is open yet.")
    return found


class ContestSwitchPages(Controller):
    include_in_schema = False
    guards = [public]

    @get("/contests")
    async def choose(self, request: Request[Any, Any, Any], rt: NamedDependency[Runtime]) -> Template:
        """Every contest, newest first, with the one shown now marked and whether it takes teams."""
        current = await chosen_or_newest(request)
        return render(
            request,
            "contests.html",
            {
                "contests": await contests.list_contests(),
                "current": current,
                "now": rt.clock.now(),
                "next": safe_next(request.query_params.get("next")),
            },
        )

    @post("/contests/choose", opt={"back": "/contests"})
    async def chosen(self, data: Form) -> Redirect:
        """Remember the chosen contest in a cookie and go back to the page."""
        contest = await contests.contest(decode(data, ContestChoice).contest_id)
        cookie = Cookie(key=COOKIE, value=str(contest.id), max_age=ONE_YEAR, samesite="lax", path="/", httponly=True)
        return Redirect(path=safe_next(data.get("next")), status_code=303, cookies=[cookie])
