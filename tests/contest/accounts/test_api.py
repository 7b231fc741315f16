"""A whole registration through the JSON API, with mail delivered by the real worker."""

from datetime import timedelta

import httpx

from contest.accounts.tables import Role
from contest.shell.app import create_app
from tests import factories as f
from tests.conftest import replace, running


async def test_three_students_and_a_teacher_register_form_a_team_lock_and_change(world, clock):
    uni = await f.university(domains="pku.edu.cn")
    contest_id, track_id = await f.contest(clock)
    leader = await world.signup("leader@pku.edu.cn", university_id=uni)
    second = await world.signup("second@pku.edu.cn", university_id=uni)
    third = await world.signup("third@pku.edu.cn", university_id=uni)
    teacher = await world.signup("prof@pku.edu.cn", kind="teacher", university_id=uni)
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)

    me = (await leader.call("GET", "/api/v1/me")).json()
    assert me["email_verified"] and me["university_id"] == uni
    assert (await teacher.call("GET", "/api/v1/me")).json()["teacher_status"] == "confirmed"  # by domain

    created = await leader.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "燕园星火", "track_id": track_id}
    )
    assert created.status_code == 201, created.text
    team_id = created.json()["id"]

    # One member by e-mail invitation, one by join code.
    assert (
        await leader.call("POST", f"/api/v1/teams/{team_id}/invitations", json={"email": "second@pku.edu.cn"})
    ).status_code == 201
    await world.deliver_mail()
    token = world.link("second@pku.edu.cn", r"/invitations/([\w\-]+)")
    assert (await second.call("POST", f"/api/v1/invitations/{token}/accept")).json() == {"team_id": team_id}
    code = (await leader.call("POST", f"/api/v1/teams/{team_id}/join-code")).json()["code"]
    assert (await third.call("POST", f"/api/v1/contests/{contest_id}/join", json={"code": code})).status_code == 200

    # The advisor confirms by the mailed link.
    assert (
        await leader.call("POST", f"/api/v1/teams/{team_id}/advisor", json={"email": "prof@pku.edu.cn"})
    ).status_code == 201
    await world.deliver_mail()
    advisor_token = world.link("prof@pku.edu.cn", r"/advisor/([\w\-]+)")
    assert (
        await teacher.call("POST", f"/api/v1/advisor-requests/{advisor_token}", json={"accept": True})
    ).status_code == 200
    team = (await teacher.call("GET", f"/api/v1/teams/{team_id}")).json()
    assert {m["email"] for m in team["members"]} == {"leader@pku.edu.cn", "second@pku.edu.cn", "third@pku.edu.cn"}
    assert [(a["name"], a["status"]) for a in team["advisors"]] == [("测试prof", "confirmed")]

    # The deadline passes: the roster is locked.
    clock.advance(timedelta(days=8))
    locked = await leader.call("POST", f"/api/v1/teams/{team_id}/remove-member", json={"user_id": third.id})
    assert locked.status_code == 409 and "locked" in locked.json()["message"]
    assert (await leader.call("GET", f"/api/v1/teams/{team_id}")).json()["locked"] is True

    # A change request: every member approves, the organizer accepts.
    request = await leader.call(
        "POST",
        f"/api/v1/teams/{team_id}/change-requests",
        json={"op": "remove_member", "user_id": third.id, "reason": "转学"},
    )
    assert request.status_code == 201, request.text
    request_id = request.json()["id"]
    pending = (await second.call("GET", f"/api/v1/teams/{team_id}")).json()["change_requests"][0]
    assert pending["status"] == "pending" and pending["answered_by"] == [leader.id]
    early = await organizer.call("POST", f"/api/v1/change-requests/{request_id}/decision", json={"accept": True})
    assert early.status_code == 409
    for member in (second, third):
        answer = await member.call("POST", f"/api/v1/change-requests/{request_id}/answer", json={"approve": True})
        assert answer.status_code == 200, answer.text
    decided = await organizer.call(
        "POST", f"/api/v1/change-requests/{request_id}/decision", json={"accept": True, "reason": "同意"}
    )
    assert decided.status_code == 200, decided.text
    team = (await leader.call("GET", f"/api/v1/teams/{team_id}")).json()
    assert {m["email"] for m in team["members"]} == {"leader@pku.edu.cn", "second@pku.edu.cn"}
    assert team["change_requests"][0]["status"] == "accepted"
    await world.deliver_mail()
    assert world.link("third@pku.edu.cn", r"(已同意)")


