"""The judge panel through the API and its pages: autosave and stale saves, blind answers and file
names, the code package's tree and its text files shown as text."""

import io
import json
import zipfile

import httpx
from blake3 import blake3

from contest.rounds.service import slots_of
from contest.shell.store import store_for
from contest.submissions.tables import PinnedEntry, PinnedFile, Upload
from tests import factories as f
from tests.judging import scoring

PACKAGE_FILES = {
    "app.json": b'{"pages": ["pages/index/index"]}',
    "project.config.json": b'{"appid": "wx0123456789abcdef"}',
    "pages/index/index.wxml": b"<view>{{motto}}</view><script>alert(1)</script>",
    "images/logo.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
}


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in PACKAGE_FILES.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def pin(world, round_id: int, team_id: int, leader_id: int, files: dict[str, tuple[bytes, str, str]]) -> None:
    """A pinned entry of these files (slot code -> bytes, content type, the team's own file name), stored
    in S3 and recorded as the entries work records them at a round's close."""
    store = store_for(world.settings)
    await store.ensure_bucket([world.settings.public_base_url])
    slots = {s.code: s for s in await slots_of(round_id)}
    entry = await PinnedEntry.insert(
        PinnedEntry(round=round_id, team=team_id, complete=True, pinned_at=world.clock.now())
    )
    for code, (data, content_type, filename) in files.items():
        key = f"entries/test/r{round_id}/t{team_id}/{code}"
        info = await store.put(key, data, content_type)
        digest = f"blake3:{blake3(data).hexdigest()}"
        upload = await Upload.insert(
            Upload(
                round=round_id,
                slot=slots[code].id,
                team=team_id,
                version=1,
                method="post",
                key=key,
                filename=filename,
                content_type=content_type,
                declared_size=len(data),
                size=len(data),
                etag=info.etag,
                digest=digest,
                status="accepted",
                created_by=leader_id,
                created_at=world.clock.now(),
            )
        )
        await PinnedFile.insert(
            PinnedFile(
                entry=entry[0]["id"],
                round=round_id,
                team=team_id,
                slot=slots[code].id,
                upload=upload[0]["id"],
                slot_code=code,
                kind=slots[code].kind,
                key=key,
                filename=filename,
                content_type=content_type,
                size=len(data),
                digest=digest,
                etag=info.etag,
            )
        )


async def test_a_judge_autosaves_submits_and_a_stale_copy_is_refused(world):
    s = await scoring.scene(world.clock, teams=1, judges=1)
    judge = world.person(await f.email_of(s.judges[0].user_id))
    await judge.login()
    url = f"/api/v1/judging/rounds/{s.round.id}/entries/{s.codes[s.teams[0]]}"
    opened = (await judge.call("GET", url)).json()
    assert opened["sheet"]["version"] == 0 and opened["criteria"][0]["code"] == "innovation"

    first = await judge.call("PUT", f"{url}/sheet", json={"scores": {"innovation": 20}, "version": 0})
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = await judge.call("PUT", f"{url}/sheet", json={"scores": {"innovation": 5}, "version": 0})
    assert stale.status_code == 409 and stale.json()["fields"] == {"version": "stale"}
    assert "nothing was overwritten" in stale.json()["message"]
    off_step = await judge.call("PUT", f"{url}/sheet", json={"scores": {"value": 3.5}, "version": 1})
    assert off_step.status_code == 400 and "scores.value" in off_step.json()["fields"]
    done = await judge.call("POST", f"{url}/sheet/submit", json={"scores": scoring.ALL_TENS, "version": 1})
    assert done.status_code == 200 and done.json()["status"] == "submitted"

    page = await judge.http.get(f"/judge/rounds/{s.round.id}/entries/{s.codes[s.teams[0]]}")
    assert page.status_code == 200 and 'value="20"' in page.text and "data-sheet-form" in page.text
    outsider = world.person("nobody@example.com")
    assert (await outsider.call("PUT", f"{url}/sheet", json={"version": 0})).status_code == 401


async def test_a_blind_entry_shows_blind_file_names_and_its_package_as_text(world):
    s = await scoring.scene(world.clock, teams=1, judges=1)
    team = s.teams[0]
    leader = await scoring.leader(team)
    await pin(
        world,
        s.round.id,
        team,
        leader.user_id,
        {
            "design_document": (b"%PDF-1.4\n%%EOF\n", "application/pdf", "队伍1-清华大学-设计文档.pdf"),
            "code_package": (package(), "application/zip", "队伍1源码.zip"),
        },
    )
    judge = world.person(await f.email_of(s.judges[0].user_id))
    await judge.login()
    code = s.codes[team]
    response = await judge.call("GET", f"/api/v1/judging/rounds/{s.round.id}/entries/{code}")
    body = response.json()
    assert body["blind"] and body["team"] is None and body["university"] is None
    assert "队伍1" not in response.text and "测试大学" not in response.text
    names = {f["slot_code"]: f["name"] for f in body["files"]}
    assert names == {
        "design_document": f"entry-{code.lower()}-design_document.pdf",
        "code_package": f"entry-{code.lower()}-code_package.zip",
    }
    pdf = next(f for f in body["files"] if f["slot_code"] == "design_document")
    async with httpx.AsyncClient() as s3:
        fetched = await s3.get(pdf["url"])
    # Shown inside the panel, as a PDF served by the object store under its blind name.
    assert fetched.content.startswith(b"%PDF") and fetched.headers["content-type"] == "application/pdf"
    assert (
        fetched.headers["content-disposition"].startswith("inline;")
        and code.lower() in fetched.headers["content-disposition"]
    )
    assert (
        "entry-" in fetched.headers["content-disposition"] and "%E9%98%9F" not in fetched.headers["content-disposition"]
    )

    tree = (
        await judge.call("GET", f"/api/v1/judging/rounds/{s.round.id}/entries/{code}/files/code_package/tree")
    ).json()
    listed = {item["path"]: item["text"] for item in tree["items"]}
    assert listed == {
        "app.json": True,
        "project.config.json": True,
        "pages/index/index.wxml": True,
        "images/logo.png": False,
    }
    text = await judge.call(
        "GET",
        f"/api/v1/judging/rounds/{s.round.id}/entries/{code}/files/code_package/text",
        params={"path": "pages/index/index.wxml"},
    )
    assert json.loads(text.text)["text"] == PACKAGE_FILES["pages/index/index.wxml"].decode()
    binary = await judge.call(
        "GET",
        f"/api/v1/judging/rounds/{s.round.id}/entries/{code}/files/code_package/text",
        params={"path": "images/logo.png"},
    )
    assert binary.status_code == 400
    page = await judge.http.get(
        f"/judge/rounds/{s.round.id}/entries/{code}/package/code_package", params={"path": "pages/index/index.wxml"}
    )
    assert (
        page.status_code == 200
        and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        and "<script>alert" not in page.text
    )
