"""Which given names a text carries: case-insensitive, NFKC, gaps allowed, short names ignored."""

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.checks import NameMatcher


def test_cjk_names_match_across_the_gaps_text_extraction_leaves():
    matcher = NameMatcher(["浙江大学", "星火队"])
    assert matcher.find("本项目由浙 江\n大学 星火队 完成") == ["浙江大学", "星火队"]
    assert matcher.find("浙江 工业大学") == []


def test_latin_names_match_whole_words_whatever_the_case_and_separators():
    matcher = NameMatcher(["Zhang Wei", "Anna"])
    assert matcher.find("by ZHANG_WEI and zhang-wei") == ["Zhang Wei"]
    assert matcher.find("zhangwei.pdf") == ["Zhang Wei"]
    assert matcher.find("Annapolis") == []
    assert matcher.find("anna.pdf") == ["Anna"]


def test_full_width_text_matches_half_width_names():
    assert NameMatcher(["Spark Team"]).find("ＳＰＡＲＫ　ＴＥＡＭ") == ["Spark Team"]
    assert NameMatcher(["ＳＰＡＲＫ队"]).find("spark队") == ["ＳＰＡＲＫ队"]


def test_short_names_are_ignored():
    matcher = NameMatcher(["李", "NJU", "Wu", "  ", ""])
    assert not matcher
    assert matcher.find("李 NJU Wu") == []
    assert NameMatcher(["李明", "Wu Di"]).find("李明 and wu di") == ["李明", "Wu Di"]


def test_a_name_given_twice_is_reported_once():
    assert NameMatcher(["星火队", "星火队 "]).find("星火队") == ["星火队"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="星火队浙江大学abcdefXYZ _-.\n", min_size=0, max_size=40))
def test_a_name_embedded_in_any_text_is_found(noise):
    matcher = NameMatcher(["星火队"])
    assert matcher.find(noise + "星火队" + noise) == ["星火队"]
