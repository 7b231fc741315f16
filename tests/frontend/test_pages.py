"""Pages beyond the flows: the organizer's university import form and the development mailbox."""

import httpx

from contest.accounts.tables import Role
from contest.contests.tables import Contest
from contest.lib.settings import Environment
from tests import factories as f
from tests.conftest import replace, running


async def test_console_import_form_reports_rows_and_needs_the_csrf_token(world, clock):
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, None)
    page = await organizer.http.get("/console/universities")
    assert page.status_code == 200 and "导入学校名单" in page.text
    content = "名称,省份\n表单大学,火星\n".encode()
    refused = await organizer.http.post("/console/universities", files={"file": ("u.csv", content, "text/csv")})
    assert refused.status_code == 403  # no CSRF token
    bad = await organizer.http.post(
        f"/console/universities?_csrf={organizer.csrf}", files={"file": ("u.csv", content, "text/csv")}
    )
    assert bad.status_code == 303  # back to the form, which shows each refused row
    shown = await organizer.http.get(bad.headers["location"])
    assert "未知省份：火星" in shown.text and "需要修改" in shown.text
    good = "名称,省份\n表单大学,湖北\n".encode()
    done = await organizer.http.post(
        f"/console/universities?_csrf={organizer.csrf}", files={"file": ("u.csv", good, "text/csv")}
    )
    assert done.status_code == 303
    shown = await organizer.http.get(done.headers["location"])
    assert "新增 1 所学校" in shown.text and "表单大学" in shown.text


async def test_teachers_see_the_teams_they_advise(world, clock):
    uni = await f.university(domains="adv.edu.cn")
    contest_id, track_id = await f.contest(clock)
    leader = await world.signup("lead@adv.edu.cn", university_id=uni)
    teacher = await world.signup("prof@adv.edu.cn", kind="teacher", university_id=uni)
    team = await leader.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "指导队", "track_id": track_id}
    )
    await leader.call("POST", f"/api/v1/teams/{team.json()['id']}/advisor", json={"email": "prof@adv.edu.cn"})
    await world.deliver_mail()
    token = world.link("prof@adv.edu.cn", r"/advisor/([\w\-]+)")
    await teacher.call("POST", f"/api/v1/advisor-requests/{token}", json={"accept": True})
    page = await teacher.http.get("/my/advised")
    assert page.status_code == 200 and "指导队" in page.text and "lead@adv.edu.cn" in page.text


async def test_the_development_mailbox_exists_only_in_development(app_settings, clock, world):
    await world.signup("dev@u.edu.cn")  # delivers a verification mail into var/mail
    assert (await world.person("x@u.edu.cn").http.get("/dev/mail")).status_code == 404
    from contest.shell.app import create_app

    development = create_app(replace(app_settings, contest_env=Environment.DEVELOPMENT), clock=clock)
    async with (
        running(development),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=development), base_url="http://t") as client,
    ):
        listing = await client.get("/dev/mail")
        assert listing.status_code == 200 and "dev@u.edu.cn" in listing.text
        name = listing.text.split('href="/dev/mail/')[1].split('"')[0]
        message = await client.get(f"/dev/mail/{name}")
        assert "/verify?token=" in message.text
        assert (await client.get("/dev/mail/../../secret_key")).status_code == 404


async def test_the_personal_data_notice_people_consent_to_is_readable(world, clock):
    visitor = world.person("visitor@u.edu.cn")
    default = await visitor.http.get("/privacy")
    assert default.status_code == 200 and "仅为办赛处理" in default.text
    assert 'href="/privacy"' in (await visitor.http.get("/register")).text
    contest_id, _ = await f.contest(clock)
    await Contest.update({Contest.privacy_notice_zh: "本届大赛的告知书<正文>"}).where(Contest.id == contest_id)
    own = await visitor.http.get("/privacy")
    assert "本届大赛的告知书&lt;正文&gt;" in own.text and "仅为办赛处理" not in own.text
    english = await visitor.http.get("/privacy", cookies={"lang": "en"})
    assert "本届大赛的告知书" in english.text  # no English notice: the Chinese one rather than none
