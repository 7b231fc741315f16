"""Log-in CSRF: no other site can post our log-in form (or the API's) with its own credentials."""

import json

from tests import factories as f


async def test_the_log_in_form_needs_the_pre_session_token_of_this_browser(world):
    await world.signup("victim@u.edu.cn")
    browser = world.person("victim@u.edu.cn")
    credentials = {"email": "victim@u.edu.cn", "password": f.PASSWORD}

    forged = await browser.http.post("/login", data=credentials)  # as another site's form would
    assert forged.status_code == 403 and "session" not in browser.http.cookies
    # A person reads why on a page of the site, in their language.
    assert forged.headers["content-type"].startswith("text/html") and "表单已过期或来源异常" in forged.text

    page = await browser.http.get("/login")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("csrf=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = browser.http.cookies["csrf"]
    assert f'name="_csrf" value="{token}"' in page.text
    wrong = await browser.http.post("/login", data={**credentials, "_csrf": "x" * 43})
    assert wrong.status_code == 403 and "session" not in browser.http.cookies

    signed_in = await browser.http.post("/login", data={**credentials, "_csrf": token})
    assert signed_in.status_code == 303 and "session" in browser.http.cookies


async def test_a_request_the_browser_marks_as_cross_site_is_refused(world):
    await world.signup("victim2@u.edu.cn")
    browser = world.person("victim2@u.edu.cn")
    await browser.http.get("/login")
    token = browser.http.cookies["csrf"]
    credentials = {"email": "victim2@u.edu.cn", "password": f.PASSWORD}
    for site in ("cross-site", "same-site"):
        page = await browser.http.post("/login", data={**credentials, "_csrf": token}, headers={"Sec-Fetch-Site": site})
        api = await browser.http.post("/api/v1/auth/login", json=credentials, headers={"Sec-Fetch-Site": site})
        assert (page.status_code, api.status_code) == (403, 403)
    assert "session" not in browser.http.cookies
    same = await browser.http.post("/api/v1/auth/login", json=credentials, headers={"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200


async def test_the_api_log_in_takes_json_only(world):
    await world.signup("victim3@u.edu.cn")
    browser = world.person("victim3@u.edu.cn")
    # What a cross-site <form enctype="text/plain"> can send: a JSON body the browser calls text.
    body = json.dumps({"email": "victim3@u.edu.cn", "password": f.PASSWORD})
    response = await browser.http.post("/api/v1/auth/login", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and "session" not in browser.http.cookies
    assert response.json()["message"] == "Send the body as JSON (Content-Type: application/json)."


async def test_signed_in_pages_carry_the_sessions_token(world):
    person = await world.signup("pages@u.edu.cn")
    page = await person.http.get("/me")
    assert f'name="_csrf" value="{person.csrf}"' in page.text
