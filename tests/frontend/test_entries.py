"""The student's entry pages: the rounds with their state, the upload cards, the AppID, choosing and
submitting through forms (post, redirect, get), downloads as redirects to the object store."""

from datetime import timedelta

from storage import samples
from tests import factories as f
from tests.contest.submissions.flow import open_round, organizer, settle, slot_ids, team, upload


async def test_a_student_hands_in_an_entry_through_the_pages(world, clock):
    contest_id, track_id = await f.contest(clock)
    org = await organizer(world, contest_id)
    round_ = await open_round(world, org, contest_id, blind=True, grace_minutes=15)
    listed = await open_round(world, org, contest_id, name_zh="全国复赛", all_teams=False)
    slots = slot_ids(round_)
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")

    overview = await leader.http.get("/my/entries")
    assert overview.status_code == 200
    assert "赛区初赛" in overview.text and "开放中" in overview.text and "data-countdown" in overview.text
    assert "你的团队不参加本轮" in overview.text and f"/my/entries/{listed['id']}" not in overview.text

    page = await leader.http.get(f"/my/entries/{round_['id']}")
    assert page.status_code == 200
    assert page.text.count("data-upload-card") == 4  # four files; the AppID is a form
    assert "本轮为匿名评审" in page.text and "尚未提交" in page.text
    assert 'accept="application/pdf"' in page.text and "最大 300.0 MB" in page.text and "最长 3.0 分钟" in page.text

    _, shown = await leader.submit(f"/my/entries/{round_['id']}/appid", slot_id=str(slots["appid"]), text="wx12")
    assert "AppID" in shown.text and 'value="wx12"' in shown.text  # refused, the input kept
    _, shown = await leader.submit(
        f"/my/entries/{round_['id']}/appid", slot_id=str(slots["appid"]), text="wx0123456789abcdef"
    )
    assert "AppID 已保存" in shown.text and "wx0123456789abcdef" in shown.text and "已选用" in shown.text

    files = {
        "design_document": (samples.pdf_bytes(["设计文档"]), "设计.pdf"),
        "demo_video": (samples.mp4_bytes(60), "demo.mp4"),
        "code_package": (samples.miniprogram_zip(), "code.zip"),
        "code_image": (samples.qr_png("https://mp.example.com"), "qr.png"),
    }
    done = {code: await upload(leader, round_["id"], slots[code], data, name) for code, (data, name) in files.items()}
    second = await upload(
        leader, round_["id"], slots["design_document"], samples.pdf_bytes(["星火队 设计文档"]), "v2.pdf"
    )
    await settle(world)
    page = await leader.http.get(f"/my/entries/{round_['id']}")
    assert "第 2 版" in page.text and "已通过检查" in page.text and "星火队" in page.text  # the blind warning names it
    _, shown = await leader.submit(f"/my/entries/{round_['id']}/choose", upload_id=str(second["id"]))
    assert "已选用这个版本" in shown.text
    _, shown = await leader.submit(f"/my/entries/{round_['id']}/submit")
    assert "作品已提交" in shown.text and "重新提交" in shown.text

    download = await leader.http.get(f"/files/{done['code_package']['id']}")
    assert download.status_code == 303 and "response-content-disposition=attachment" in download.headers["location"]
    stranger = await world.signup("x@c.edu.cn")
    assert (await stranger.http.get(f"/files/{done['code_package']['id']}")).status_code == 404

    clock.advance(timedelta(days=8))  # past the close and its grace
    closed = await leader.http.get(f"/my/entries/{round_['id']}")
    assert "data-upload-form" not in closed.text and "已截止" in closed.text
    _, shown = await leader.submit(f"/my/entries/{round_['id']}/submit")
    assert "不能再更改" in shown.text
