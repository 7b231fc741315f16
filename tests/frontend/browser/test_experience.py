"""Registration in a browser as a new student would do it, in Chinese and in English, at phone
width: the picker finds a university by its abbreviation, a refused form keeps what was typed and
says why in the reader's language, the home page says what to do next, the console's team table
scrolls sideways instead of wrapping."""

import pytest

from contest.accounts import staff
from contest.contests.tables import Contest
from contest.lib.principal import Role
from contest.regions.tables import University
from contest.teams import roster
from contest.teams.schemas import TeamIn
from tests import factories as f
from tests.frontend.browser.test_registration import log_in
from tests.mailbox import deliver_mail, link

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


async def test_a_student_signs_up_on_a_phone_and_is_told_what_to_do(
    browser, live_server, live_settings, engine, clock, artifacts_dir
):
    uni = await f.university(name="浙江大学", province="浙江", domains="zju.edu.cn")
    await University.update({University.name_en: "Zhejiang University"}).where(University.id == uni)
    await f.university(name="北京大学")
    contest_id, _ = await f.contest(clock)
    await Contest.update({Contest.announcement_zh: "报名进行中。"}).where(Contest.id == contest_id)
    context = await browser.new_context(locale="zh-CN", viewport=PHONE)
    page = await context.new_page()
    await page.goto(live_server + "/register")
    await page.get_by_label("姓名").fill("小浙")
    await page.get_by_label("邮箱").fill("xiao@zju.edu.cn")
    await page.get_by_label("密码").fill("short")
    await page.locator("input.select-filter").fill("zju")  # the picker knows the abbreviation
    assert await page.locator("select#university_id").input_value() == str(uni)
    await page.get_by_label("我已阅读个人信息告知书", exact=False).check()
    await page.locator("input[name=password]").evaluate("el => el.removeAttribute('minlength')")
    await page.get_by_role("button", name="注册").click()
    await page.get_by_text("至少 10 个字符", exact=False).first.wait_for()  # the reason, in Chinese
    assert page.url.endswith("/register")  # a reload does not resend the form
    assert await page.get_by_label("姓名").input_value() == "小浙"  # what was typed is kept
    await page.screenshot(path=str(artifacts_dir / "register-refused-zh-phone.png"), full_page=True)

    await page.get_by_label("密码").fill(f.PASSWORD)
    await page.locator("select#university_id").select_option(str(uni))
    await page.get_by_label("我已阅读个人信息告知书", exact=False).check()
    await page.get_by_role("button", name="注册").click()
    await page.get_by_text("请查收邮件").wait_for()
    await page.goto(live_server + "/login")
    await page.get_by_label("邮箱").fill("xiao@zju.edu.cn")
    await page.get_by_label("密码").fill(f.PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(live_server + "/")
    await page.get_by_text("你的邮箱尚未验证").wait_for()  # the banner, before any form fails
    assert await page.get_by_text("报名进行中。").is_visible()
    await page.screenshot(path=str(artifacts_dir / "home-unverified-zh-phone.png"), full_page=True)

    await deliver_mail(live_settings, clock)
    token = link(live_settings, "xiao@zju.edu.cn", r"/verify\?token=([\w\-]+)")
    await page.goto(f"{live_server}/verify?token={token}")
    await page.get_by_role("button", name="验证", exact=True).click()
    await page.get_by_text("你的邮箱已验证。").wait_for()
    await page.goto(live_server + "/")
    await page.get_by_role("link", name="创建团队，或用队长分享的加入码加入团队。").click()
    await page.get_by_label("加入码").fill("NOPE2345")
    await page.get_by_role("button", name="加入", exact=True).click()
    await page.get_by_text("加入码无效。").wait_for()
    await page.get_by_label("团队名称").fill("求是队")
    await page.get_by_role("button", name="创建团队").click()
    await page.get_by_text("团队已创建，请邀请队友。").wait_for()
    await page.get_by_role("button", name="生成新加入码").click()
    assert await page.get_by_role("button", name="复制").is_visible()
    await page.screenshot(path=str(artifacts_dir / "my-team-zh-phone.png"), full_page=True)

    await page.get_by_role("button", name="English").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("Zhejiang University").first.is_visible()
    await page.get_by_label("E-mail address").first.fill("nobody-here@zju.edu.cn")
    await page.get_by_role("button", name="Send invitation").click()
    await page.get_by_text("Invitation sent.").wait_for()
    await page.screenshot(path=str(artifacts_dir / "my-team-en-phone.png"), full_page=True)
    await context.close()


async def test_the_console_team_table_scrolls_on_a_phone(browser, live_server, engine, clock, artifacts_dir):
    uni = await f.university(name="华中科技大学", province="湖北")
    contest_id, track_id = await f.contest(clock)
    leader = await f.user(clock, university_id=uni, email="leader@hust.edu.cn")
    await roster.create_team(
        f.runtime(clock), await f.principal(leader), contest_id, TeamIn("一个名字相当长的团队", track_id)
    )
    organizer = await f.user(clock, email="org@contest.cn")
    await staff.grant(clock, user_id=organizer, role=Role.ORGANIZER, contest_id=contest_id)
    context = await browser.new_context(locale="zh-CN", viewport=PHONE)
    page = await context.new_page()
    await log_in(page, live_server, "org@contest.cn")
    await page.goto(live_server + "/console/teams?region_id=&track_id=&status=&q=")
    row = page.locator("table.wide tbody tr").first
    assert "一个名字相当长的团队" in await row.inner_text()
    assert (await row.bounding_box())["height"] < 60  # one line, not a character per line
    wrap = page.locator(".table-wrap:has(table.wide)")
    assert await wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    await page.screenshot(path=str(artifacts_dir / "console-teams-phone.png"), full_page=True)
    await context.close()


    # Settings and rarer pages fold under "More": on a phone its list opens in the menu's flow (the page
    # no wider than the screen) and closes at a click elsewhere; the page reached marks "More".
    context = await browser.new_context(locale="zh-CN", viewport=PHONE)
    page = await context.new_page()
    await log_in(page, live_server, "org@contest.cn")
    await page.goto(live_server + "/console/teams")
    more = page.locator("details.nav-more")
    assert not await page.get_by_role("link", name="比赛设置").is_visible()
    await more.locator("summary").click()
    assert await page.get_by_role("link", name="比赛设置").is_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    await page.screenshot(path=str(artifacts_dir / "console-more-phone.png"), full_page=True)
    await page.locator("h1").click()
    assert await more.get_attribute("open") is None
    await more.locator("summary").click()
    await page.get_by_role("link", name="比赛设置").click()
    await page.wait_for_url(live_server + "/console/contest")
    assert "current" in (await page.locator("details.nav-more").get_attribute("class") or "")
    await context.close()
