"""The judge panel, result review, leaderboards and a team's results as pages, in both languages:
forms decode into the services' inputs, refusals come back with the input kept; every message the
scoring and results services can raise has its Chinese translation."""

import re
from pathlib import Path

import pytest

from frontend.i18n import translations
from judging.assignment.tables import Reassignment
from judging.results import service as results
from judging.results.schemas import PublishIn
from tests import factories as f
from tests.judging import scoring

ROOT = Path(__file__).resolve().parents[2]
RAISED = re.compile(
    r'\b(?:InvalidInput|Conflict|Forbidden|NotFound|InvalidState|Unavailable|Msg|Problem)\(\s*"((?:[^"\\]|\\.)+)"(?:\s*"((?:[^"\\]|\\.)+)")?'
)


def test_every_message_of_the_scoring_services_is_translated():
    catalog = translations("zh-CN")
    found = set()
    for package in ("rubrics", "sheets", "results"):
        for path in (ROOT / "judging" / package).rglob("*.py"):
            text = re.sub(r'"\s*\n\s*"', "", path.read_text())  # join implicitly concatenated strings
            found |= {m.group(1) for m in RAISED.finditer(text)}
    assert len(found) > 40
    assert sorted(m for m in found if catalog.gettext(m) == m) == []


async def signed_in(world, principal, lang="zh-CN"):
    person = world.person(await f.email_of(principal.user_id))
    assert (await person.login()).status_code == 200
    person.http.cookies.set("lang", lang)
    return person


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_pages_render_in_both_languages(world, lang):
    s = await scoring.scene(world.clock, teams=3, judges=2)
    for index, team in enumerate(s.teams):
        for person in s.judges:
            await scoring.score(world.clock, s, person, team, scoring.scaled(0.9 - 0.2 * index), comment="界面清晰")
    rt = f.runtime(world.clock)
    run = await results.request_compute(rt, s.organizer, s.round.id)
    await results.compute_run(rt, run.id)
    await results.publish(rt, s.organizer, run.id, PublishIn())
    judge = await signed_in(world, s.judges[0], lang)
    organizer = await signed_in(world, s.organizer, lang)
    member = await signed_in(world, await scoring.leader(s.teams[0]), lang)
    public = world.person("visitor@example.com")
    public.http.cookies.set("lang", lang)
    code = s.codes[s.teams[0]]
    expect = [
        ((judge, "/judge"), ("评审", "Scoring")),
        ((judge, f"/judge/rounds/{s.round.id}"), ("已提交", "submitted")),
        ((judge, f"/judge/rounds/{s.round.id}/entries/{code}"), ("给队伍的评语", "Comment to the team")),
        ((organizer, "/console/results"), ("成绩审核", "Result review")),
        ((organizer, f"/console/results/rounds/{s.round.id}"), ("立即计算结果", "Compute the results now")),
        ((organizer, f"/console/results/rounds/{s.round.id}/rubric"), ("评分细则", "Rubric")),
        ((organizer, f"/console/results/runs/{run.id}"), ("宽严度", "Leniency")),
        (
            (organizer, f"/console/results/rounds/{s.round.id}/teams/{s.teams[0]}"),
            ("给队伍的评语", "Comment to the team"),
        ),
        ((public, "/results"), ("查看结果", "See the results")),
        ((public, f"/results/rounds/{s.round.id}"), ("队伍1", "队伍1")),
        ((member, "/my/results"), ("评委评语", "comments")),
        ((public, f"/live/{s.rounds[2].id}"), ("实时榜单", "Live leaderboard")),
        ((public, f"/live/{s.rounds[2].id}/projector"), ("实时榜单", "Live leaderboard")),
    ]
    for (person, url), (zh, en) in expect:
        page = await person.http.get(url)
        assert page.status_code == 200, (url, page.text[:300])
        assert (zh if lang == "zh-CN" else en) in page.text, url
    run_page = (await organizer.http.get(f"/console/results/runs/{run.id}")).text
    assert "<svg" in run_page and "<script" not in run_page.split("</header>")[1]


async def test_a_refused_sheet_form_comes_back_with_the_input_kept(world):
    s = await scoring.scene(world.clock, teams=1, judges=1)
    judge = await signed_in(world, s.judges[0])
    url = f"/judge/rounds/{s.round.id}/entries/{s.codes[s.teams[0]]}"
    await judge.http.get(url)
    _, shown = await judge.submit(
        url, version="0", score_innovation="30", score_value="12", comment="很好", action="save"
    )
    assert "innovation" in shown.text and 'value="30"' in shown.text and "很好" in shown.text
    assert "的分数须在 0 到 25 之间" in shown.text
    _, saved = await judge.submit(url, version="0", score_innovation="20", comment="很好", action="save")
    assert "草稿已保存" in saved.text
    _, stale = await judge.submit(url, version="0", score_innovation="21", action="save")
    assert "没有任何内容被覆盖" in stale.text


async def test_organizers_publish_and_a_team_appeals_through_the_pages(world):
    s = await scoring.scene(world.clock, teams=2, judges=1)
    for team in s.teams:
        await scoring.score(world.clock, s, s.judges[0], team, scoring.scaled(0.8))
    organizer = await signed_in(world, s.organizer)
    posted, _ = await organizer.submit(f"/console/results/rounds/{s.round.id}/compute")
    run_url = posted.headers["location"]
    await world.deliver_mail()
    review = await organizer.http.get(run_url)
    assert "待审核" in review.text and "队伍1" in review.text
    _, published = await organizer.submit(f"{run_url}/publish")
    assert "已公布，公示期开始" in published.text

    member = await signed_in(world, await scoring.leader(s.teams[1]))
    mine = await member.http.get("/my/results")
    assert "提交申诉" in mine.text
    answer = await member.http.post(
        f"/my/results/rounds/{s.round.id}/appeal?_csrf={member.csrf}",
        data={"reason": "请复核"},
        files={"attachment": ("", b"", "application/octet-stream")},
    )
    assert answer.status_code == 303
    after = await member.http.get(answer.headers["location"])
    assert "申诉已提交" in after.text and "处理中" in after.text


async def test_a_flagged_entry_gets_an_arbitration_judge_from_the_run_page(world):
    s = await scoring.scene(world.clock, teams=1, judges=2)
    await scoring.score(world.clock, s, s.judges[0], s.teams[0], scoring.scaled(0.9))
    await scoring.score(world.clock, s, s.judges[1], s.teams[0], scoring.scaled(0.2))
    rt = f.runtime(world.clock)
    run = await results.request_compute(rt, s.organizer, s.round.id)
    await results.compute_run(rt, run.id)
    organizer = await signed_in(world, s.organizer)
    page = await organizer.http.get(f"/console/results/runs/{run.id}")
    assert "增派仲裁评委" in page.text
    _, shown = await organizer.submit(
        f"/console/results/runs/{run.id}/arbitration", team_id=str(s.teams[0]), reason="两位评委分差过大"
    )
    assert "正在分配仲裁评委" in shown.text
    [queued] = await Reassignment.select().where(Reassignment.round == s.round.id)
    assert queued["reason"] == "arbitration"
