"""Contests through the API: public reading, creation by admins, settings and tracks by organizers."""

from datetime import UTC, datetime, timedelta

from contest.accounts.tables import Role
from contest.contests.tables import Contest
from contest.lib.audit.service import entries_for
from contest.lib.db import json_value
from tests import factories as f


async def test_an_admin_creates_a_contest_that_everyone_can_read(world, clock):
    admin = await world.staff("admin@contest.cn", Role.ADMIN, None)
    opens = clock.now() + timedelta(days=1)
    body = {
        "slug": "mp2028",
        "name_zh": "2028年小程序大赛",
        "registration_opens_at": opens.isoformat(),
        "registration_deadline": (opens + timedelta(days=60)).isoformat(),
    }
    created = await admin.call("POST", "/api/v1/contests", json=body)
    assert created.status_code == 201, created.text
    contest = created.json()
    assert [t["code"] for t in contest["tracks"]] == ["app", "game"] and contest["max_team_size"] == 3
    again = await admin.call("POST", "/api/v1/contests", json=body)
    assert again.status_code == 409 and again.json()["fields"] == {"slug": "taken"}
    naive = await admin.call(
        "POST", "/api/v1/contests", json={**body, "slug": "x2", "registration_deadline": "2028-05-01T23:59:00"}
    )
    assert naive.status_code == 400 and "registration_deadline" in naive.json()["fields"]
    backwards = await admin.call(
        "POST", "/api/v1/contests", json={**body, "slug": "x3", "registration_deadline": opens.isoformat()}
    )
    assert backwards.status_code == 400 and backwards.json()["fields"] == {
        "registration_deadline": "must come after the opening"
    }
    assert await Contest.count() == 1

    anonymous = world.person("visitor@u.edu.cn")
    listed = (await anonymous.http.get("/api/v1/contests")).json()
    assert [c["slug"] for c in listed] == ["mp2028"]
    shown = (await anonymous.http.get(f"/api/v1/contests/{contest['id']}")).json()
    assert shown["registration_deadline"] == contest["registration_deadline"]
    assert (await anonymous.http.get("/api/v1/contests/999")).status_code == 404


async def test_organizers_change_settings_within_what_the_teams_already_are(world, clock):
    uni = await f.university()
    contest_id, track_id = await f.contest(clock)
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)
    leader = await world.signup("lead@u.edu.cn", university_id=uni)
    mate = await world.signup("mate@u.edu.cn", university_id=uni)
    team_id = (
        await leader.call("POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "两人队", "track_id": track_id})
    ).json()["id"]
    code = (await leader.call("POST", f"/api/v1/teams/{team_id}/join-code")).json()["code"]
    assert (await mate.call("POST", f"/api/v1/contests/{contest_id}/join", json={"code": code})).status_code == 200
    url = f"/api/v1/contests/{contest_id}"

    original = (await organizer.http.get(url)).json()["name_en"]
    changed = await organizer.call("PATCH", url, json={"max_team_size": 2, "name_en": "Renamed"})
    assert changed.status_code == 200 and changed.json()["max_team_size"] == 2
    for body, field in (
        ({"max_team_size": 1}, "max_team_size"),
        ({"time_zone": "Asia/Beijing"}, "time_zone"),
        ({"min_team_size": 3}, "min_team_size"),
        ({"registration_opens_at": (clock.now() + timedelta(days=30)).isoformat()}, "registration_deadline"),
    ):
        refused = await organizer.call("PATCH", url, json={**body, "name_zh": "不应保存"})
        assert refused.status_code in (400, 409) and field in refused.json()["fields"], (body, refused.text)
    assert (await organizer.call("PATCH", url, json={"slug": "new"})).status_code == 400
    settings = (await organizer.http.get(url)).json()
    assert settings["name_zh"] != "不应保存" and settings["max_team_size"] == 2 and settings["name_en"] == "Renamed"

    # Once a team mixes universities, the same-university rule cannot come back.
    assert (await organizer.call("PATCH", url, json={"same_university": False})).status_code == 200
    elsewhere = await world.signup("far@other.edu.cn", university_id=await f.university(province="广东"))
    await organizer.call("PATCH", url, json={"max_team_size": 3})
    assert (await elsewhere.call("POST", f"/api/v1/contests/{contest_id}/join", json={"code": code})).status_code == 200
    back = await organizer.call("PATCH", url, json={"same_university": True})
    assert back.status_code == 409 and back.json()["fields"] == {"same_university": "teams mix universities"}

    # Moving the deadline to now locks every roster at once.
    locked = await organizer.call("PATCH", url, json={"registration_deadline": clock.now().isoformat()})
    assert locked.status_code == 200
    leave = await mate.call("POST", f"/api/v1/teams/{team_id}/leave")
    assert leave.status_code == 409 and "locked" in leave.json()["message"]
    history = [e for e in await entries_for("contest", contest_id) if e["action"] == "contest.update"]
    assert json_value(history[0]["after"]) == {"max_team_size": 2, "name_en": "Renamed"}
    assert json_value(history[0]["before"]) == {"max_team_size": 3, "name_en": original}
    assert len(history) == 4  # the refused changes left no trace


async def test_tracks_are_added_renamed_and_reordered_by_national_organizers(world, clock):
    contest_id, track_id = await f.contest(clock)
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)
    regional = await world.staff("ec@contest.cn", Role.ORGANIZER, contest_id, region="EC")
    url = f"/api/v1/contests/{contest_id}/tracks"
    added = await organizer.call("POST", url, json={"code": "ai-app", "name_zh": "AI 应用", "name_en": "AI apps"})
    assert added.status_code == 201 and added.json()["sort_order"] == 1
    duplicate = await organizer.call("POST", url, json={"code": "ai-app", "name_zh": "重复"})
    assert duplicate.status_code == 409
    bad_code = await organizer.call("POST", url, json={"code": "AI App", "name_zh": "坏代码"})
    assert bad_code.status_code == 400 and bad_code.json()["fields"] == {"code": "invalid"}
    renamed = await organizer.call("PATCH", f"{url}/{track_id}", json={"name_zh": "小程序应用开发", "sort_order": 5})
    assert renamed.status_code == 200 and renamed.json()["name_zh"] == "小程序应用开发"
    tracks = (await organizer.http.get(f"/api/v1/contests/{contest_id}")).json()["tracks"]
    assert [t["code"] for t in tracks] == ["ai-app", "app"]
    other_contest, _ = await f.contest(clock)
    assert (
        await organizer.call("PATCH", f"/api/v1/contests/{other_contest}/tracks/{track_id}", json={})
    ).status_code == 403
    for method, path, body in (
        ("POST", url, {"code": "x-y", "name_zh": "区域"}),
        ("PATCH", f"{url}/{track_id}", {"name_zh": "区域改名"}),
        ("PATCH", f"/api/v1/contests/{contest_id}", {"max_team_size": 5}),
    ):
        response = await regional.call(method, path, json=body)
        assert response.status_code == 403 and "national" in response.json()["message"]


