"""Versions, the chosen version per slot, submitting, pinning at the close; the organizers' views
(status by region, one team's files as attachments, the pinned entry, the round's archive); the
clean-up of abandoned uploads."""

import csv
import io
import zipfile
from datetime import timedelta

import httpx
from blake3 import blake3

from contest.submissions import cleanup, pinning
from contest.submissions.tables import Upload
from storage import samples
from tests import factories as f
from tests.contest.submissions.flow import (
    MIB,
    issue,
    object_store,
    open_round,
    organizer,
    runtime,
    send_parts,
    settle,
    slot_ids,
    team,
    upload,
)

SMALL_SLOTS = [
    {"code": "doc", "kind": "pdf", "name_zh": "文档"},
    {"code": "appid", "kind": "appid", "name_zh": "AppID"},
    {"code": "poster", "kind": "image", "name_zh": "海报", "required": False},
]


async def entry_of(person, round_id):
    response = await person.call("GET", f"/api/v1/rounds/{round_id}/entry")
    assert response.status_code == 200, response.text
    return response.json()


def slot_entry(entry, code):
    return next(s for s in entry["slots"] if s["slot"]["code"] == code)


async def test_the_submitted_versions_are_pinned_at_the_close_and_later_ones_count_for_nothing(world, clock):
    contest_id, track_id = await f.contest(clock)
    closes = clock.now() + timedelta(days=1)
    org = await organizer(world, contest_id)
    round_ = await open_round(world, org, contest_id, closes_at=closes.isoformat(), slots=SMALL_SLOTS)
    slots = slot_ids(round_)
    leader, team_id = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    idle, idle_id = await team(world, contest_id, track_id, "idle@b.edu.cn", "极光队")
    first = await upload(leader, round_["id"], slots["doc"], samples.pdf_bytes(["第一版"]), "v1.pdf")
    second_pdf = samples.pdf_bytes(["第二版"])
    second = await upload(leader, round_["id"], slots["doc"], second_pdf, "v2.pdf")
    not_ready = await leader.call("POST", f"/api/v1/rounds/{round_['id']}/entry/submit")
    assert not_ready.status_code == 409 and "appid" in not_ready.json()["message"]
    await leader.call(
        "POST", f"/api/v1/rounds/{round_['id']}/slots/{slots['appid']}/text", json={"text": "wx0123456789abcdef"}
    )
    await settle(world)
    entry = await entry_of(leader, round_["id"])
    doc = slot_entry(entry, "doc")
    assert [v["version"] for v in doc["versions"]] == [2, 1] and doc["chosen_id"] == first["id"]  # the first usable
    chosen = await leader.call("POST", f"/api/v1/rounds/{round_['id']}/entry/choice", json={"upload_id": second["id"]})
    assert slot_entry(chosen.json(), "doc")["chosen_id"] == second["id"]
    submitted = (await leader.call("POST", f"/api/v1/rounds/{round_['id']}/entry/submit")).json()
    assert submitted["submitted_at"] and not submitted["changed"]
    # A third version chosen afterwards is not submitted: the entry shows the change.
    third = await upload(leader, round_["id"], slots["doc"], samples.pdf_bytes(["第三版"]), "v3.pdf")
    await settle(world)
    changed = await leader.call("POST", f"/api/v1/rounds/{round_['id']}/entry/choice", json={"upload_id": third["id"]})
    assert changed.json()["changed"]
    others = await leader.call("POST", f"/api/v1/rounds/{round_['id']}/entry/choice", json={"upload_id": 10**6})
    assert others.status_code == 404

    rt, store = runtime(world), await object_store(world.settings)
    clock.set(closes + timedelta(minutes=5))
    assert await pinning.pin_due_entries(rt, store) == 0  # upload addresses may still be valid
    late = await issue(leader, round_["id"], slots["doc"], samples.pdf_bytes(["迟到"]), "late.pdf")
    assert late.status_code == 409
    assert (await leader.call("POST", f"/api/v1/rounds/{round_['id']}/entry/submit")).status_code == 409
    clock.set(closes + timedelta(minutes=world.settings.upload_url_minutes))
    assert await pinning.pin_due_entries(rt, store) == 2
    assert await pinning.pin_due_entries(rt, store) == 0  # once
    pinned = (await org.call("GET", f"/api/v1/rounds/{round_['id']}/teams/{team_id}/pinned")).json()
    files = {f["slot_code"]: f for f in pinned["files"]}
    assert files["doc"]["upload_id"] == second["id"] and files["appid"]["text"] == "wx0123456789abcdef"
    assert pinned["complete"] and files["doc"]["digest"] == f"blake3:{blake3(second_pdf).hexdigest()}"
    nothing = (await org.call("GET", f"/api/v1/rounds/{round_['id']}/teams/{idle_id}/pinned")).json()
    assert nothing["files"] == [] and not nothing["complete"] and nothing["submitted_at"] is None
    assert (await entry_of(leader, round_["id"]))["pinned_at"]
    del idle


