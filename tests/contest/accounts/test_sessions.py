"""Stale credentials: a password reset ends every session, API token and outstanding reset link; a
teacher's change of university ends their confirmation and their advisorships."""

from tests import factories as f
from tests.mailbox import link_token


async def reset_link(world, email: str) -> str:
    stranger = world.person("anyone")
    assert (await stranger.http.post("/api/v1/auth/password-reset", json={"email": email})).status_code == 202
    return await link_token(email, "/reset?token=")


async def test_a_password_reset_ends_every_session_token_and_other_reset_link(world):
    laptop = await world.signup("reset@u.edu.cn")
    phone = world.person("reset@u.edu.cn")
    assert (await phone.login()).status_code == 200
    token = (await laptop.call("POST", "/api/v1/me/tokens", json={"name": "脚本"})).json()["token"]
    script = {"Authorization": f"Bearer {token}"}
    first, second = await reset_link(world, "reset@u.edu.cn"), await reset_link(world, "reset@u.edu.cn")
    assert first != second

    confirm = {"token": first, "password": "Brand-new-2027"}
    assert (await world.person("x").http.post("/api/v1/auth/password-reset/confirm", json=confirm)).status_code == 200

    for device in (laptop, phone):
        assert (await device.call("GET", "/api/v1/me")).status_code == 401
    assert (await world.person("x").http.get("/api/v1/me", headers=script)).status_code == 401
    # The other link, mailed before the reset, is spent too.
    again = await world.person("x").http.post(
        "/api/v1/auth/password-reset/confirm", json={"token": second, "password": "Another-one-2027"}
    )
    assert again.status_code == 400 and again.json()["fields"] == {"token": "invalid"}
    assert (await phone.login("Brand-new-2027")).status_code == 200


async def test_a_teacher_who_changes_university_is_confirmed_anew_and_advises_there_no_more(world, clock):
    old = await f.university(domains="old.edu.cn")
    new = await f.university(domains="new.edu.cn")
    contest_id, track_id = await f.contest(clock)
    teacher = await world.signup("prof@old.edu.cn", kind="teacher", university_id=old)
    assert (await teacher.call("GET", "/api/v1/me")).json()["teacher_status"] == "confirmed"  # by the domain

    leader = await world.signup("lead@old.edu.cn", university_id=old)
    team = await leader.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "旧校队", "track_id": track_id}
    )
    team_id = team.json()["id"]
    await leader.call("POST", f"/api/v1/teams/{team_id}/advisor", json={"email": "prof@old.edu.cn"})
    await world.deliver_mail()
    request = world.link("prof@old.edu.cn", r"/advisor/([\w\-]+)")
    assert (await teacher.call("POST", f"/api/v1/advisor-requests/{request}", json={"accept": True})).status_code == 200

    moved = await teacher.call("PATCH", "/api/v1/me", json={"university_id": new})
    assert moved.status_code == 200 and moved.json()["teacher_status"] == "pending"
    assert (await leader.call("GET", f"/api/v1/teams/{team_id}")).json()["advisors"] == []

    # Confirmed at the old university, the teacher is not thereby confirmed at the new one.
    new_leader = await world.signup("lead@new.edu.cn", university_id=new)
    new_team = await new_leader.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "新校队", "track_id": track_id}
    )
    asked = await new_leader.call(
        "POST", f"/api/v1/teams/{new_team.json()['id']}/advisor", json={"email": "prof@old.edu.cn"}
    )
    assert asked.status_code == 409, asked.text


async def test_a_teacher_moving_to_a_university_of_their_mail_domain_is_confirmed_by_it(world):
    old = await f.university(domains="a.edu.cn")
    new = await f.university(domains="b.edu.cn")
    teacher = await world.signup("prof@b.edu.cn", kind="teacher", university_id=old)
    assert (await teacher.call("GET", "/api/v1/me")).json()["teacher_status"] == "pending"
    moved = await teacher.call("PATCH", "/api/v1/me", json={"university_id": new})
    assert moved.json()["teacher_status"] == "confirmed"
