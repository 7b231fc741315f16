"""The demo's open contest: registration runs and its round takes entries, so a visitor can form a
team and hand in files; a few teams have formed and two handed in their entries for real."""

import random

from contest.accounts.tables import AccountKind
from contest.lib.principal import Role
from contest.shell.demo_open import OPEN_TEAMS, TEAMS_HANDED_IN, create_open_contest, seed_open_teams
from contest.shell.demo_people import People
from contest.submissions.tables import Entry, Upload
from storage import samples
from tests import factories as f
from tests.contest.submissions.flow import issue, object_store, slot_ids, team


async def test_the_open_demo_contest_takes_teams_and_entries(world, clock):
    await object_store(world.settings)
    universities = [{"id": await f.university()} for _ in range(3)]
    organizer_id = await f.user(clock, kind=AccountKind.STAFF)
    contest = await create_open_contest(world.settings, clock, organizer_id)
    people = People(clock, f.CHEAP_HASHER, "", universities, random.Random(1))
    await seed_open_teams(world.settings, clock, contest, people)

    organizer = await world.staff("org@demo.cn", Role.ORGANIZER, contest.id)
    listed = (await organizer.call("GET", f"/api/v1/contests/{contest.id}/teams", params={"per_page": 50})).json()
    assert listed["total"] == OPEN_TEAMS
    assert await Entry.count().where(Entry.submitted_at.is_not_null()) == TEAMS_HANDED_IN
    assert await Upload.count().where(Upload.status == "accepted") == 5 * TEAMS_HANDED_IN

    # A newcomer forms a team (registration is open) and may hand in a file (the round is open).
    leader, _ = await team(world, contest.id, contest.tracks[0].id, "new@campus.edu.cn", "新来的队")
    rounds = (await leader.call("GET", f"/api/v1/contests/{contest.id}/rounds")).json()
    assert [r["state"] for r in rounds] == ["open"]
    document = samples.pdf_bytes(["新来的队的设计文档"])
    ticket = await issue(leader, rounds[0]["id"], slot_ids(rounds[0])["design_document"], document, "设计.pdf")
    assert ticket.status_code == 201, ticket.text
