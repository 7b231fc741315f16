"""The judge assignment in a browser, in Chinese at phone width and in English on a desktop: the judges
page explains a forbidden pair, a run is queued and its page follows the worker, the preview draws its
figures, a refused pin says why, publishing tells the judge, who sees entry codes only; the final's
timetable is built and shown as a grid. Screenshots go to the test artifacts."""

from datetime import timedelta

import pytest

from contest.accounts import staff
from contest.accounts.tables import User
from contest.lib.principal import Role
from contest.rounds import participants
from contest.rounds import service as rounds
from contest.rounds.schemas import ParticipantsIn
from judging.judges import service as judges
from judging.judges.schemas import AvailabilityIn
from tests import factories as f
from tests.judging.assignment_service import scene as scenes
from tests.mailbox import deliver_mail

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


async def sign_in(page, server, email):
    await page.goto(server + "/login")
    await page.locator("input[name=email]").fill(email)
    await page.locator("input[name=password]").fill(f.PASSWORD)
    await page.locator("form button[type=submit]").last.click()
    await page.wait_for_url(server + "/")


async def test_an_organizer_assigns_and_a_judge_sees_codes(
    browser, live_server, live_settings, engine, clock, artifacts_dir
):
    s = await scenes.build(clock, judges_per_region=5)
    organizer = await f.user(clock, email="organizer@contest.example.org")
    await staff.grant(clock, user_id=organizer, role=Role.ORGANIZER, contest_id=s.contest_id)
    context = await browser.new_context(locale="zh-CN", viewport=PHONE)
    page = await context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    await sign_in(page, live_server, "organizer@contest.example.org")

    judge = s.judges["EC"][0]
    await page.goto(f"{live_server}/console/judges?judge={judge}&team={s.teams['EC'][0]}")
    await page.get_by_text("与该队伍同校", exact=False).wait_for()
    await page.screenshot(path=str(artifacts_dir / "judges-zh-phone.png"), full_page=True)
    await page.goto(f"{live_server}/console/judges/{judge}")
    await page.get_by_text("这位评委不能评审的队伍及原因。").wait_for()
    assert await page.get_by_text("与该队伍同校", exact=False).count() == 2
    await page.screenshot(path=str(artifacts_dir / "judge-profile-zh-phone.png"), full_page=True)

    await page.goto(f"{live_server}/console/rounds/{s.round_id}/assignment")
    await page.get_by_role("button", name="开始运行", exact=True).click()
    await page.get_by_text("分配运行已加入队列").wait_for()
    await deliver_mail(live_settings, clock)  # the worker solves the run
    await page.get_by_text("已避开的冲突").wait_for(timeout=15_000)  # the page reloaded by itself
    assert await page.locator("svg.chart").count() == 2
    await page.screenshot(path=str(artifacts_dir / "assignment-run-zh-phone.png"), full_page=True)
    # Wide tables scroll sideways on a phone instead of widening the page.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    await page.locator("input[name=pin_team_id]").fill(str(s.teams["EC"][0]))
    await page.locator("select[name=pin_judge_id]").select_option(str(judge))
    await page.get_by_role("button", name="固定", exact=True).click()
    await page.get_by_text("该评委来自作品所在学校", exact=False).first.wait_for()
    await page.screenshot(path=str(artifacts_dir / "assignment-pin-refused-zh-phone.png"), full_page=True)

    await page.get_by_role("button", name="公布", exact=True).click()
    await page.get_by_text("已发布：新增 30 个配对", exact=False).wait_for()
    await page.screenshot(path=str(artifacts_dir / "assignment-round-zh-phone.png"), full_page=True)

    reviewer = s.judges["EC"][1]
    await User.update({User.password_hash: f.CHEAP_HASHER.hash(f.PASSWORD)}).where(User.id == reviewer)
    judge_context = await browser.new_context(locale="zh-CN", viewport=PHONE)
    judge_page = await judge_context.new_page()
    await sign_in(judge_page, live_server, await f.email_of(reviewer))
    await judge_page.goto(live_server + "/judge/assignments")
    await judge_page.get_by_text("件新作品待评审", exact=False).wait_for()
    assert await judge_page.locator(".entry-code").count() >= 1
    assert "EC队" not in await judge_page.content()  # a blind round shows codes only
    await judge_page.screenshot(path=str(artifacts_dir / "judge-assignments-zh-phone.png"), full_page=True)

    desktop = await browser.new_context(locale="en-US", viewport=DESKTOP)
    english = await desktop.new_page()
    await sign_in(english, live_server, "organizer@contest.example.org")
    await english.goto(f"{live_server}/console/rounds/{s.round_id}/assignment")
    await english.get_by_role("link", name="1", exact=True).click()
    await english.get_by_text("Conflicts avoided").wait_for()
    await english.screenshot(path=str(artifacts_dir / "assignment-run-en-desktop.png"), full_page=True)
    for ctx in (context, judge_context, desktop):
        await ctx.close()


async def test_the_final_timetable_is_built_and_shown_as_a_grid(
    browser, live_server, live_settings, engine, clock, artifacts_dir
):
    s = await scenes.build(clock, teams_per_region=(("EC", 4), ("NC", 3)), judges_per_region=3)
    final = (await rounds.rounds_of(s.rt, s.contest_id))[2]
    await participants.set_participants(
        s.rt, s.national, final.id, ParticipantsIn(team_ids=s.teams["EC"] + s.teams["NC"])
    )
    for judge in s.judges["EC"] + s.judges["NC"]:
        await judges.set_availability(s.rt, s.national, final.id, judge, AvailabilityIn(available=True))
    organizer = await f.user(clock, email="national@contest.example.org")
    await staff.grant(clock, user_id=organizer, role=Role.ORGANIZER, contest_id=s.contest_id)
    context = await browser.new_context(locale="zh-CN", viewport=PHONE)
    page = await context.new_page()
    await sign_in(page, live_server, "national@contest.example.org")
    await page.goto(f"{live_server}/console/rounds/{final.id}/defence")
    for name in ("一号厅", "二号厅"):
        await page.locator("input[name=room_name]").fill(name)
        await page.get_by_role("button", name="添加教室").click()
        await page.get_by_text(name).first.wait_for()
    start = (clock.now() + timedelta(days=40)).astimezone().strftime("%Y-%m-%dT%H:%M")
    await page.locator("input[name=session_name]").fill("第一天上午")
    await page.locator("input[name=session_starts_at]").fill(start)
    await page.locator("input[name=session_slots]").fill("4")
    await page.get_by_role("button", name="添加场次").click()
    await page.get_by_text("第一天上午").first.wait_for()
    await page.screenshot(path=str(artifacts_dir / "defence-setup-zh-phone.png"), full_page=True)
    await page.locator("input[name=panel_size]").fill("3")
    await page.locator("input[name=time_limit]").fill("5")
    await page.get_by_role("button", name="排定答辩日程").click()
    await page.get_by_text("正在排定日程").wait_for()
    await deliver_mail(live_settings, clock)
    await page.locator("table.timetable").wait_for(timeout=20_000)
    assert await page.locator("table.timetable tbody tr").count() == 4
    await page.screenshot(path=str(artifacts_dir / "defence-timetable-zh-phone.png"), full_page=True)
    await context.close()
