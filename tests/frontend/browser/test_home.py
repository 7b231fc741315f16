"""The home page in both languages, and the language switch."""

import pytest

pytestmark = pytest.mark.browser


async def test_home_renders_in_chinese_and_switches_to_english(browser, live_server, artifacts_dir):
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    await page.goto(live_server + "/")
    assert await page.locator("html").get_attribute("lang") == "zh-CN"
    assert await page.locator("h1").inner_text() == "全国大学生小程序应用开发大赛"
    assert await page.get_by_role("link", name="注册").first.is_visible()
    await page.screenshot(path=str(artifacts_dir / "home-zh.png"), full_page=True)

    await page.get_by_role("button", name="English").click()
    await page.wait_for_load_state()
    assert await page.locator("html").get_attribute("lang") == "en"
    assert await page.locator("h1").inner_text() == "National Mini-Program Application Development Contest"
    assert await page.get_by_role("link", name="Sign up").first.is_visible()
    await page.screenshot(path=str(artifacts_dir / "home-en.png"), full_page=True)

    await page.get_by_role("button", name="中文").click()
    await page.wait_for_load_state()
    assert await page.locator("html").get_attribute("lang") == "zh-CN"
    assert errors == []  # the CSP allowed everything the page needs
    await context.close()


async def test_english_browsers_get_english_first(browser, live_server):
    context = await browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    page = await context.new_page()
    await page.goto(live_server + "/login")
    assert await page.locator("h1").inner_text() == "Sign in"
    await context.close()
