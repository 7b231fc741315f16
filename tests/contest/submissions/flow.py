"""The entry flow driven as a browser drives it: ask the app for addresses, send the bytes straight to
S3 (a POST form, or parts), then finalise; and the scene it needs (a round, teams, organizers)."""

import math
from datetime import timedelta
from typing import Any

import httpx

from contest.accounts.tables import Role
from contest.lib.settings import Settings
from contest.shell.store import store_for
from contest.shell.wiring import runtime_for
from storage import ObjectStore
from tests import factories as f

MIB = 1024 * 1024
TYPES = {".pdf": "application/pdf", ".mp4": "video/mp4", ".zip": "application/zip", ".png": "image/png"}


async def object_store(settings: Settings) -> ObjectStore:
    store = store_for(settings)
    await store.ensure_bucket([settings.public_base_url])
    return store


def runtime(world: Any) -> Any:
    return runtime_for(world.settings, world.clock)


async def organizer(world: Any, contest_id: int, email: str = "org@contest.cn", region: str | None = None) -> Any:
    return await world.staff(email, Role.ORGANIZER, contest_id, region=region)


async def open_round(world: Any, org: Any, contest_id: int, **settings: Any) -> dict[str, Any]:
    """A round open now (until a week ahead unless told) with the default slots; returns it as JSON."""
    now = world.clock.now()
    body = {
        "name_zh": "赛区初赛",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
        "all_teams": True,
        **settings,
    }
    response = await org.call("POST", f"/api/v1/contests/{contest_id}/rounds", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def slot_ids(round_: dict[str, Any]) -> dict[str, int]:
    return {s["code"]: s["id"] for s in round_["slots"]}


async def team(
    world: Any, contest_id: int, track_id: int, email: str, name: str, province: str = "北京"
) -> tuple[Any, int]:
    """A signed-in leader of a new team (in a university of `province`), and the team's id."""
    university = await f.university(province=province)
    leader = await world.signup(email, university_id=university, name=f"{name}队长")
    created = await leader.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": name, "track_id": track_id}
    )
    assert created.status_code == 201, created.text
    return leader, int(created.json()["id"])


async def issue(person: Any, round_id: int, slot_id: int, data: bytes, filename: str, content_type: str = "") -> Any:
    body = {"filename": filename, "size": len(data), "content_type": content_type or TYPES.get(filename[-4:], "")}
    return await person.call("POST", f"/api/v1/rounds/{round_id}/slots/{slot_id}/uploads", json=body)


async def send_post(ticket: dict[str, Any], data: bytes, filename: str) -> httpx.Response:
    post = ticket["post"]
    async with httpx.AsyncClient(timeout=60) as s3:
        return await s3.post(
            post["url"], data=post["fields"], files={"file": (filename, data, "application/octet-stream")}
        )


async def send_parts(person: Any, ticket: dict[str, Any], data: bytes, numbers: list[int] | None = None) -> None:
    """PUT the given parts (all by default) to the presigned part URLs the app hands out."""
    upload = ticket["upload"]
    size = upload["part_size"]
    numbers = numbers or list(range(1, upload["part_count"] + 1))
    urls = await person.call("POST", f"/api/v1/uploads/{upload['id']}/part-urls", json={"numbers": numbers})
    assert urls.status_code == 200, urls.text
    async with httpx.AsyncClient(timeout=60) as s3:
        for part in urls.json()["urls"]:
            chunk = data[(part["number"] - 1) * size : part["number"] * size]
            response = await s3.put(part["url"], content=chunk)
            assert response.status_code == 200, response.text


async def finalise(person: Any, upload_id: int) -> httpx.Response:
    return await person.call("POST", f"/api/v1/uploads/{upload_id}/finalise")


async def upload(person: Any, round_id: int, slot_id: int, data: bytes, filename: str) -> dict[str, Any]:
    """The whole flow for one file; returns the finalised upload."""
    response = await issue(person, round_id, slot_id, data, filename)
    assert response.status_code == 201, response.text
    ticket = response.json()
    if ticket["post"]:
        sent = await send_post(ticket, data, filename)
        assert sent.status_code in (200, 201, 204), sent.text
    else:
        await send_parts(person, ticket, data)
    done = await finalise(person, ticket["upload"]["id"])
    assert done.status_code == 200, done.text
    return dict(done.json())


async def settle(world: Any) -> None:
    """Let the worker run what is queued (verifications among the rest)."""
    await world.deliver_mail()


async def shown(person: Any, upload_id: int) -> dict[str, Any]:
    response = await person.call("GET", f"/api/v1/uploads/{upload_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def part_count(size: int, part_size: int) -> int:
    return math.ceil(size / part_size)
