"""The demo's rounds and entries: the preliminary closed three weeks ago, files for the first teams
sent through the real flow into the object store while it was open (some failing their checks), and
the submitted entries pinned after the close."""

from collections import Counter

from contest.lib.db import json_value
from contest.rounds import service as rounds
from contest.shell.demo_entries import TEAMS_WITH_FILES, seed_entries
from contest.submissions.tables import Entry, PinnedEntry, Upload
from contest.teams import roster
from contest.teams.schemas import TeamIn
from tests import factories as f
from tests.contest.submissions.flow import object_store, runtime


async def test_the_demo_seeds_rounds_and_entries_with_some_failing_checks(world, clock):
    contest_id, track_id = await f.contest(clock)
    await object_store(world.settings)
    for n in range(TEAMS_WITH_FILES):
        leader = await f.principal(await f.user(clock, university_id=await f.university()))
        await roster.create_team(runtime(world), leader, contest_id, TeamIn(f"演示队{n}", track_id))
    await seed_entries(world.settings, clock, contest_id)
    preliminary, semi, final = await rounds.rounds_of(runtime(world), contest_id)
    assert preliminary.state == "closed" and semi.state == final.state == "upcoming"
    statuses = Counter(r["status"] for r in await Upload.select(Upload.status))
    assert statuses["rejected"] == 4 and statuses["accepted"] == 5 * TEAMS_WITH_FILES - 4
    problems = {
        p["id"]
        for r in await Upload.select(Upload.result).where(Upload.status == "rejected")
        for p in json_value(r["result"])["problems"]
    }
    assert problems == {"video_too_long", "pdf_encrypted", "zip_unreadable", "file_wrong_type"}
    submitted = await Entry.count().where(Entry.submitted_at.is_not_null())
    assert submitted == TEAMS_WITH_FILES - 4 - 1  # four with a failed file, one forgot to submit
    # Every taking part is pinned at the close; only the submitted entries are complete (what judges read).
    assert await PinnedEntry.count() == TEAMS_WITH_FILES
    assert await PinnedEntry.count().where(PinnedEntry.complete == True) == submitted  # noqa: E712
