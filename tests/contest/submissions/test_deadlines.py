"""Deadlines by the injected clock: the close to the millisecond, grace for uploads started before
it, a team's extension; a late request is refused with a clear message and changes nothing."""

from datetime import datetime, timedelta

from storage import samples
from tests import factories as f
from tests.contest.submissions.flow import (
    finalise,
    issue,
    open_round,
    organizer,
    send_post,
    settle,
    shown,
    slot_ids,
    team,
)

MS = timedelta(milliseconds=1)


async def test_finalise_a_millisecond_before_the_close_is_accepted_and_one_after_refused(world, clock):
    contest_id, track_id = await f.contest(clock)
    closes = clock.now() + timedelta(hours=2)
    round_ = await open_round(world, await organizer(world, contest_id), contest_id, closes_at=closes.isoformat())
    slot = slot_ids(round_)["design_document"]
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    document = samples.pdf_bytes(["设计文档"])
    early = (await issue(leader, round_["id"], slot, document, "v1.pdf")).json()
    late = (await issue(leader, round_["id"], slot, document, "v2.pdf")).json()
    for ticket in (early, late):
        assert (await send_post(ticket, document, "doc.pdf")).status_code in (200, 204)
    clock.set(closes - MS)
    assert (await finalise(leader, early["upload"]["id"])).status_code == 200
    clock.set(closes + MS)
    refused = await finalise(leader, late["upload"]["id"])
    assert refused.status_code == 409 and "deadline passed" in refused.json()["message"]
    assert (await issue(leader, round_["id"], slot, document, "v3.pdf")).status_code == 409
    await settle(world)
    assert (await shown(leader, early["upload"]["id"]))["status"] == "accepted"  # nothing earlier is lost
    assert (await shown(leader, late["upload"]["id"]))["status"] == "issued"


async def test_an_upload_started_before_the_close_may_finish_within_the_grace(world, clock):
    contest_id, track_id = await f.contest(clock)
    closes = clock.now() + timedelta(hours=2)
    org = await organizer(world, contest_id)
    round_ = await open_round(world, org, contest_id, closes_at=closes.isoformat(), grace_minutes=10)
    slot = slot_ids(round_)["design_document"]
    leader, _ = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    document = samples.pdf_bytes(["设计文档"])
    clock.set(closes - MS)
    tickets = [(await issue(leader, round_["id"], slot, document, f"v{n}.pdf")).json() for n in (1, 2)]
    for ticket in tickets:
        assert (await send_post(ticket, document, "doc.pdf")).status_code in (200, 204)
    clock.set(closes + MS)
    started_late = await issue(leader, round_["id"], slot, document, "v3.pdf")
    assert started_late.status_code == 409  # no new upload in the grace
    clock.set(closes + timedelta(minutes=10) - MS)
    assert (await finalise(leader, tickets[0]["upload"]["id"])).status_code == 200
    # Choosing and submitting remain possible in the grace, so the file just finished can count.
    entry = await leader.call("GET", f"/api/v1/rounds/{round_['id']}/entry")
    assert entry.json()["round"]["state"] == "grace"
    clock.set(closes + timedelta(minutes=10) + MS)
    refused = await finalise(leader, tickets[1]["upload"]["id"])
    assert refused.status_code == 409 and "could be finished until" in refused.json()["message"]


async def test_an_extension_moves_one_teams_close(world, clock):
    contest_id, track_id = await f.contest(clock)
    closes = clock.now() + timedelta(hours=2)
    org = await organizer(world, contest_id)
    round_ = await open_round(world, org, contest_id, closes_at=closes.isoformat())
    slot = slot_ids(round_)["design_document"]
    lucky, lucky_id = await team(world, contest_id, track_id, "lead@a.edu.cn", "星火队")
    other, _ = await team(world, contest_id, track_id, "other@b.edu.cn", "极光队")
    granted = await org.call(
        "POST",
        f"/api/v1/rounds/{round_['id']}/extensions",
        json={"team_id": lucky_id, "minutes": 30, "reason": "考点停电"},
    )
    assert granted.status_code == 200
    assert datetime.fromisoformat(granted.json()["closes_at"]) == closes + timedelta(minutes=30)
    clock.set(closes + timedelta(minutes=20))
    document = samples.pdf_bytes(["设计文档"])
    ticket = (await issue(lucky, round_["id"], slot, document, "doc.pdf")).json()
    assert (await send_post(ticket, document, "doc.pdf")).status_code in (200, 204)
    assert (await finalise(lucky, ticket["upload"]["id"])).status_code == 200
    assert (await issue(other, round_["id"], slot, document, "doc.pdf")).status_code == 409
    entry = (await lucky.call("GET", f"/api/v1/rounds/{round_['id']}/entry")).json()
    assert entry["round"]["extra_minutes"] == 30 and entry["round"]["state"] == "open"
