"""The language switch: a remembered choice, and a way back that never leaves the site."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from contest.shell.app import create_app
from frontend.forms import safe_next
from tests.conftest import base_settings


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The real app without its lifespan: these pages need no database, Redis or S3."""
    transport = httpx.ASGITransport(app=create_app(base_settings(tmp_path)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/my/team?tab=files", "/my/team?tab=files"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("evil", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_only_same_site_paths_are_followed(target, expected):
    assert safe_next(target) == expected


async def form_token(client) -> str:
    """The pre-session token a browser holds after opening any page (forms of visitors carry it)."""
    await client.get("/login")
    return client.cookies["csrf"]


async def test_switching_language_sets_a_year_long_cookie_and_goes_back(client):
    token = await form_token(client)
    answer = await client.post("/lang", data={"lang": "en", "next": "/login?next=/my/team", "_csrf": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/my/team"
    cookie = answer.headers["set-cookie"].lower()
    assert "lang=en" in cookie and "max-age=31536000" in cookie and "samesite=lax" in cookie


async def test_a_foreign_next_goes_home_and_an_unknown_language_is_refused(client):
    token = await form_token(client)
    away = await client.post("/lang", data={"lang": "zh-CN", "next": "//evil.example", "_csrf": token})
    assert away.status_code == 303 and away.headers["location"] == "/"
    refused = await client.post("/lang", data={"lang": "fr", "next": "/", "_csrf": token})
    assert refused.status_code == 400 and refused.headers["content-type"].startswith("text/html")


async def test_the_switch_comes_back_to_the_same_page_with_its_query(client):
    page = await client.get("/login?next=/my/team", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in page.text
    assert 'name="next" value="/login?next=/my/team"' in page.text
