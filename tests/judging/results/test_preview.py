"""A sheets file ranked without storing anything; malformed files refused with the reason."""

import msgspec
import pytest

from contest.lib.errors import Forbidden, InvalidInput
from contest.lib.principal import GrantView, Principal, Role
from judging.results.preview import preview

ORGANIZER = Principal(user_id=1, name="组委会", email="o@x.cn", kind="staff", grants=(GrantView(Role.ORGANIZER, 1),))
SHEETS = {
    "criteria": [{"id": "idea", "weight": 60, "max": 10}, {"id": "build", "weight": 40, "max": 10}],
    "sheets": [
        {"entry": "A", "judge": "j1", "scores": {"idea": 9, "build": 8}},
        {"entry": "B", "judge": "j1", "scores": {"idea": 6, "build": 9}},
    ],
}


async def test_a_sheets_file_is_ranked():
    result = await preview(ORGANIZER, msgspec.json.encode(SHEETS))
    assert [(e.entry, e.rank) for e in result.entries] == [("A", 1), ("B", 2)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "The sheets input is not valid"),
        (
            msgspec.json.encode(
                {**SHEETS, "sheets": [{"entry": "A", "judge": "j", "scores": {"idea": 11, "build": 1}}]}
            ),
            "outside 0 to 10",
        ),
        (msgspec.json.encode({**SHEETS, "criteria": []}), "declares no criteria"),
    ],
)
async def test_a_malformed_sheets_file_is_refused_with_its_reason(content, reason):
    with pytest.raises(InvalidInput) as refused:
        await preview(ORGANIZER, content)
    assert reason in refused.value.message and refused.value.fields == {"file": "invalid"}


async def test_only_organizers_preview():
    student = Principal(user_id=2, name="学生", email="s@x.cn", kind="student")
    with pytest.raises(Forbidden):
        await preview(student, msgspec.json.encode(SHEETS))
