"""People driving the running app (API and pages): each has its own cookie jar."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import msgspec
import pytest

from contest.accounts import service as accounts
from contest.accounts import staff
from contest.accounts.tables import AccountKind
from contest.lib.principal import Role
from tests import factories as f
from tests import mailbox


class Person(msgspec.Struct, kw_only=True):
    http: httpx.AsyncClient
    email: str
    id: int = 0
    csrf: str = ""

    async def call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return await self.http.request(method, url, headers=headers, **kwargs)

    async def submit(self, url: str, **fields: str) -> tuple[httpx.Response, httpx.Response]:
        """Post a page's form as a browser does, then open the page it redirects to (post, redirect,
        get): the answer to the post, and the page that shows its outcome."""
        posted = await self.http.post(url, data={"_csrf": self.csrf, **fields})
        assert posted.status_code == 303, (url, posted.status_code, posted.text[:300])
        return posted, await self.http.get(posted.headers["location"])

    async def login(self, password: str = f.PASSWORD) -> httpx.Response:
        response = await self.http.post("/api/v1/auth/login", json={"email": self.email, "password": password})
        if response.status_code == 200:
            self.csrf = response.json()["csrf_token"]
            self.id = response.json()["user"]["id"]
        return response


class World:
    """The app under test plus helpers to make people and read the mail they receive."""

    def __init__(self, app: Any, settings: Any, clock: Any) -> None:
        self.app = app
        self.settings = settings
        self.clock = clock
        self._clients: list[httpx.AsyncClient] = []

    def person(self, email: str) -> Person:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver.local")
        self._clients.append(http)
        return Person(http=http, email=email)

    async def deliver_mail(self) -> None:
        await mailbox.deliver_mail(self.settings, self.clock)

    def link(self, to: str, pattern: str) -> str:
        return mailbox.link(self.settings, to, pattern)

    async def signup(
        self,
        email: str,
        kind: str = "student",
        university_id: int | None = None,
        verify: bool = True,
        name: str | None = None,
    ) -> Person:
        person = self.person(email)
        if kind == "student" and university_id is None:
            university_id = await f.university()
        response = await person.http.post(
            "/api/v1/auth/register",
            json={
                "email": email,
                "name": name or "测试" + email.split("@")[0],
                "password": f.PASSWORD,
                "kind": kind,
                "consent": True,
                "university_id": university_id,
            },
        )
        assert response.status_code == 201, response.text
        if verify:
            await self.deliver_mail()
            token = self.link(email, r"/verify\?token=([\w\-]+)")
            assert (await person.http.post("/api/v1/auth/verify", json={"token": token})).status_code == 200
        assert (await person.login()).status_code == 200
        return person

    async def staff(self, email: str, role: Role, contest_id: int | None, region: str | None = None) -> Person:
        """A judge or organizer signed in; `region` (a region code) scopes the grant to that region."""
        user_id = await accounts.create_user(
            self.clock,
            f.CHEAP_HASHER,
            email=email,
            name="组委会",
            kind=AccountKind.STAFF,
            password=f.PASSWORD,
            verified=True,
        )
        region_id = await f.region_id(region) if region else None
        await staff.grant(self.clock, user_id=user_id, role=role, contest_id=contest_id, region_id=region_id)
        person = self.person(email)
        assert (await person.login()).status_code == 200
        return person

    async def close(self) -> None:
        for http in self._clients:
            await http.aclose()


@pytest.fixture
async def world(app, app_settings, clock) -> AsyncIterator[World]:
    w = World(app, app_settings, clock)
    yield w
    await w.close()
