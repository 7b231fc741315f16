"""Every route, every role: who may call it is what its guard declares (default deny).

The route list comes from the running app, so a new route is covered the day it lands.
"""

import re

import pytest

from contest.accounts.tables import Role
from contest.lib.guards import access_of
from tests import factories as f

SAFE = {"GET", "HEAD", "OPTIONS"}


def routes(app):
    """(method, path, access) for every JSON API and page route."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if getattr(handler.fn, "__name__", "") == "options_handler":
                continue
            access = access_of([g for layer in handler.ownership_layers for g in (layer.guards or [])])[0]
            for method in handler.http_methods:
                if method not in ("HEAD", "OPTIONS"):
                    found.append((method, route.path, access))
    return sorted(set(found))


def concrete(path: str, ids: dict[str, int]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(ids.get(name, 999)) if match.group(2) == "int" else "not-a-token"

    return re.sub(r"\{(\w+):(\w+)\}", fill, path)


@pytest.fixture
async def people(world, clock):
    uni = await f.university()
    contest_id, track_id = await f.contest(clock)
    student = await world.signup("student@u.edu.cn", university_id=uni)
    organizer = await world.staff("organizer@contest.cn", Role.ORGANIZER, contest_id)
    judge = await world.staff("judge@contest.cn", Role.JUDGE, contest_id)
    team = await student.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "授权队", "track_id": track_id}
    )
    ids = {"contest_id": contest_id, "team_id": team.json()["id"], "user_id": student.id}
    # A visitor's browser holds the pre-session token of the last page it opened (log-in CSRF).
    anonymous = world.person("anonymous@u.edu.cn")
    await anonymous.http.get("/login")
    anonymous.csrf = anonymous.http.cookies["csrf"]
    return {
        "anonymous": anonymous,
        "student": student,
        "judge": judge,
        "organizer": organizer,
        "ids": ids,
    }


async def call(person, method, path):
    kwargs = {} if method in SAFE else {"json": {}}
    if path.startswith("/static"):
        path = "/static/app.css"
    response = await person.call(method, path, **kwargs)
    if path.endswith("/logout") and person.csrf:
        await person.login()  # signing out is allowed; sign back in for the next routes
    return response


async def test_every_route_declares_its_access_and_enforces_it(app, people):
    table = routes(app)
    assert len(table) > 40
    denied_anonymous = denied_student = 0
    for method, template, access in table:
        path = concrete(template, people["ids"])
        anonymous = await call(people["anonymous"], method, path)
        if access == "public":
            # A log-in with no credentials is a 401 about the credentials, not about access.
            refused = {403} if template in ("/login", "/api/v1/auth/login") else {401, 403}
            assert anonymous.status_code not in refused, (method, path, anonymous.status_code)
            assert anonymous.status_code < 500, (method, path, anonymous.text)
            continue
        if method == "GET" and not path.startswith("/api/"):
            # A page sends an anonymous visitor to sign in, and back afterwards.
            assert anonymous.status_code in (302, 303), (method, path, anonymous.status_code)
            assert anonymous.headers["location"].startswith("/login?next="), (method, path)
        else:
            assert anonymous.status_code == 401, (method, path, anonymous.status_code)
        denied_anonymous += 1
        if access.startswith("role:"):
            student = await call(people["student"], method, path)
            assert student.status_code == 403, (method, path, student.status_code)
            denied_student += 1
            holder = people[access.removeprefix("role:")] if access != "role:admin" else None
            if holder is not None:
                allowed = await call(holder, method, path)
                assert allowed.status_code not in (401, 403), (method, path, allowed.status_code, allowed.text)
                assert allowed.status_code < 500, (method, path, allowed.text)
        else:
            assert access == "authenticated"
            allowed = await call(people["student"], method, path)
            assert allowed.status_code != 401, (method, path)
            assert allowed.status_code < 500, (method, path, allowed.text)
    assert denied_anonymous > 20 and denied_student > 5


async def test_a_judge_cannot_use_organizer_routes(people):
    contest_id = people["ids"]["contest_id"]
    response = await people["judge"].call("GET", f"/api/v1/contests/{contest_id}/teams")
    assert response.status_code == 403


async def test_an_organizer_of_another_contest_is_refused(world, people, clock):
    other_contest, _ = await f.contest(clock)
    stranger = await world.staff("other-org@contest.cn", Role.ORGANIZER, other_contest)
    contest_id, team_id = people["ids"]["contest_id"], people["ids"]["team_id"]
    assert (await stranger.call("GET", f"/api/v1/contests/{contest_id}/teams")).status_code == 403
    status = await stranger.call("POST", f"/api/v1/teams/{team_id}/status", json={"disqualify": True, "reason": "x"})
    assert status.status_code == 403
    assert (await stranger.call("GET", f"/api/v1/teams/{team_id}")).status_code == 403
