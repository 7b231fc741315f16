from datetime import UTC, datetime, timedelta

import pytest

from contest.contests.rules import MAX_TEAM_SIZE, known_time_zone, settings_problems

OPEN = datetime(2027, 3, 1, tzinfo=UTC)
GOOD = {
    "name_zh": "小程序大赛",
    "time_zone": "Asia/Shanghai",
    "registration_opens_at": OPEN,
    "registration_deadline": OPEN + timedelta(days=30),
    "min_team_size": 1,
    "max_team_size": 3,
    "max_advisors": 1,
}


def test_the_default_contest_is_valid():
    assert settings_problems(GOOD) == {}
    assert settings_problems({**GOOD, "registration_opens_at": None, "registration_deadline": None}) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name_zh": "  "}, "name_zh"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "../etc/passwd"}, "time_zone"),
        ({"registration_deadline": OPEN}, "registration_deadline"),
        ({"max_team_size": 0}, "max_team_size"),
        ({"max_team_size": MAX_TEAM_SIZE + 1}, "max_team_size"),
        ({"min_team_size": 4}, "min_team_size"),
        ({"min_team_size": 0}, "min_team_size"),
        ({"max_advisors": -1}, "max_advisors"),
    ],
)
def test_each_problem_names_its_field(changes, field):
    assert list(settings_problems({**GOOD, **changes})) == [field]


def test_time_zones():
    assert known_time_zone("Asia/Urumqi") and known_time_zone("UTC")
    assert not known_time_zone("") and not known_time_zone("Asia/Beijing")
