"""A whole registration through the pages, as people do it: sign up, verify by mail, form a team,
invite, join by code, confirm the advisor, lock, request a change, approve it."""

from datetime import UTC, datetime, timedelta

import pytest

from contest.accounts import staff
from contest.contests.tables import Contest
from contest.lib.principal import Role
from tests import factories as f
from tests.mailbox import deliver_mail, link

pytestmark = pytest.mark.browser


async def sign_up(browser, url, settings, clock, *, email, name, kind="student", university="测试浏览器大学"):
    context = await browser.new_context(locale="zh-CN")
    page = await context.new_page()
    await page.goto(url + "/register")
    if kind == "teacher":
        await page.get_by_label("教师（指导教师）").check()
    await page.get_by_label("姓名").fill(name)
    await page.get_by_label("邮箱").fill(email)
    await page.get_by_label("密码").fill(f.PASSWORD)
    await page.locator("select#university_id").select_option(label=university)
    await page.get_by_label("我已阅读个人信息告知书", exact=False).check()
    await page.get_by_role("button", name="注册").click()
    await page.get_by_text("请查收邮件").wait_for()
    await deliver_mail(settings, clock)
    token = link(settings, email, r"/verify\?token=([\w\-]+)")
    await page.goto(f"{url}/verify?token={token}")
    await page.get_by_role("button", name="验证").click()
    await page.get_by_text("你的邮箱已验证。").wait_for()
    await log_in(page, url, email)
    return page


async def log_in(page, url, email):
    await page.goto(url + "/login")
    await page.get_by_label("邮箱").fill(email)
    await page.get_by_label("密码").fill(f.PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(url + "/")


async def test_whole_registration_through_the_pages(browser, live_server, live_settings, engine, clock, artifacts_dir):
    settings, url = live_settings, live_server
    uni = await f.university(name="测试浏览器大学", domains="browser.edu.cn")
    contest_id, _ = await f.contest(clock)
    organizer_id = await f.user(clock, email="org@contest.cn")
    await staff.grant(clock, user_id=organizer_id, role=Role.ORGANIZER, contest_id=contest_id)
    del uni

    leader = await sign_up(browser, url, settings, clock, email="leader@browser.edu.cn", name="队长甲")
    second = await sign_up(browser, url, settings, clock, email="second@browser.edu.cn", name="队员乙")
    third = await sign_up(browser, url, settings, clock, email="third@browser.edu.cn", name="队员丙")
    teacher = await sign_up(browser, url, settings, clock, email="prof@browser.edu.cn", name="王老师", kind="teacher")

    await leader.goto(url + "/my/team")
    await leader.get_by_label("团队名称").fill("浏览器星火队")
    await leader.get_by_role("button", name="创建团队").click()
    await leader.get_by_role("heading", name="浏览器星火队").wait_for()

    await leader.locator("form[action='/my/team/invite'] input[name=email]").fill("second@browser.edu.cn")
    await leader.get_by_role("button", name="发送邀请").click()
    await deliver_mail(settings, clock)
    token = link(settings, "second@browser.edu.cn", r"/invitations/([\w\-]+)")
    await second.goto(f"{url}/invitations/{token}")
    await second.get_by_role("button", name="同意").click()
    await second.get_by_role("heading", name="浏览器星火队").wait_for()

    await leader.get_by_role("button", name="生成新加入码").click()
    code = await leader.locator("code.join-code").inner_text()
    await third.goto(url + "/my/team")
    await third.get_by_label("加入码").fill(code)
    await third.get_by_role("button", name="加入", exact=True).click()
    await third.get_by_role("heading", name="浏览器星火队").wait_for()

    await leader.goto(url + "/my/team")
    await leader.get_by_label("教师的邮箱").fill("prof@browser.edu.cn")
    await leader.get_by_role("button", name="邀请担任指导教师").click()
    await deliver_mail(settings, clock)
    token = link(settings, "prof@browser.edu.cn", r"/advisor/([\w\-]+)")
    await teacher.goto(f"{url}/advisor/{token}")
    await teacher.get_by_role("button", name="确认").click()
    await teacher.get_by_text("你的答复已记录。").wait_for()

    # The registration deadline passes (the server runs on the real clock).
    await Contest.update({Contest.registration_deadline: datetime.now(UTC) - timedelta(minutes=1)}).where(
        Contest.id == contest_id
    )
    await leader.goto(url + "/my/team")
    await leader.get_by_text("名单已锁定", exact=True).wait_for()
    change_form = leader.locator("form[action='/my/team/change']")
    assert await change_form.locator("input[name=email]").is_visible()  # adding a member is the first choice
    await leader.locator("select[name=op]").select_option("remove_member")
    assert not await change_form.locator("input[name=email]").is_visible()
    await leader.locator("form[action='/my/team/change'] select[name=user_id]").select_option(label="队员丙")
    await leader.locator("form[action='/my/team/change'] textarea[name=reason]").fill("队员丙转学")
    await leader.get_by_role("button", name="提交变更申请").click()
    for member in (second, third):
        await member.goto(url + "/my/team")
        await member.get_by_role("button", name="同意").click()

    org_context = await browser.new_context(locale="zh-CN")
    organizer = await org_context.new_page()
    await log_in(organizer, url, "org@contest.cn")
    await organizer.goto(url + "/console/teams")
    await organizer.get_by_text("待审核的成员变更申请").wait_for()
    await organizer.screenshot(path=str(artifacts_dir / "console-teams.png"), full_page=True)
    await organizer.get_by_role("link", name="浏览器星火队").first.click()
    await organizer.get_by_label("审核意见").fill("同意转学")
    await organizer.get_by_role("button", name="同意", exact=True).click()
    await organizer.get_by_text("组委会通过变更").wait_for()
    await organizer.screenshot(path=str(artifacts_dir / "console-team.png"), full_page=True)
    await organizer.goto(url + "/console/contest")
    await organizer.get_by_role("heading", name="比赛设置").wait_for()
    await organizer.screenshot(path=str(artifacts_dir / "console-contest.png"), full_page=True)

    await leader.goto(url + "/my/team")
    members = await leader.locator("ul.members li").all_inner_texts()
    assert len(members) == 2 and not any("队员丙" in m for m in members)
    assert await leader.get_by_text("王老师").is_visible()
    await leader.screenshot(path=str(artifacts_dir / "my-team.png"), full_page=True)