async def test_organizers_see_their_regions_files_and_archive(world, clock):
    contest_id, track_id = await f.contest(clock)
    closes = clock.now() + timedelta(days=1)
    org = await organizer(world, contest_id)
    round_ = await open_round(world, org, contest_id, closes_at=closes.isoformat(), slots=SMALL_SLOTS)
    slots = slot_ids(round_)
    east, east_id = await team(world, contest_id, track_id, "east@a.edu.cn", "东方队", province="上海")
    north, north_id = await team(world, contest_id, track_id, "north@b.edu.cn", "北辰队", province="北京")
    document = samples.pdf_bytes(["东方队的设计"])
    done = await upload(east, round_["id"], slots["doc"], document, "设计文档.pdf")
    await east.call(
        "POST", f"/api/v1/rounds/{round_['id']}/slots/{slots['appid']}/text", json={"text": "wx0123456789abcdef"}
    )
    bad = await upload(north, round_["id"], slots["doc"], samples.qr_png("x"), "doc.pdf")
    await settle(world)
    assert (await east.call("POST", f"/api/v1/rounds/{round_['id']}/entry/submit")).status_code == 200

    status = (await org.call("GET", f"/api/v1/rounds/{round_['id']}/status")).json()
    assert status["total"] == 2
    assert status["by_region"] == {
        "EC": {"teams": 1, "submitted": 1, "complete": 1, "failed": 0},
        "NC": {"teams": 1, "submitted": 0, "complete": 0, "failed": 1},
    }
    rows = {t["team_id"]: t for t in status["teams"]}
    assert rows[north_id]["latest_failed"] == ["doc"] and rows[north_id]["missing"] == ["doc", "appid"]
    failed = (await org.call("GET", f"/api/v1/rounds/{round_['id']}/status", params={"only": "failed"})).json()
    assert [t["team_id"] for t in failed["teams"]] == [north_id]
    regional = await organizer(world, contest_id, "ec@contest.cn", region="EC")
    theirs = (await regional.call("GET", f"/api/v1/rounds/{round_['id']}/status")).json()
    assert [t["team_id"] for t in theirs["teams"]] == [east_id]
    assert (await regional.call("GET", f"/api/v1/rounds/{round_['id']}/teams/{north_id}/entry")).status_code == 403
    assert (await regional.call("GET", f"/api/v1/uploads/{bad['id']}/download")).status_code == 404
    assert (await north.call("GET", f"/api/v1/rounds/{round_['id']}/status")).status_code == 403

    seen = (await regional.call("GET", f"/api/v1/rounds/{round_['id']}/teams/{east_id}/entry")).json()
    assert slot_entry(seen, "doc")["versions"][0]["id"] == done["id"]
    link = (await regional.call("GET", f"/api/v1/uploads/{done['id']}/download")).json()
    async with httpx.AsyncClient() as s3:
        got = await s3.get(link["url"])
    assert got.content == document and got.headers["content-type"] == "application/pdf"
    assert (
        got.headers["content-disposition"].startswith("attachment;") and "UTF-8''" in got.headers["content-disposition"]
    )

    clock.set(closes + timedelta(hours=1))
    await pinning.pin_due_entries(runtime(world), await object_store(world.settings))
    refused = await regional.call("POST", f"/api/v1/rounds/{round_['id']}/archives", json={})
    assert refused.status_code == 403
    queued = await regional.call(
        "POST", f"/api/v1/rounds/{round_['id']}/archives", json={"region_id": await f.region_id("EC")}
    )
    assert queued.status_code == 201 and queued.json()["status"] == "queued"
    everything = (await org.call("POST", f"/api/v1/rounds/{round_['id']}/archives", json={})).json()
    await settle(world)
    ready = (await org.call("GET", f"/api/v1/archives/{everything['id']}")).json()
    assert ready["status"] == "ready" and ready["files"] == 2 and ready["url"]
    async with httpx.AsyncClient() as s3:
        archive = zipfile.ZipFile(io.BytesIO((await s3.get(ready["url"])).content))
    names = sorted(archive.namelist())
    assert names == ["BLAKE3SUMS", f"EC/{east_id}-东方队/appid.txt", f"EC/{east_id}-东方队/doc.pdf", "manifest.csv"]
    # `b3sum -c BLAKE3SUMS` checks the files (the AppID is text, not a file).
    assert archive.read("BLAKE3SUMS").decode() == f"{blake3(document).hexdigest()}  EC/{east_id}-东方队/doc.pdf\n"
    assert archive.read(f"EC/{east_id}-东方队/doc.pdf") == document
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert {row["slot"] for row in manifest} == {"doc", "appid"} and all(row["team"] == "东方队" for row in manifest)
    assert [a["id"] for a in (await regional.call("GET", f"/api/v1/rounds/{round_['id']}/archives")).json()] == [
        queued.json()["id"]
    ]
    del north


