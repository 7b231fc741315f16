"""The assignment's pages as people use them: the organizer runs, previews, adjusts and publishes in
Chinese; a refused pin says why and changes nothing; the defence timetable is built, shown and exported;
the judge sees codes only in a blind round."""

from datetime import timedelta

from contest.accounts.tables import User
from contest.lib.principal import Role
from contest.rounds import participants
from contest.rounds import service as rounds
from contest.rounds.schemas import ParticipantsIn
from judging.assignment.tables import Assignment
from judging.defence import service as defence
from judging.judges import service as judges
from judging.judges.schemas import AvailabilityIn
from tests import factories as f
from tests.judging.assignment_service import scene as scenes


async def organizer_of(world, contest_id):
    person = await world.staff(f"org{contest_id}@contest.example.org", Role.ORGANIZER, contest_id)
    await person.http.post("/lang", data={"lang": "zh-CN", "next": "/", "_csrf": person.csrf})
    await person.http.post("/contests/choose", data={"contest_id": str(contest_id), "_csrf": person.csrf})
    return person


async def test_an_organizer_runs_previews_adjusts_and_publishes(world, clock):
    s = await scenes.build(clock, judges_per_region=5)
    organizer = await organizer_of(world, s.contest_id)
    page = await organizer.http.get(f"/console/rounds/{s.round_id}/assignment")
    assert page.status_code == 200 and "运行分配" in page.text and "每件作品的评委数" in page.text

    posted, shown = await organizer.submit(f"/console/rounds/{s.round_id}/assignment/runs", region_id="")
    run_path = posted.headers["location"]
    assert run_path.startswith("/console/assignment-runs/") and "分配运行已加入队列" in shown.text
    assert 'http-equiv="refresh"' in shown.text  # it reloads itself while queued
    await world.deliver_mail()
    page = await organizer.http.get(run_path)
    assert "预览" in page.text and "<svg" in page.text and "已避开的冲突" in page.text
    assert 'http-equiv="refresh"' not in page.text

    # Pinning the region's first judge on a team of their own university is refused, with the reason.
    team = s.teams["EC"][0]
    posted, shown = await organizer.submit(
        f"{run_path}/pins", pin_team_id=str(team), pin_judge_id=str(s.judges["EC"][0]), pin_reason=""
    )
    assert posted.headers["location"] == run_path
    assert "该评委来自作品所在学校" in shown.text and "EC队0" in shown.text

    posted, shown = await organizer.submit(f"{run_path}/publish")
    assert "已发布" in shown.text and await Assignment.count() == 30
    page = await organizer.http.get(f"/console/rounds/{s.round_id}/assignment?team={team}")
    assert "共有 30 个生效的配对" in page.text and page.text.count("生效中") == 3


async def test_the_judge_sees_codes_only_in_a_blind_round(world, clock):
    s = await scenes.build(clock, judges_per_region=5)
    organizer = await organizer_of(world, s.contest_id)
    posted, _ = await organizer.submit(f"/console/rounds/{s.round_id}/assignment/runs", region_id="")
    await world.deliver_mail()
    await organizer.submit(f"{posted.headers['location']}/publish")
    judge_id = s.judges["EC"][1]
    await User.update({User.password_hash: f.CHEAP_HASHER.hash(f.PASSWORD)}).where(User.id == judge_id)
    judge = world.person(await f.email_of(judge_id))
    assert (await judge.login()).status_code == 200
    await judge.http.post("/contests/choose", data={"contest_id": str(s.contest_id), "_csrf": judge.csrf})
    page = await judge.http.get("/judge/assignments", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "我的评审任务" in page.text and "匿名" in page.text
    assert "EC队" not in page.text  # no team names in a blind round
    assert "件新作品待评审" in page.text


async def test_the_defence_timetable_is_built_shown_and_exported(world, clock):
    s = await scenes.build(clock, teams_per_region=(("EC", 3), ("NC", 2)), judges_per_region=3)
    final = (await rounds.rounds_of(s.rt, s.contest_id))[2]
    await participants.set_participants(
        s.rt, s.national, final.id, ParticipantsIn(team_ids=s.teams["EC"] + s.teams["NC"])
    )
    for judge in s.judges["EC"] + s.judges["NC"]:
        await judges.set_availability(s.rt, s.national, final.id, judge, AvailabilityIn(available=True))
    organizer = await organizer_of(world, s.contest_id)
    base = f"/console/rounds/{final.id}/defence"
    for name in ("一号厅", "二号厅"):
        await organizer.submit(f"{base}/rooms", room_name=name, room_track_id="")
    start = (clock.now() + timedelta(days=30)).astimezone().strftime("%Y-%m-%dT%H:%M")
    _, shown = await organizer.submit(
        f"{base}/sessions", session_name="上午", session_starts_at=start, session_slot_minutes="20", session_slots="3"
    )
    assert "一号厅" in shown.text and "上午" in shown.text and "评委不能出席的场次" in shown.text
    [session] = await defence.sessions_of(s.national, final.id)
    away = s.judges["EC"][0]
    _, marked = await organizer.submit(f"{base}/absences", **{f"absent_{away}_{session.id}": "1", "absent_x_1": "1"})
    assert "已保存" in marked.text and f'name="absent_{away}_{session.id}" value="1" checked' in marked.text
    assert [(a.judge_id, a.session_id) for a in await defence.absences_of(s.national, final.id)] == [(away, session.id)]
    await organizer.submit(f"{base}/absences")  # nothing ticked: everyone can sit it again
    assert await defence.absences_of(s.national, final.id) == []
    # A judge of the final says so on their own page.
    sitting = s.judges["NC"][0]
    await User.update({User.password_hash: f.CHEAP_HASHER.hash(f.PASSWORD)}).where(User.id == sitting)
    judge = world.person(await f.email_of(sitting))
    assert (await judge.login()).status_code == 200
    await judge.http.post("/contests/choose", data={"contest_id": str(s.contest_id), "_csrf": judge.csrf})
    mine = (await judge.http.get("/judge/assignments")).text
    assert "答辩场次" in mine and "我不能出席上午" in mine
    _, mine = await judge.submit(f"/judge/defence/{final.id}", **{f"absent_{session.id}": "1"})
    assert "已保存" in mine.text and f'name="absent_{session.id}" value="1" checked' in mine.text
    assert [(a.judge_id, a.session_id) for a in await defence.absences_of(s.national, final.id)] == [
        (sitting, session.id)
    ]
    posted, _ = await organizer.submit(f"{base}/timetables", panel_size="2", time_limit="5", panels="session")
    await world.deliver_mail()
    page = await organizer.http.get(posted.headers["location"])
    assert page.status_code == 200 and 'class="timetable wide"' in page.text and "评审组" in page.text
    csv = await organizer.http.get(posted.headers["location"] + "/timetable.csv")
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("场次")
    _, shown = await organizer.submit(posted.headers["location"] + "/publish")
    assert "已发布" in shown.text
