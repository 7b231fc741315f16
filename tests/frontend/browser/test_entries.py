"""Handing in an entry in Chromium: every slot type goes from the browser straight to the object store
by presigned requests (a POST form, or parts), a multipart upload is interrupted (the laptop closes)
and resumed from another page, good files pass their checks and a bad one is refused with its reason;
then the entry is submitted. The page is also laid out for a phone."""

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from contest.lib.principal import SYSTEM
from contest.rounds import service as rounds
from contest.rounds.schemas import RoundIn
from contest.shell.wiring import runtime_for
from contest.teams import roster
from contest.teams.schemas import TeamIn
from storage import samples
from tests import factories as f
from tests.frontend.browser.test_registration import log_in
from tests.mailbox import deliver_mail

pytestmark = pytest.mark.browser
MIB = 1024 * 1024


def part_number(url):
    return int(parse_qs(urlsplit(url).query).get("partNumber", ["0"])[0])


async def checked(page, settings, clock, card, text):
    """Let the worker verify what is queued, then wait for the card to show `text` (the page reloads
    itself once the check is done)."""
    for _ in range(30):
        await deliver_mail(settings, clock)
        if await card.get_by_text(text).count():
            return
        await asyncio.sleep(1)
    raise AssertionError(f"{text!r} never shown: {await card.inner_text()}")


async def test_every_slot_type_through_chromium_with_an_interrupted_upload_resumed(
    browser, live_server, live_settings, engine, clock, tmp_path, artifacts_dir
):
    settings, url = live_settings, live_server
    now = datetime.now(UTC)  # the server runs on the real clock
    rt = runtime_for(settings, clock)
    contest_id, track_id = await f.contest(clock)
    round_ = await rounds.create_round(
        rt,
        SYSTEM,
        contest_id,
        RoundIn(
            name_zh="浏览器初赛", opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=3), all_teams=True
        ),
    )
    leader = await f.user(clock, email="lead@browser.edu.cn", university_id=await f.university())
    team = await roster.create_team(rt, await f.principal(leader), contest_id, TeamIn("浏览器星火队", track_id))

    files = {
        "design": tmp_path / "设计文档.pdf",
        "video": tmp_path / "演示视频.mp4",
        "code": tmp_path / "code.zip",
        "image": tmp_path / "qr.png",
        "bad": tmp_path / "src.zip",
        "locked": tmp_path / "加密.pdf",
        "long": tmp_path / "四分钟.mp4",
    }
    files["design"].write_bytes(samples.pdf_bytes(["浏览器上传的设计文档"]))
    with files["video"].open("wb") as out:
        samples.write_mp4(out, duration_s=100, size=20 * MIB)  # three parts of 8 MiB
    files["code"].write_bytes(samples.miniprogram_zip("taro"))
    files["image"].write_bytes(samples.qr_png("https://mp.example.com/browser"))
    files["bad"].write_bytes(samples.pdf_bytes(["不是压缩包"]))
    files["locked"].write_bytes(samples.pdf_bytes(["机密"], user_password="123456"))
    files["long"].write_bytes(samples.mp4_bytes(240))

    context = await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})  # a phone
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    await log_in(page, url, "lead@browser.edu.cn")
    await page.goto(f"{url}/my/entries")
    await page.get_by_role("link", name="提交作品").click()
    await page.get_by_role("heading", name="浏览器初赛").wait_for()
    slots = {s.code: s.id for s in round_.slots}

    def card(code):
        return page.locator(f"#slot-{slots[code]}")

    async def send(code, path):
        await card(code).locator("input[type=file]").set_input_files(str(path))
        await card(code).get_by_role("button", name="上传", exact=True).click()

    await send("design_document", files["locked"])
    await checked(page, settings, clock, card("design_document"), "未通过检查")
    assert "加密" in await card("design_document").locator(".check-messages .problem").inner_text()
    await send("design_document", files["design"])
    await checked(page, settings, clock, card("design_document"), "第 2 版")
    await send("demo_video", files["long"])
    await checked(page, settings, clock, card("demo_video"), "未通过检查")
    assert "4:00" in await card("demo_video").locator(".check-messages .problem").inner_text()
    await send("code_package", files["bad"])
    await checked(page, settings, clock, card("code_package"), "未通过检查")
    assert "ZIP" in await card("code_package").locator(".check-messages .problem").inner_text()
    await send("code_package", files["code"])
    await checked(page, settings, clock, card("code_package"), "第 2 版")
    await send("code_image", files["image"])
    await checked(page, settings, clock, card("code_image"), "https://mp.example.com/browser")
    await card("appid").get_by_label("小程序 AppID").fill("wx0123456789abcdef")
    await card("appid").get_by_role("button", name="保存 AppID").click()
    await page.get_by_text("AppID 已保存。").wait_for()

    # The video goes up in parts; after the first one arrives the laptop is closed.
    held: list[object] = []

    async def hold_later_parts(route):
        if part_number(route.request.url) == 1:
            await route.continue_()
        else:
            held.append(route)  # never answered: the page closes with these parts in flight

    arrived: list[int] = []
    page.on("requestfinished", lambda request: arrived.append(part_number(request.url)))
    await context.route("**/*uploadId=*", hold_later_parts)
    await send("demo_video", files["video"])
    for _ in range(300):
        if len(held) >= 2 and 1 in arrived:
            break
        await asyncio.sleep(0.1)
    await card("demo_video").locator("progress").wait_for()
    await page.close(run_before_unload=False)
    await context.unroute("**/*uploadId=*")

    page = await context.new_page()
    resent: list[int] = []
    page.on("request", lambda request: resent.append(part_number(request.url)) if "uploadId=" in request.url else None)
    await page.goto(f"{url}/my/entries/{round_.id}")
    assert await card("demo_video").get_by_text("演示视频.mp4 的上传未完成").count() == 1
    await send("demo_video", files["video"])  # the same file: only the missing parts go up
    await checked(page, settings, clock, card("demo_video"), "已通过检查")
    assert 1 not in resent and set(resent) <= {2, 3} and resent  # part 1 had arrived: not sent again
    await page.screenshot(path=str(artifacts_dir / "entry-phone.png"), full_page=True)

    await page.get_by_role("button", name="提交作品", exact=True).click()
    await page.get_by_text("作品已提交。").wait_for()
    assert errors == []  # the CSP allowed the uploads to the object store
    await context.close()

    # The organizer reads the team's files and their checksums on a phone, the page no wider than it.
    organizer = await f.organizer(clock, contest_id)
    context = await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await log_in(page, url, await f.email_of(organizer.user_id))
    await page.goto(f"{url}/console/rounds/{round_.id}/teams/{team.id}")
    digests = page.locator(".digest")
    assert await digests.count() == 7  # every file version, not the typed AppID
    assert "校验值 blake3:" in await digests.first.inner_text()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 391
    await page.screenshot(path=str(artifacts_dir / "entry-files-organizer-phone.png"), full_page=True)
    await context.close()
