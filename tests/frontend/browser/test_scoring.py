"""Scoring and results in Chromium: a judge scores on a phone with autosave, reloads and finds the
draft, submits; a stale copy in another tab is refused; an organizer computes, reviews and publishes;
a team appeals; the public sees the results; the live board of the final follows the sheets, and a
freeze hides later sheets from the public until an organizer unfreezes it. Screenshots in both
languages at phone width go to the test artifacts."""

from datetime import UTC, datetime

import httpx
import pytest

from contest.lib.clock import FixedClock
from tests import factories as f
from tests.frontend.browser.test_registration import log_in
from tests.judging import scoring
from tests.mailbox import deliver_mail

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def now_clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))  # the server runs on the real clock


async def phone(browser, lang="zh-CN"):
    context = await browser.new_context(locale=lang, viewport=PHONE)
    if lang == "en":
        await context.add_cookies([{"name": "lang", "value": "en", "url": "http://127.0.0.1"}])
    return context


async def test_a_judge_scores_on_a_phone_with_autosave_and_a_stale_tab_is_refused(
    browser, live_server, engine, artifacts_dir
):
    clock = now_clock()
    s = await scoring.scene(clock, teams=2, judges=1)
    code = s.codes[s.teams[0]]
    context = await phone(browser)
    page = await context.new_page()
    await log_in(page, live_server, await f.email_of(s.judges[0].user_id))
    await page.get_by_role("navigation").get_by_role("link", name="评审", exact=True).click()
    await page.get_by_role("link", name="赛区初赛").click()
    await page.screenshot(path=str(artifacts_dir / "judge-entries-zh-phone.png"), full_page=True)
    await page.get_by_text(code).click()
    assert "队伍1" not in await page.content()  # a blind round names no team

    await page.get_by_label("创新性").fill("20")
    await page.get_by_text("已保存").wait_for()  # the autosave answered
    await page.reload()
    assert await page.get_by_label("创新性").input_value() == "20"  # the draft is there
    assert await page.locator("[data-sheet-badge]").inner_text() == "草稿"

    other = await context.new_page()  # the same sheet in a second tab: the same version, for now
    await other.goto(page.url)
    await page.get_by_label("问题与价值").fill("15")
    await page.get_by_text("已保存").wait_for()
    await other.get_by_label("问题与价值").fill("3")
    await other.get_by_text("没有任何内容被覆盖", exact=False).wait_for()  # the stale save is refused
    await other.screenshot(path=str(artifacts_dir / "judge-stale-zh-phone.png"), full_page=True)
    await other.close()

    for label, value in (("产品设计与用户体验", "16"), ("技术实现", "21"), ("完整性与文档", "8")):
        await page.get_by_label(label).fill(value)
    await page.get_by_label("给队伍的评语").fill("交互流畅，建议补充测试说明。")
    assert await page.locator("[data-total]").inner_text() == "80"
    await page.get_by_role("button", name="提交").click()
    await page.get_by_text("评分表已提交", exact=False).wait_for()
    assert await page.get_by_label("问题与价值").input_value() == "15"  # the other tab overwrote nothing
    await page.screenshot(path=str(artifacts_dir / "judge-sheet-submitted-zh-phone.png"), full_page=True)
    await page.keyboard.press("n")  # outside a field, N opens the next entry
    await page.wait_for_url(f"**/entries/{s.codes[s.teams[1]]}")
    await context.close()

    english = await phone(browser, "en")
    page = await english.new_page()
    await page.goto(live_server + "/login")
    await page.locator("input[name=email]").fill(await f.email_of(s.judges[0].user_id))
    await page.locator("input[name=password]").fill(f.PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(live_server + "/")
    await page.goto(f"{live_server}/judge/rounds/{s.round.id}/entries/{code}")
    await page.get_by_text("Comment to the team").wait_for()
    await page.screenshot(path=str(artifacts_dir / "judge-sheet-en-phone.png"), full_page=True)
    await english.close()


async def test_an_organizer_publishes_a_team_appeals_and_the_public_sees_the_results(
    browser, live_server, live_settings, engine, artifacts_dir
):
    clock = now_clock()
    s = await scoring.scene(clock, teams=3, judges=2)
    for index, team in enumerate(s.teams):
        for person in s.judges:
            await scoring.score(clock, s, person, team, scoring.scaled(0.9 - 0.15 * index), comment="思路清晰")
    organizer_email = await f.email_of(s.organizer.user_id)
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    await log_in(page, live_server, organizer_email)
    await page.goto(f"{live_server}/console/results/rounds/{s.round.id}")
    await page.get_by_role("button", name="立即计算结果").click()
    await page.get_by_text("计算已排队。").wait_for()
    await deliver_mail(live_settings, clock)  # the worker computes the queued run
    await page.get_by_text("待审核").first.wait_for()  # the page reloads itself until then
    assert await page.locator("svg.chart").count() == 4
    await page.screenshot(path=str(artifacts_dir / "results-review-zh.png"), full_page=True)
    await page.get_by_role("button", name="公布结果").click()
    await page.get_by_text("已公布，公示期开始").wait_for()
    await context.close()

    visitor = await phone(browser)
    public = await visitor.new_page()
    await public.goto(f"{live_server}/results")
    await public.get_by_role("link", name="查看结果").click()
    rows = public.locator("table.public-results tbody tr")
    assert await rows.count() == 3
    assert (await rows.first.inner_text()).split("\t")[:2] == ["1", "队伍1"]
    await public.screenshot(path=str(artifacts_dir / "results-public-zh-phone.png"), full_page=True)
    await visitor.close()

    team = await phone(browser)
    page = await team.new_page()
    await log_in(page, live_server, await f.email_of((await scoring.leader(s.teams[2])).user_id))
    await page.goto(f"{live_server}/my/results")
    await page.get_by_text("思路清晰").first.wait_for()  # the judges' comments
    await page.get_by_text("申诉（截至", exact=False).click()
    await page.get_by_label("哪里有误，理由是什么").fill("技术实现一项的分数与演示不符，请复核。")
    await page.get_by_label("附件", exact=False).set_input_files(
        files=[{"name": "复核说明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    await page.get_by_role("button", name="提交申诉").click()
    await page.get_by_text("申诉已提交", exact=False).wait_for()
    await page.screenshot(path=str(artifacts_dir / "my-results-appeal-zh-phone.png"), full_page=True)
    await team.close()


async def submit_sheet(live_server: str, email: str, round_id: int, code: str, scores: dict[str, float]) -> None:
    async with httpx.AsyncClient(base_url=live_server) as client:
        logged = await client.post("/api/v1/auth/login", json={"email": email, "password": f.PASSWORD})
        headers = {"X-CSRF-Token": logged.json()["csrf_token"]}
        sheet = await client.get(f"/api/v1/judging/rounds/{round_id}/entries/{code}", headers=headers)
        version = sheet.json()["sheet"]["version"]
        answer = await client.post(
            f"/api/v1/judging/rounds/{round_id}/entries/{code}/sheet/submit",
            json={"scores": scores, "version": version},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text


async def test_the_live_board_follows_the_sheets_and_a_freeze_hides_them_until_unfrozen(
    browser, live_server, engine, artifacts_dir
):
    clock = now_clock()
    s = await scoring.scene(clock, teams=2, judges=1, round_index=2)  # the on-site final
    judge = await f.email_of(s.judges[0].user_id)
    viewer = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 720})
    board = await viewer.new_page()
    await board.goto(f"{live_server}/live/{s.round.id}/projector")
    first_row = board.locator("[data-live-board] tbody tr").first

    await submit_sheet(live_server, judge, s.round.id, s.codes[s.teams[1]], scoring.ALL_TENS)
    await board.get_by_text("78.00").wait_for()  # pushed to the open page, no reload
    assert "队伍2" in await first_row.inner_text()
    await board.screenshot(path=str(artifacts_dir / "live-projector-zh.png"))

    organizer = await browser.new_context(locale="zh-CN")
    control = await organizer.new_page()
    await log_in(control, live_server, await f.email_of(s.organizer.user_id))
    await control.goto(f"{live_server}/console/results/rounds/{s.round.id}")
    await control.get_by_role("button", name="冻结公开榜单").click()
    await control.get_by_text("公开榜单已冻结。").wait_for()
    await board.get_by_text("榜单已冻结", exact=False).wait_for()

    later = scoring.scaled(0.95)  # every criterion's maximum is its weight: the total is the sum
    await submit_sheet(live_server, judge, s.round.id, s.codes[s.teams[0]], later)
    async with httpx.AsyncClient(base_url=live_server) as anyone:
        frozen = (await anyone.get(f"/api/v1/rounds/{s.round.id}/live")).json()
    assert [row["sheets"] for row in frozen["rows"]] == [1, 0]  # the later sheet is not public
    await control.reload()  # the organizers' view is live
    await board.reload()
    assert "队伍1" not in await first_row.inner_text()
    await board.screenshot(path=str(artifacts_dir / "live-projector-frozen-zh.png"))

    await control.get_by_role("button", name="解冻公开榜单").click()
    await control.get_by_text("公开榜单已恢复实时更新。").wait_for()
    await board.get_by_text(f"{sum(later.values()):.2f}").wait_for()
    assert "队伍1" in await first_row.inner_text()
    assert await board.get_by_text("榜单已冻结", exact=False).is_hidden()
    await viewer.close()
    await organizer.close()