async def test_the_settings_page_reads_and_writes_times_in_the_contest_zone(world, clock):
    contest_id, _ = await f.contest(clock)
    deadline = datetime(2027, 4, 1, 15, 59, tzinfo=UTC)  # 23:59 in Beijing
    await Contest.update({Contest.registration_deadline: deadline, Contest.registration_opens_at: None}).where(
        Contest.id == contest_id
    )
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)
    page = await organizer.http.get("/console/contest")
    assert page.status_code == 200 and 'value="2027-04-01T23:59"' in page.text

    def settings_form(**changes):
        values = {
            "_csrf": organizer.csrf,
            "name_zh": "页面改名大赛",
            "name_en": "Renamed",
            "time_zone": "Asia/Shanghai",
            "registration_opens_at": "",
            "registration_deadline": "2027-05-01T23:59",
            "min_team_size": "1",
            "max_team_size": "4",
            "max_advisors": "2",
            "same_university": "yes",
            "privacy_notice_zh": "我们只为办赛处理你的信息。",
            "privacy_notice_en": "",
        }
        return {**values, **changes}

    bad = await organizer.http.post("/console/contest", data=settings_form(time_zone="Asia/Beijing"))
    assert bad.status_code == 303  # back to the form with the input kept and the reason shown
    shown = (await organizer.http.get(bad.headers["location"])).text
    assert "未知时区" in shown and 'value="Asia/Beijing"' in shown
    row = await Contest.select().where(Contest.id == contest_id).first()
    assert row["registration_deadline"] == deadline and row["max_team_size"] == 3  # nothing saved
    garbled = await organizer.http.post("/console/contest", data=settings_form(max_team_size="three"))
    assert garbled.status_code == 303
    assert 'value="three"' in (await organizer.http.get(garbled.headers["location"])).text

    notice = "我们只为办赛处理你的个人信息。" * 1000  # 15,000 characters, about 135 KB as a form
    saved = await organizer.http.post("/console/contest", data=settings_form(privacy_notice_zh=notice))
    assert saved.status_code == 303
    row = await Contest.select().where(Contest.id == contest_id).first()
    assert row["registration_deadline"] == datetime(2027, 5, 1, 15, 59, tzinfo=UTC)
    assert (row["name_zh"], row["max_team_size"], row["max_advisors"]) == ("页面改名大赛", 4, 2)
    assert row["privacy_notice_zh"] == notice
    # The same wall-clock time in another zone is another instant.
    await organizer.http.post("/console/contest", data=settings_form(time_zone="UTC"))
    row = await Contest.select(Contest.registration_deadline).where(Contest.id == contest_id).first()
    assert row["registration_deadline"] == datetime(2027, 5, 1, 23, 59, tzinfo=UTC)

    await organizer.submit("/console/contest/tracks", track_code="ai", track_name_zh="智能应用", track_name_en="")
    _, twice = await organizer.submit(
        "/console/contest/tracks", track_code="ai", track_name_zh="重复", track_name_en=""
    )
    assert "已有使用该代码的赛道" in twice.text and 'value="重复"' in twice.text
    assert "智能应用" in (await organizer.http.get("/console/contest")).text

    regional = await world.staff("ec@contest.cn", Role.ORGANIZER, contest_id, region="EC")
    readonly = await regional.http.get("/console/contest")
    assert readonly.status_code == 200 and "只有全国组委会可以修改" in readonly.text and "disabled" in readonly.text
    refused = await regional.http.post("/console/contest", data={**settings_form(), "_csrf": regional.csrf})
    assert refused.status_code == 403
