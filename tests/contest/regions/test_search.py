"""University search as people type it: Chinese name, abbreviation, pinyin, initials, English."""

import pytest

from contest.regions.search import like_patterns, normalise_query, rank, search_keys
from contest.regions.service import UniversityRow, add_universities, search_universities
from tests import factories as f


def test_search_keys_read_polyphones_in_context():
    assert search_keys("浙江大学") == ("zhejiangdaxue", "zjdx")
    assert search_keys("重庆大学") == ("chongqingdaxue", "cqdx")
    assert search_keys("厦门大学") == ("xiamendaxue", "xmdx")


@pytest.mark.parametrize("query", ["浙江大学", "浙大", "zju", "zhejiang", "ZJDX", "ｚｊｕ", "Zhejiang University"])
def test_every_way_of_naming_it_finds_it(query):
    q = normalise_query(query)
    assert rank(q, "浙江大学", "Zhejiang University", "zhejiangdaxue", "zjdx") is not None
    assert like_patterns(q)  # and the database is asked for candidates


def test_better_matches_come_first():
    full = rank("浙江大学", "浙江大学", "Zhejiang University", "zhejiangdaxue", "zjdx")
    abbreviation = rank("浙大", "浙江大学", "Zhejiang University", "zhejiangdaxue", "zjdx")
    assert full is not None and abbreviation is not None and full < abbreviation
    assert rank("浙大", "北京大学", "Peking University", "beijingdaxue", "bjdx") is None
    assert rank("zju", "清华大学", "Tsinghua University", "qinghuadaxue", "qhdx") is None


def test_wildcards_typed_are_not_obeyed():
    assert all("_" not in p.replace("%", "") for p in like_patterns("a_b%c").values())


async def test_the_service_finds_and_orders_by_pinyin(service_db):
    await add_universities(
        [
            UniversityRow("浙江大学", "Zhejiang University", "浙江"),
            UniversityRow("浙江工业大学", "Zhejiang University of Technology", "浙江"),
            UniversityRow("北京大学", "Peking University", "北京"),
            UniversityRow("安徽大学", "Anhui University", "安徽"),
        ]
    )
    for query in ("浙大", "zju", "zhejiang", "浙江大学", "zhejiang university"):
        found = [u.name_zh for u in await search_universities(query)]
        assert found[0] == "浙江大学", (query, found)
        assert "北京大学" not in found
    everything = [u.name_zh for u in await search_universities("", limit=1000)]
    chosen = [n for n in everything if n in {"安徽大学", "北京大学", "浙江大学"}]
    assert chosen == ["安徽大学", "北京大学", "浙江大学"]  # pinyin order: anhui, beijing, zhejiang


async def test_the_api_searches_the_same_way(client, app_settings):
    await f.university(name="浙江大学", province="浙江")
    await f.university(name="北京大学")
    response = await client.get("/api/v1/universities", params={"q": "zju"})
    assert response.status_code == 200
    assert [u["name_zh"] for u in response.json()] == ["浙江大学"]
