"""Organizers read every judge's sheet on an entry, private notes included; other regions' may not."""

import pytest

from contest.lib.errors import Forbidden
from judging.sheets.review import entry_sheets
from tests import factories as f
from tests.judging import scoring


async def test_organizers_read_the_sheets_with_the_private_notes(service_db, clock):
    s = await scoring.scene(clock, teams=1, judges=2)  # the team is in 北京 (华北)
    team = s.teams[0]
    await scoring.score(clock, s, s.judges[0], team, scoring.ALL_TENS, comment="不错", note="疑似抄袭，请核实")
    found = await entry_sheets(s.organizer, s.round.id, team)
    assert [(x.judge, x.status, x.total) for x in found.sheets] == [("评委1", "submitted", 78)]
    assert found.sheets[0].note == "疑似抄袭，请核实" and found.team == "队伍1"
    assert (await entry_sheets(await f.organizer(clock, s.contest_id, region="NC"), s.round.id, team)).sheets
    with pytest.raises(Forbidden):
        await entry_sheets(await f.organizer(clock, s.contest_id, region="EC"), s.round.id, team)
    with pytest.raises(Forbidden):
        await entry_sheets(s.judges[1], s.round.id, team)
