"""Team names as people read them: characters that draw nothing cannot make a second team look like
the first, and a line break never gets into a name."""

import pytest

from contest.teams.roster import team_name
from tests import factories as f


@pytest.mark.parametrize(
    "lookalike",
    ["星辰\u200b队", "\ufeff星辰队", "星\u200d辰\u2060队", "星辰\u00ad队", "ｓｔａｒ"],
)
def test_invisible_and_compatibility_characters_fold_away(lookalike):
    assert team_name(lookalike) in ("星辰队", "star")


async def test_a_team_name_differing_only_by_invisible_characters_is_taken(world, clock):
    contest_id, track_id = await f.contest(clock)
    first = await world.signup("first@u.edu.cn")
    second = await world.signup("second@u.edu.cn")
    created = await first.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "星辰队", "track_id": track_id}
    )
    assert created.status_code == 201
    copy = await second.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "星\u200b辰\u200d队", "track_id": track_id}
    )
    assert copy.status_code == 409 and copy.json()["fields"] == {"name": "taken"}
    broken = await second.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "星辰\n\n恭喜中奖", "track_id": track_id}
    )
    assert broken.status_code == 400
    assert broken.json()["fields"] == {"name": "one line of text, without line breaks or other control characters"}
