"""The demo's scoring: every judge of the preliminary's published assignment scores their entries
(a few sheets left missing), and the preliminary's results are computed and published, with the
override those missing sheets need, so the notice period, the leaderboard and a team's result with
its reasons can be explored.

The demo's preliminary is still open for entries today, so its sheets are dated in its review
window (a clock set there); the results are published on the same clock.
"""

import random
from datetime import timedelta

from contest.accounts import sessions
from contest.lib.clock import Clock, FixedClock
from contest.lib.principal import SYSTEM
from contest.lib.settings import Settings
from contest.rounds import service as rounds
from contest.shell.wiring import runtime_for
from judging.assignment import queries as assignment
from judging.results import service as results
from judging.results.schemas import PublishIn
from judging.rubrics.service import criteria_of
from judging.sheets import service as sheets
from judging.sheets.schemas import SheetIn

COMMENTS = (
    "选题贴近校园生活，交互流畅；建议补充离线场景的处理。",
    "功能完整，代码结构清晰；设计文档可再说明数据安全方案。",
    "创意不错，但演示视频没有展示核心流程。",
    "界面美观，技术实现略显简单，可考虑云开发的实时能力。",
    "问题定义清楚，用户调研扎实，完成度高。",
    "",
)
MISSING = 3


PUBLISHED_AGO = timedelta(days=3)


async def seed_results(settings: Settings, clock: Clock, contest_id: int) -> None:
    """Sheets for the preliminary's assigned pairs (all but MISSING of them), then its results
    computed and published. Does nothing when the preliminary has no published assignment."""
    preliminary = (await rounds.rounds_of(runtime_for(settings, clock), contest_id))[0]
    pairs = sorted(await assignment.active_pairs(preliminary.id))
    if not pairs or preliminary.review_opens_at is None:
        return
    review = FixedClock(preliminary.review_opens_at + timedelta(days=2))
    rt = runtime_for(settings, review)
    rng = random.Random(12)
    criteria = await criteria_of(preliminary.id)
    quality = {team: rng.gauss(0, 1) for team, _ in pairs}
    bias = {judge: rng.gauss(0, 0.05) for _, judge in pairs}
    codes = await assignment.entry_codes(preliminary.id)
    for index, (team, judge) in enumerate(pairs):
        if index % (len(pairs) // MISSING + 1) == 1:
            continue  # a judge who has not scored this one yet
        actor = await sessions.principal_for(judge)
        if actor is None or team not in codes:
            continue
        opened = await sheets.sheet(rt, actor, preliminary.id, codes[team])
        review.advance(timedelta(minutes=rng.randint(6, 30)))  # time spent on the entry
        level = 0.62 + 0.12 * quality[team] + bias[judge]
        scores: dict[str, float | None] = {
            c.code: float(min(c.max, max(0.0, round(c.max * (level + rng.gauss(0, 0.05)) / c.step) * c.step)))
            for c in criteria
        }
        data = SheetIn(scores=scores, comment=rng.choice(COMMENTS), version=opened.version)
        await sheets.save_sheet(rt, actor, preliminary.id, codes[team], data, submit=True)
    # Computed and published a few days ago, after the review closed: the notice period is open now.
    published = runtime_for(settings, FixedClock(clock.now() - PUBLISHED_AGO))
    run = await results.request_compute(published, SYSTEM, preliminary.id)
    await results.compute_run(published, run.id)
    computed = (await results.runs(SYSTEM, preliminary.id))[0]
    if computed.status == "ready" and not computed.problems:
        reason = "个别评委因故未完成评审，组委会决定按已提交的评分公布。" if computed.missing else ""
        await results.publish(published, SYSTEM, run.id, PublishIn(override=bool(computed.missing), reason=reason))
