"""Malformed instances: each is refused with a message that says what is wrong."""

import math

import msgspec
import pytest

from judging.assignment import Entry, Instance, InstanceError, Judge, decode_instance, solve
from judging.assignment.model import decode_assignment

BASE = {
    "k": 1,
    "scope": "national",
    "entries": [{"id": "t1", "university": "u1", "region": "华东"}],
    "judges": [{"id": "j1", "university": "u2", "region": None, "min": 0, "max": 3}],
}


def refusal(data) -> list[str]:
    with pytest.raises(InstanceError) as caught:
        solve(data)
    return [m.rendered for m in caught.value.messages]


def test_a_valid_instance_decodes_from_json_and_from_plain_data() -> None:
    instance = decode_instance(msgspec.json.encode(BASE))
    assert instance == decode_instance(BASE)
    assert instance.entries[0] == Entry(id="t1", university="u1", region="华东")
    assert solve(BASE).assignment == [("t1", "j1")]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"k": 0}, "Expected `int` >= 1"),
        ({"scope": "planet"}, "scope"),
        ({"entries": [{"id": 17, "university": "u1"}]}, "Expected `str`, got `int`"),
        ({"judges": [{"id": "j1", "university": "u2", "min": -1}]}, ">= 0"),
        ({"affinity": [["t1", "j1", "high"]]}, "Expected `float`"),
        ({"colour": "red"}, "unknown field `colour`"),
    ],
)
def test_wrong_types_are_refused_with_msgspec_words(change: dict, words: str) -> None:
    (text,) = refusal(BASE | change)
    assert text.startswith("The instance is not valid:") and words in text


def test_missing_scope_and_json_that_is_not_json() -> None:
    data = dict(BASE)
    del data["scope"]
    assert "missing required field `scope`" in refusal(data)[0]
    with pytest.raises(InstanceError) as caught:
        decode_instance(b"{not json")
    assert caught.value.messages[0].id == "invalid_instance"


def test_unknown_and_duplicate_ids() -> None:
    texts = refusal(
        BASE
        | {
            "affinity": [["t1", "j9", 0.5], ["t8", "j1", 0.1]],
            "conflicts": [["t7", "j1"]],
            "pins": [["t1", "j6"]],
        }
    )
    assert texts == [
        "affinity names an unknown entry t8",
        "affinity names an unknown judge j9",
        "conflicts names an unknown entry t7",
        "pins names an unknown judge j6",
    ]
    doubled = BASE | {"entries": BASE["entries"] * 2, "judges": BASE["judges"] * 2}
    assert refusal(doubled) == ["Entry id t1 appears more than once", "Judge id j1 appears more than once"]


def test_affinity_must_be_finite_and_listed_once() -> None:
    instance = Instance(
        k=1,
        scope="national",
        entries=[Entry(id="t1", university="u1")],
        judges=[Judge(id="j1", university="u2"), Judge(id="j2", university="u3")],
        affinity=[("t1", "j1", math.nan), ("t1", "j2", 0.2), ("t1", "j2", 0.3)],
    )
    assert refusal(instance) == [
        "The affinity of entry t1 and judge j1 is not a finite number",
        "The affinity of entry t1 and judge j2 is listed more than once",
    ]


def test_minimum_above_maximum() -> None:
    data = BASE | {"judges": [{"id": "j1", "university": "u2", "min": 4, "max": 3}]}
    assert refusal(data) == ["Judge j1 has a minimum load of 4, above the maximum 3"]


def test_tiny_affinities_count_as_zero_without_overflow() -> None:
    solution = solve(BASE | {"affinity": [["t1", "j1", 5e-324]]})
    assert solution.status == "optimal" and solution.assignment == [("t1", "j1")]


def test_current_assignment_as_pairs_or_as_a_solution() -> None:
    assert decode_assignment(b'[["t1", "j1"]]') == [("t1", "j1")]
    assert decode_assignment(b'{"status": "optimal", "assignment": [["t1", "j1"]]}') == [("t1", "j1")]
    with pytest.raises(InstanceError):
        decode_assignment(b'{"status": "optimal"}')