async def test_abandoned_uploads_are_cleaned_up_and_finalised_ones_kept(world, clock):
    contest_id, track_id = await f.contest(clock)
    round_ = await open_round(world, await organizer(world, contest_id), contest_id)
    slots = slot_ids(round_)
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    store = await object_store(world.settings)
    kept = await upload(leader, round_["id"], slots["design_document"], samples.pdf_bytes(["保留"]), "doc.pdf")
    video = samples.mp4_bytes(60, size=9 * MIB)
    ticket = (await issue(leader, round_["id"], slots["demo_video"], video, "demo.mp4")).json()
    await send_parts(leader, ticket, video, numbers=[1])
    post = (await issue(leader, round_["id"], slots["code_image"], samples.qr_png("x"), "qr.png")).json()
    cancelled = (await issue(leader, round_["id"], slots["code_image"], samples.qr_png("y"), "qr.png")).json()
    gone = await leader.call("POST", f"/api/v1/uploads/{cancelled['upload']['id']}/cancel")
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    assert (await leader.call("POST", f"/api/v1/uploads/{kept['id']}/cancel")).status_code == 409
    rt = runtime(world)
    assert (await cleanup.clean_uploads(rt, store))["abandoned"] == 0  # all still resumable
    clock.advance(timedelta(hours=world.settings.upload_resume_hours, minutes=1))
    done = await cleanup.clean_uploads(rt, store)
    assert done["abandoned"] == 2
    statuses = {r["id"]: r["status"] for r in await Upload.select(Upload.id, Upload.status)}
    assert statuses[ticket["upload"]["id"]] == statuses[post["upload"]["id"]] == "cancelled"
    assert statuses[kept["id"]] == "checking"  # finalised, never touched
    row = await Upload.select(Upload.key, Upload.s3_upload_id).where(Upload.id == ticket["upload"]["id"]).first()
    assert row["s3_upload_id"] not in {p.upload_id for p in await store.list_multipart_uploads("entries/")}
    assert (await cleanup.clean_uploads(rt, store))["requeued"] == 1  # its check never ran: queued again
