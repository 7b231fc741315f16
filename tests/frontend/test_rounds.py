"""The console's round pages: the default rounds, a round's settings in the contest's time zone, its
files, its listed teams and extensions, the status of entries per region, one team's files."""

from datetime import UTC, datetime

from contest.rounds import service as rounds
from storage import samples
from tests import factories as f
from tests.contest.submissions.flow import organizer, runtime, settle, slot_ids, team, upload


async def test_national_organizers_configure_rounds_through_the_console(world, clock):
    contest_id, track_id = await f.contest(clock)
    org = await organizer(world, contest_id)
    empty = await org.http.get("/console/rounds")
    assert "添加默认轮次" in empty.text
    _, shown = await org.submit("/console/rounds/defaults")
    assert "赛区初赛" in shown.text and "全国复赛" in shown.text and "全国总决赛" in shown.text
    first, second, _ = await rounds.rounds_of(runtime(world), contest_id)

    # Times are typed as wall-clock times in the contest's zone (Asia/Shanghai, UTC+8).
    _, shown = await org.submit(
        f"/console/rounds/{first.id}",
        name_zh="赛区初赛",
        kind="online",
        scope="regional",
        blind="yes",
        all_teams="yes",
        opens_at="2027-03-01T08:00",
        closes_at="2027-04-01T20:00",
        grace_minutes="30",
        position="1",
    )
    saved = await rounds.round_of(runtime(world), first.id)
    assert saved.closes_at == datetime(2027, 4, 1, 12, 0, tzinfo=UTC) and saved.grace_minutes == 30 and saved.blind
    assert 'value="2027-04-01T20:00"' in shown.text
    _, shown = await org.submit(
        f"/console/rounds/{first.id}", name_zh="赛区初赛", opens_at="2027-04-02T08:00", closes_at="2027-04-01T20:00"
    )
    assert "部分设置无效" in shown.text and "须晚于开放提交时间" in shown.text

    slot = {s.code: s.id for s in saved.slots}
    _, shown = await org.submit(
        f"/console/rounds/{first.id}/slots/{slot['demo_video']}", name_zh="演示视频", max_mb="200", max_duration_s="240"
    )
    video = next(s for s in (await rounds.round_of(runtime(world), first.id)).slots if s.code == "demo_video")
    assert (video.max_mb, video.max_duration_s, video.required) == (200, 240, False)  # the box was left unticked
    _, shown = await org.submit(
        f"/console/rounds/{first.id}/slots",
        slot_code="poster",
        slot_kind="image",
        slot_name_zh="海报",
        slot_required="yes",
    )
    assert "poster" in shown.text

    leader, team_id = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队", province="上海")
    _, shown = await org.submit(f"/console/rounds/{second.id}/participants", team_ids=f"{team_id}\n")
    assert "共有 1 支团队参加" in shown.text
    _, shown = await org.submit(f"/console/rounds/{second.id}/participants", team_ids="999999")
    assert "不属于本赛事" in shown.text
    regional = await organizer(world, contest_id, "ec@contest.cn", region="EC")
    page = await regional.http.get(f"/console/rounds/{first.id}")
    assert "只有全国组委会可以修改轮次" in page.text
    _, shown = await regional.submit(
        f"/console/rounds/{first.id}/extensions", team_id=str(team_id), minutes="45", reason="考点停电"
    )
    assert "考点停电" in shown.text and "延长 45 分钟" in shown.text
    del leader


async def test_the_status_page_shows_who_submitted_and_what_failed(world, clock):
    contest_id, track_id = await f.contest(clock)
    org = await organizer(world, contest_id)
    created = await org.call(
        "POST",
        f"/api/v1/contests/{contest_id}/rounds",
        json={
            "name_zh": "初赛",
            "opens_at": clock.now().isoformat(),
            "closes_at": "2027-06-01T00:00:00+00:00",
            "all_teams": True,
            "slots": [{"code": "doc", "kind": "pdf", "name_zh": "文档"}],
        },
    )
    round_ = created.json()
    east, east_id = await team(world, contest_id, track_id, "east@a.edu.cn", "东方队", province="上海")
    north, north_id = await team(world, contest_id, track_id, "north@b.edu.cn", "北辰队", province="北京")
    done = await upload(east, round_["id"], slot_ids(round_)["doc"], samples.pdf_bytes(["正文"]), "doc.pdf")
    await upload(north, round_["id"], slot_ids(round_)["doc"], samples.qr_png("x"), "doc.pdf")
    await settle(world)
    await east.call("POST", f"/api/v1/rounds/{round_['id']}/entry/submit")
    page = await org.http.get(f"/console/rounds/{round_['id']}/status")
    assert page.status_code == 200 and "东方队" in page.text and "北辰队" in page.text and "华东" in page.text
    failed = await org.http.get(f"/console/rounds/{round_['id']}/status?only=failed")
    assert "北辰队" in failed.text and "东方队" not in failed.text
    files = await org.http.get(f"/console/rounds/{round_['id']}/teams/{east_id}")
    assert "已通过检查" in files.text and f"/files/{done['id']}" in files.text and "blake3:" in files.text
    assert (await org.http.get(f"/files/{done['id']}")).status_code == 303
    _, shown = await org.submit(f"/console/rounds/{round_['id']}/archives", region_id="")
    assert "压缩包正在生成" in shown.text
    del north_id
