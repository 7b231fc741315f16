"""The AppID: "wx" and 16 lower-case hex digits, and a message that says what is wrong."""

import pytest

from storage.checks import check_appid


@pytest.mark.parametrize(
    ("typed", "problem", "params"),
    [
        ("", "appid_empty", {}),
        ("  \t ", "appid_empty", {}),
        ("wx0123 456789abcdef", "appid_inner_space", {"value": "wx0123 456789abcdef"}),
        ("tt0123456789abcdef", "appid_prefix", {"value": "tt0123456789abcdef"}),
        ("0123456789abcdef", "appid_prefix", {"value": "0123456789abcdef"}),
        ("wx0123456789abcde", "appid_length", {"value": "wx0123456789abcde", "count": 15}),
        ("wx0123456789abcdef0", "appid_length", {"value": "wx0123456789abcdef0", "count": 17}),
        ("wx0123456789ABCDEF", "appid_uppercase", {"suggestion": "wx0123456789abcdef"}),
        ("WX0123456789abcdef", "appid_uppercase", {"suggestion": "wx0123456789abcdef"}),
        ("wx0123456789abcdeg", "appid_not_hex", {"value": "wx0123456789abcdeg", "chars": "g"}),
        ("wx01234567-9abcdeZ", "appid_not_hex", {"value": "wx01234567-9abcdeZ", "chars": "-Z"}),
    ],
)
def test_a_malformed_appid_says_what_is_wrong(typed, problem, params):
    result = check_appid(typed)
    assert not result.ok
    assert [(m.id, m.params) for m in result.problems] == [(problem, params)]
    assert result.facts.appid is None


def test_surrounding_whitespace_is_trimmed_silently():
    result = check_appid("  wx0123456789abcdef\n")
    assert result.ok and result.facts.appid == "wx0123456789abcdef" and result.notes == []


def test_full_width_characters_are_converted_with_a_note():
    result = check_appid("ｗｘ０１２３４５６７８９ａｂｃｄｅｆ\u3000")
    assert result.ok and result.facts.appid == "wx0123456789abcdef"
    assert [(m.id, m.params) for m in result.notes] == [("appid_normalised", {"value": "wx0123456789abcdef"})]
