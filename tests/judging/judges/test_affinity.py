"""The affinity of a judge for an entry: track fit plus tag fit, as documented."""

import pytest

from judging.judges.affinity import MAX_AFFINITY, affinity


@pytest.mark.parametrize(
    ("tracks", "tags", "track", "entry_tags", "expected"),
    [
        (["app"], [], "app", [], 1.0),
        (["game"], [], "app", [], 0.0),
        ([], [], "app", [], 0.5),  # a generalist
        (["game"], ["APP"], "app", [], 1.0),  # the track named as a tag, in any case
        (["app"], ["ai", "health"], "app", ["ai", "education"], 1.25),
        ([], ["ai"], "app", ["AI"], 1.0),
        (["app"], ["ai"], "app", ["ai"], MAX_AFFINITY),
        (["app"], [], None, [], 0.0),
    ],
)
def test_affinity(tracks, tags, track, entry_tags, expected):
    assert affinity(tracks, tags, track, entry_tags) == pytest.approx(expected)