async def test_bad_input_gets_a_clear_4xx_and_changes_nothing(world, clock):
    uni = await f.university()
    other = await f.university()
    contest_id, track_id = await f.contest(clock)
    leader = await world.signup("a@u.edu.cn", university_id=uni)
    outsider = await world.signup("b@other.edu.cn", university_id=other)
    student_as_advisor = await world.signup("c@u.edu.cn", university_id=uni)
    anon = world.person("nobody@u.edu.cn")

    duplicate = await anon.http.post(
        "/api/v1/auth/register",
        json={"email": "A@U.edu.cn", "name": "x", "password": f.PASSWORD, "kind": "student", "consent": True},
    )
    assert duplicate.status_code == 409 and duplicate.json()["fields"] == {"email": "already registered"}
    malformed = await anon.http.post(
        "/api/v1/auth/register",
        json={"email": "not-mail", "name": "x", "password": f.PASSWORD, "kind": "student", "consent": True},
    )
    assert malformed.status_code == 400 and "email" in malformed.json()["fields"]
    weak = await anon.http.post(
        "/api/v1/auth/register",
        json={"email": "new@u.edu.cn", "name": "x", "password": "12345", "kind": "student", "consent": True},
    )
    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    wrong = await anon.http.post("/api/v1/auth/login", json={"email": "a@u.edu.cn", "password": "Wrong-pass-1"})
    unknown = await anon.http.post("/api/v1/auth/login", json={"email": "zz@u.edu.cn", "password": "Wrong-pass-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["message"] == unknown.json()["message"]
    reused = await anon.http.post("/api/v1/auth/verify", json={"token": "not-a-token"})
    assert reused.status_code == 400

    team_id = (
        await leader.call("POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "甲队", "track_id": track_id})
    ).json()["id"]
    second_team = await leader.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "乙队", "track_id": track_id}
    )
    assert second_team.status_code == 409
    code = (await leader.call("POST", f"/api/v1/teams/{team_id}/join-code")).json()["code"]
    foreign = await outsider.call("POST", f"/api/v1/contests/{contest_id}/join", json={"code": code})
    assert foreign.status_code == 409 and "university" in foreign.json()["message"]
    advisor = await leader.call("POST", f"/api/v1/teams/{team_id}/advisor", json={"email": "c@u.edu.cn"})
    assert advisor.status_code == 409 and "teacher" in advisor.json()["message"]
    peek = await outsider.call("GET", f"/api/v1/teams/{team_id}")
    assert peek.status_code == 403
    meddle = await student_as_advisor.call("POST", f"/api/v1/teams/{team_id}/invitations", json={"email": "x@u.edu.cn"})
    assert meddle.status_code == 403
    organizer_route = await leader.call("GET", f"/api/v1/contests/{contest_id}/teams")
    assert organizer_route.status_code == 403
    team = (await leader.call("GET", f"/api/v1/teams/{team_id}")).json()
    assert [m["email"] for m in team["members"]] == ["a@u.edu.cn"] and team["invitations"] == []


async def test_csrf_is_required_with_the_session_cookie(world, clock):
    uni = await f.university()
    person = await world.signup("csrf@u.edu.cn", university_id=uni)
    no_token = await person.http.patch("/api/v1/me", json={"major": "软件工程"})
    assert no_token.status_code == 403
    with_token = await person.call("PATCH", "/api/v1/me", json={"major": "软件工程"})
    assert with_token.status_code == 200 and with_token.json()["major"] == "软件工程"


async def test_api_tokens_work_without_cookies_or_csrf(world, clock):
    uni = await f.university()
    person = await world.signup("script@u.edu.cn", university_id=uni)
    token = (await person.call("POST", "/api/v1/me/tokens", json={"name": "导出脚本"})).json()
    script = world.person("script@u.edu.cn")
    headers = {"Authorization": f"Bearer {token['token']}"}
    assert (await script.http.get("/api/v1/me", headers=headers)).json()["email"] == "script@u.edu.cn"
    assert (await script.http.patch("/api/v1/me", json={"major": "数学"}, headers=headers)).status_code == 200
    assert (await person.call("DELETE", f"/api/v1/me/tokens/{token['id']}")).status_code == 204
    assert (await script.http.get("/api/v1/me", headers=headers)).status_code == 401


async def test_login_is_rate_limited_per_account(world, clock, app_settings):
    uni = await f.university()
    await world.signup("limited@u.edu.cn", university_id=uni)
    attacker = world.person("limited@u.edu.cn")
    statuses = []
    for _ in range(app_settings.login_limit_per_account + 1):
        statuses.append((await attacker.login("Wrong-password-1")).status_code)
    assert statuses[:-1] == [401] * app_settings.login_limit_per_account and statuses[-1] == 429
    assert (await attacker.login()).status_code == 429  # even the right password waits


async def test_logout_ends_the_session(world, clock):
    uni = await f.university()
    person = await world.signup("bye@u.edu.cn", university_id=uni)
    assert (await person.call("POST", "/api/v1/auth/logout")).status_code == 204
    assert (await person.http.get("/api/v1/me")).status_code == 401


async def test_login_is_rate_limited_per_client_address_behind_trusted_proxies_only(app_settings, clock):
    settings = replace(app_settings, login_limit_per_address=3, trusted_proxies="10.0.0.5")
    limited = create_app(settings, clock=clock)

    def client(peer: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=limited, client=(peer, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")

    async def attempt(http: httpx.AsyncClient, n: int, forwarded: str | None = None) -> int:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        body = {"email": f"guess{n}@u.edu.cn", "password": "Wrong-password-1"}
        return (await http.post("/api/v1/auth/login", json=body, headers=headers)).status_code

    async with running(limited), client("198.51.100.1") as direct, client("10.0.0.5") as proxy:
        # Different accounts each time: only the address counter can stop this.
        assert [await attempt(direct, n) for n in range(4)] == [401, 401, 401, 429]
        # A forged header from a peer that is not our proxy changes nothing.
        assert await attempt(direct, 9, forwarded="203.0.113.50") == 429
        # Behind the proxy, each student is counted by the address it forwards.
        assert [await attempt(proxy, n, forwarded=f"203.0.113.{n}") for n in range(4)] == [401] * 4
        assert [await attempt(proxy, 10 + n, forwarded="203.0.113.99") for n in range(4)] == [401, 401, 401, 429]
