"""Uploads through the API to the object store (embedded SeaweedFS or TEST_S3_ENDPOINT) by presigned
requests: every slot type accepted; each bad file refused with its reason; a multipart upload
interrupted and resumed; requests that must be refused; nothing accepted before is lost."""

import io
import json
import stat
import zipfile

import httpx
import pytest
from blake3 import blake3

from contest.submissions.tables import Upload
from storage import samples
from tests import factories as f
from tests.conftest import replace
from tests.contest.submissions.flow import (
    MIB,
    finalise,
    issue,
    object_store,
    open_round,
    organizer,
    send_parts,
    send_post,
    settle,
    shown,
    slot_ids,
    team,
    upload,
)


@pytest.fixture
def app_settings(app_settings):
    """Parts of 5 MiB (S3's smallest), so a multipart upload needs only a small file."""
    return replace(app_settings, upload_part_mib=5)


def ids(messages):
    return [m["id"] for m in messages]


def zipped(files, links=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in files.items():
            out.writestr(name, content)
        for name in links:
            link = zipfile.ZipInfo(name)
            link.create_system = 3
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            out.writestr(link, "/etc/passwd")
    return buffer.getvalue()


PROJECT = {
    "project.config.json": json.dumps({"appid": "wx0123456789abcdef", "projectname": "demo"}).encode(),
    "app.json": b'{"pages": ["pages/index/index"]}',
    "pages/index/index.js": b"Page({})",
}


async def test_every_slot_type_goes_up_and_is_accepted_with_its_facts(world, clock):
    contest_id, track_id = await f.contest(clock)
    org = await organizer(world, contest_id)
    round_ = await open_round(world, org, contest_id, blind=True)
    slots = slot_ids(round_)
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    video = samples.mp4_bytes(150, size=12 * MIB)
    files = {
        "design_document": (samples.pdf_bytes(["设计文档", "星火队 出品"]), "设计文档.pdf"),
        "demo_video": (video, "demo.mp4"),
        "code_package": (samples.miniprogram_zip("taro", project_name="demo"), "code.zip"),
        "code_image": (samples.qr_png("https://mp.example.com/app"), "qr.png"),
    }
    done = {code: await upload(leader, round_["id"], slots[code], data, name) for code, (data, name) in files.items()}
    assert done["demo_video"]["method"] == "multipart" and done["demo_video"]["part_count"] == 3
    assert done["design_document"]["method"] == "post"
    assert {u["status"] for u in done.values()} == {"checking"}
    appid = await leader.call(
        "POST", f"/api/v1/rounds/{round_['id']}/slots/{slots['appid']}/text", json={"text": "ｗｘ0123456789abcdef"}
    )
    assert appid.status_code == 201 and appid.json()["text"] == "wx0123456789abcdef"
    assert ids(appid.json()["notes"]) == ["appid_normalised"]
    await settle(world)
    checked = {code: await shown(leader, u["id"]) for code, u in done.items()}
    assert {code: u["status"] for code, u in checked.items()} == dict.fromkeys(files, "accepted")
    assert checked["demo_video"]["facts"]["duration_s"] == pytest.approx(150)
    assert checked["demo_video"]["digest"] == f"blake3:{blake3(video).hexdigest()}" and checked["demo_video"][
        "size"
    ] == len(video)
    assert checked["code_image"]["facts"]["qr_content"] == "https://mp.example.com/app"
    assert ids(checked["code_image"]["notes"]) == ["image_qr_read"]
    # Blind round: the team's name in the document is a warning, not a refusal.
    assert "anon_pdf_text" in ids(checked["design_document"]["warnings"])
    entry = (await leader.call("GET", f"/api/v1/rounds/{round_['id']}/entry")).json()
    assert all(s["chosen_id"] for s in entry["slots"]) and entry["can_submit"] and entry["missing"] == []


async def test_a_round_code_that_no_open_decoder_reads_is_accepted_with_a_note(world, clock):
    contest_id, track_id = await f.contest(clock)
    round_ = await open_round(world, await organizer(world, contest_id), contest_id)
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    done = await upload(leader, round_["id"], slot_ids(round_)["code_image"], samples.sun_code_png(), "code.png")
    await settle(world)
    checked = await shown(leader, done["id"])
    assert checked["status"] == "accepted" and ids(checked["notes"]) == ["image_no_qr"]


async def test_each_bad_file_is_refused_with_its_reason(world, clock):
    contest_id, track_id = await f.contest(clock)
    round_ = await open_round(world, await organizer(world, contest_id), contest_id)
    slots = slot_ids(round_)
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    bad = [
        ("design_document", samples.qr_png("x"), "设计文档.pdf", "file_wrong_type"),
        ("design_document", samples.pdf_bytes(["secret"], user_password="pw"), "locked.pdf", "pdf_encrypted"),
        ("design_document", b"%PDF-1.7\n" + bytes(range(256)) * 40, "broken.pdf", "pdf_unreadable"),
        ("demo_video", samples.mp4_bytes(240), "long.mp4", "video_too_long"),
        ("code_package", zipped({**PROJECT, "../../etc/cron.d/x": b"x"}), "climb.zip", "zip_unsafe_path"),
        ("code_package", zipped(PROJECT, links=["pages/secret.js"]), "link.zip", "zip_symlink"),
        ("code_package", zipped({**PROJECT, "assets/zeros.bin": bytes(64 * MIB)}), "bomb.zip", "zip_entry_ratio"),
        ("code_package", zipped({"README.md": b"# app", "src/main.js": b""}), "src.zip", "zip_no_project_config"),
        ("code_image", b"GIF89a" + bytes(100), "code.png", "file_wrong_type"),
    ]
    done = [(await upload(leader, round_["id"], slots[code], data, name), reason) for code, data, name, reason in bad]
    await settle(world)
    for finalised, reason in done:
        checked = await shown(leader, finalised["id"])
        assert checked["status"] == "rejected", (reason, checked)
        assert reason in ids(checked["problems"]), (reason, checked["problems"])
        assert checked["problems"][0]["text"]  # the English template, translated where shown
    malformed = await leader.call(
        "POST", f"/api/v1/rounds/{round_['id']}/slots/{slots['appid']}/text", json={"text": "wx0123456789abcdeg"}
    )
    assert malformed.status_code == 400 and "0-9" in malformed.json()["message"]
    chinese = await leader.call(
        "POST",
        f"/api/v1/rounds/{round_['id']}/slots/{slots['appid']}/text",
        json={"text": "wx12"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert chinese.status_code == 400 and "AppID" in chinese.json()["message"] and "wx" in chinese.json()["message"]
    entry = (await leader.call("GET", f"/api/v1/rounds/{round_['id']}/entry")).json()
    assert not entry["can_submit"] and set(entry["failed"]) == {
        "design_document",
        "demo_video",
        "code_package",
        "code_image",
    }


async def test_a_multipart_upload_interrupted_is_resumed_and_accepted(world, clock):
    contest_id, track_id = await f.contest(clock)
    round_ = await open_round(world, await organizer(world, contest_id), contest_id)
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    video = samples.mp4_bytes(90, size=13 * MIB)
    ticket = (await issue(leader, round_["id"], slot_ids(round_)["demo_video"], video, "demo.mp4")).json()
    upload_id = ticket["upload"]["id"]
    await send_parts(leader, ticket, video, numbers=[1])  # then the connection drops
    early = await finalise(leader, upload_id)
    assert early.status_code == 409 and "2 of 3 parts" in early.json()["message"]
    # Later, another session: which parts arrived, then only the missing ones.
    entry = (await leader.call("GET", f"/api/v1/rounds/{round_['id']}/entry")).json()
    waiting = next(s for s in entry["slots"] if s["slot"]["code"] == "demo_video")["in_progress"]
    assert [u["id"] for u in waiting] == [upload_id]
    arrived = (await leader.call("GET", f"/api/v1/uploads/{upload_id}/parts")).json()
    assert [(p["number"], p["size"]) for p in arrived] == [(1, 5 * MIB)]
    await send_parts(leader, ticket, video, numbers=[2, 3])
    done = await finalise(leader, upload_id)
    assert done.status_code == 200 and done.json()["status"] == "checking"
    again = await finalise(leader, upload_id)  # a retried finalise answers the same
    assert again.status_code == 200 and again.json()["version"] == done.json()["version"] == 1
    await settle(world)
    assert (await shown(leader, upload_id))["status"] == "accepted"


async def test_requests_that_must_be_refused_change_nothing(world, clock):
    contest_id, track_id = await f.contest(clock)
    org = await organizer(world, contest_id)
    slot = {"code": "clip", "kind": "video", "name_zh": "短片", "max_mb": 8, "max_duration_s": 180}
    round_ = await open_round(world, org, contest_id, slots=[slot, {"code": "doc", "kind": "pdf", "name_zh": "文档"}])
    slots = slot_ids(round_)
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    other, _ = await team(world, contest_id, track_id, "other@b.edu.cn", "极光队")
    store = await object_store(world.settings)
    kept = await upload(leader, round_["id"], slots["doc"], samples.pdf_bytes(["正文"]), "doc.pdf")

    oversize = await issue(leader, round_["id"], slots["clip"], bytes(9 * MIB), "big.mp4")
    assert oversize.status_code == 400 and "8" in oversize.json()["message"]

    # A multipart upload whose parts grow past the limit is refused at finalise and never stored.
    video = samples.mp4_bytes(60, size=7 * MIB)
    ticket = (await issue(leader, round_["id"], slots["clip"], video, "clip.mp4")).json()
    grown = video[: 5 * MIB] + bytes(4 * MIB)
    await send_parts(leader, ticket, grown, numbers=[1])
    urls = await leader.call("POST", f"/api/v1/uploads/{ticket['upload']['id']}/part-urls", json={"numbers": [2]})
    async with httpx.AsyncClient() as s3:
        assert (await s3.put(urls.json()["urls"][0]["url"], content=grown[5 * MIB :])).status_code == 200
    refused = await finalise(leader, ticket["upload"]["id"])
    assert refused.status_code == 400 and "8" in refused.json()["message"]
    row = await Upload.select(Upload.key, Upload.s3_upload_id).where(Upload.id == ticket["upload"]["id"]).first()
    assert not await store.exists(row["key"])
    assert row["s3_upload_id"] not in {p.upload_id for p in await store.list_multipart_uploads("entries/")}
    assert (await shown(leader, ticket["upload"]["id"]))["status"] == "rejected"

    # A POST bigger than announced: the object store itself refuses it.
    small = samples.pdf_bytes(["一页"])
    ticket = (await issue(leader, round_["id"], slots["doc"], small, "doc.pdf")).json()
    assert (await send_post(ticket, small + b"x" * 100, "doc.pdf")).status_code >= 400
    never = await finalise(leader, ticket["upload"]["id"])
    assert never.status_code == 409 and "not arrived" in never.json()["message"]

    # Bytes sent with another upload's form land under that upload's key, not this one's.
    first = (await issue(leader, round_["id"], slots["doc"], small, "a.pdf")).json()
    second = (await issue(leader, round_["id"], slots["doc"], small, "b.pdf")).json()
    assert (await send_post(second, small, "a.pdf")).status_code in (200, 204)
    assert (await finalise(leader, first["upload"]["id"])).status_code == 409

    theirs = await other.call("POST", f"/api/v1/uploads/{second['upload']['id']}/finalise")
    assert theirs.status_code == 404
    assert (await other.call("GET", f"/api/v1/uploads/{kept['id']}")).status_code == 404
    assert (await issue(leader, round_["id"], 999_999, small, "x.pdf")).status_code == 404
    assert (await issue(leader, round_["id"], slots["clip"] + 10_000, small, "x.pdf")).status_code == 404
    listed = await open_round(world, org, contest_id, name_zh="复赛", all_teams=False)
    outside = await issue(leader, listed["id"], slot_ids(listed)["design_document"], small, "x.pdf")
    assert outside.status_code == 403 and "does not take part" in outside.json()["message"]
    text_as_file = await issue(leader, listed["id"], slot_ids(listed)["appid"], small, "x.pdf")
    assert text_as_file.status_code == 403
    # What was accepted before is untouched by every refusal above.
    await settle(world)
    assert (await shown(leader, kept["id"]))["status"] == "accepted"
