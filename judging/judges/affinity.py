"""How well a judge fits an entry: a pure function of the judge's tracks and expertise tags and the
entry's track (and its tags, once entries carry some). Simple enough to explain to a judge:

    affinity = track fit + tag fit, between 0 and 1.5
    track fit: 1.0 when the judge names the entry's track (among their tracks, or as a tag);
               0.5 when the judge names no track at all (a generalist);
               0.0 when the judge names only other tracks.
    tag fit:   0.5 x the share of the entry's tags that are among the judge's expertise tags
               (0 for an entry without tags).

Tags and track codes compare case-insensitively. Affinity only ranks judges for an entry: the hard
rules (conflicts, regions, one judge per university) are the solver's, never a low affinity.
"""

from collections.abc import Collection

TRACK_FIT = 1.0
GENERALIST_FIT = 0.5
TAG_WEIGHT = 0.5
MAX_AFFINITY = TRACK_FIT + TAG_WEIGHT


def normalise_tag(tag: str) -> str:
    """A tag as it is compared and stored: trimmed, inner spaces collapsed, lower case."""
    return " ".join(tag.split()).lower()


def affinity(
    judge_tracks: Collection[str], judge_tags: Collection[str], entry_track: str | None, entry_tags: Collection[str]
) -> float:
    """The affinity of a judge (their track codes and expertise tags) for an entry (its track code and
    tags); see the module's docstring."""
    tracks = {normalise_tag(t) for t in judge_tracks}
    tags = {normalise_tag(t) for t in judge_tags}
    track = normalise_tag(entry_track) if entry_track else None
    if track is not None and (track in tracks or track in tags):
        fit = TRACK_FIT
    elif not tracks:
        fit = GENERALIST_FIT
    else:
        fit = 0.0
    wanted = {normalise_tag(t) for t in entry_tags}
    if wanted:
        fit += TAG_WEIGHT * len(wanted & tags) / len(wanted)
    return fit
