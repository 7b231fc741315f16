"""The contest switcher: the newest contest by default, the chosen one for the portal and the console."""

from datetime import timedelta

from contest.contests.tables import Contest
from tests import factories as f
from tests.contest.submissions.flow import organizer


async def test_the_chosen_contest_is_shown_in_the_portal_and_the_console(world, clock):
    older, _ = await f.contest(clock, deadline=clock.now() - timedelta(days=1))
    newer, _ = await f.contest(clock)
    names = {r["id"]: r["name_zh"] for r in await Contest.select(Contest.id, Contest.name_zh)}
    student = await world.signup("s@a.edu.cn")
    assert names[newer] in (await student.http.get("/my/team")).text
    listing = await student.http.get("/contests?next=/my/team")
    assert names[older] in listing.text and "当前显示" in listing.text
    # Whether each takes teams, in that order (newest first): a student chooses where to register.
    assert listing.text.index("报名中") < listing.text.index("报名已截止")
    assert listing.text.count("报名中") == 1 and listing.text.count("报名已截止") == 1
    chosen, shown = await student.submit("/contests/choose", contest_id=str(older), next="/my/team")
    assert chosen.headers["location"] == "/my/team" and names[older] in shown.text and names[newer] not in shown.text
    assert names[older] in (await student.http.get("/")).text
    refused, shown = await student.submit("/contests/choose", contest_id="999999", next="/my/team")
    assert refused.headers["location"] == "/contests" and "比赛不存在" in shown.text
    org = await organizer(world, older)
    assert (await org.http.get("/console/rounds")).status_code == 403  # the newest is not theirs
    await org.submit("/contests/choose", contest_id=str(older), next="/console/rounds")
    page = await org.http.get("/console/rounds")
    assert page.status_code == 200 and names[older] in page.text
