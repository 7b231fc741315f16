"""From the facts a run reads to the solver's instance, and from its solution to the preview's figures.

Pure (the service reads the facts and stores what comes back). The facts are what the run keeps: the
instance without its affinities (recomputed here with `judging.judges.affinity`, so a run of 6,000
entries does not store millions of numbers) plus the tracks and tags they come from.

Solver ids: an entry is "T<team id>", a judge "J<user id>", a university "U<id>" (a judge without one
gets a university of their own), a region its code.
"""

import hashlib
import re
from collections import Counter
from typing import Literal

import msgspec
import numpy as np

from judging.assignment.model import Entry, Instance, Judge, Solution
from judging.assignment.problem import scope_mask
from judging.judges.affinity import MAX_AFFINITY, affinity

Scope = Literal["region", "national", "other_regions"]
BINS = 6  # affinity histogram bars over [0, MAX_AFFINITY]
WORST = 10  # worst entries shown in the preview


class EntryFacts(msgspec.Struct, frozen=True, kw_only=True):
    team_id: int
    university_id: int
    region: str
    track: str
    tags: list[str] = []
    # Judges this entry needs when not the round's k (arbitration adds some).
    k: int | None = None


class JudgeFacts(msgspec.Struct, frozen=True, kw_only=True):
    user_id: int
    university_id: int | None
    # None: a national judge.
    region: str | None
    tracks: list[str] = []
    tags: list[str] = []
    min: int = 0
    max: int | None = None


class Options(msgspec.Struct, frozen=True, kw_only=True):
    k: int
    scope: Scope
    one_judge_per_university: bool = True
    connected: bool = False
    calibration_entries: int = 0


class Facts(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a run decides from. `forbidden` lists (team, judge, kind) pairs besides the
    same-university ones (advisor, declared, organizer, forbid, ended); `pins` (team, judge)."""

    options: Options
    entries: list[EntryFacts]
    judges: list[JudgeFacts]
    forbidden: list[tuple[int, int, str]] = []
    pins: list[tuple[int, int]] = []


def entry_id(team_id: int) -> str:
    return f"T{team_id}"


def judge_id(user_id: int) -> str:
    return f"J{user_id}"


def team_of(entry: str) -> int:
    return int(entry[1:])


def user_of(judge: str) -> int:
    return int(judge[1:])


def _university(judge: JudgeFacts) -> str:
    return f"U{judge.university_id}" if judge.university_id is not None else f"{judge_id(judge.user_id)}-U"


def input_version(facts: Facts) -> str:
    """A digest of the facts: two runs with equal versions had the same input."""
    return hashlib.sha256(msgspec.json.encode(facts)).hexdigest()


def affinity_matrix(facts: Facts) -> np.ndarray:
    """(entries, judges) affinities, computed once per kind of entry (track and tags)."""
    kinds: dict[tuple[str, tuple[str, ...]], int] = {}
    entry_kind = np.array(
        [kinds.setdefault((e.track, tuple(sorted(e.tags))), len(kinds)) for e in facts.entries], dtype=np.int64
    )
    values = np.zeros((len(kinds), len(facts.judges)))
    for (track, tags), row in kinds.items():
        values[row] = [affinity(j.tracks, j.tags, track, tags) for j in facts.judges]
    return values[entry_kind] if len(facts.entries) else np.zeros((0, len(facts.judges)))


def in_scope(facts: Facts) -> np.ndarray:
    """(entries, judges): which judges the round's region rule allows for which entries."""
    names: dict[str, int] = {}
    entry_region = np.array([names.setdefault(e.region, len(names)) for e in facts.entries], dtype=np.int64)
    judge_region = np.array(
        [-1 if j.region is None else names.setdefault(j.region, len(names)) for j in facts.judges], dtype=np.int64
    )
    return scope_mask(facts.options.scope, entry_region, judge_region)


def instance_of(facts: Facts) -> Instance:
    """The solver's instance: affinities listed for the pairs in scope that have any."""
    entries = [entry_id(e.team_id) for e in facts.entries]
    judges = [judge_id(j.user_id) for j in facts.judges]
    values = affinity_matrix(facts) * in_scope(facts)
    es, js = np.nonzero(values)
    options = facts.options
    return Instance(
        k=options.k,
        entries=[
            Entry(id=entries[i], university=f"U{e.university_id}", region=e.region, track=e.track, k=e.k)
            for i, e in enumerate(facts.entries)
        ],
        judges=[
            Judge(id=judges[i], university=_university(j), region=j.region, min=j.min, max=j.max)
            for i, j in enumerate(facts.judges)
        ],
        scope=options.scope,
        affinity=[(entries[e], judges[j], float(values[e, j])) for e, j in zip(es.tolist(), js.tolist(), strict=True)],
        conflicts=sorted({(entry_id(t), judge_id(u)) for t, u, _ in facts.forbidden}),
        pins=[(entry_id(t), judge_id(u)) for t, u in facts.pins],
        one_judge_per_university=options.one_judge_per_university,
        connected=options.connected,
        calibration_entries=options.calibration_entries,
    )


class LoadRow(msgspec.Struct, frozen=True, kw_only=True):
    judge_id: int
    load: int
    min: int
    max: int | None


class Bar(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    count: int


class WorstEntry(msgspec.Struct, frozen=True, kw_only=True):
    team_id: int
    mean: float
    judges: list[int]


class Figures(msgspec.Struct, kw_only=True):
    """The preview of a draft: loads, how well entries are matched, what the rules ruled out."""

    entries: int
    judges: int
    reviews: int
    total_affinity: float
    affinity_bound: float | None
    mean_affinity: float
    load_spread: int
    loads: list[LoadRow]
    load_histogram: list[Bar]
    affinity_histogram: list[Bar]
    worst: list[WorstEntry]
    # Pairs in the round's scope that a rule forbids, by rule (same_university, advisor, declared_team ...).
    forbidden: dict[str, int]
    # Judges the run could not use at all (no eligible entry).
    idle_judges: int
    # Per region: connected components of the judges' graph (1: per-judge bias can be estimated).
    components: dict[str, int]
    calibration: dict[str, int]
    # The entries' team names as the run read them (the draft's search).
    team_names: dict[int, str] = {}


def draft_pairs(facts: Facts, solution: Solution) -> list[tuple[int, int, str]]:
    """The solution as (team, judge, source) triples, pins marked as such."""
    pinned = set(facts.pins)
    out = []
    for entry, judge in solution.assignment:
        pair = (team_of(entry), user_of(judge))
        out.append((*pair, "pin" if pair in pinned else "auto"))
    return out


def _short(value: float) -> str:
    """0.25 -> ".25", 1.0 -> "1": bin edges short enough to label a narrow bar."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.removeprefix("0") if text.startswith("0.") else text


def _histogram(values: list[float]) -> list[Bar]:
    width = MAX_AFFINITY / BINS
    counts = Counter(min(int(v / width), BINS - 1) for v in values)
    return [Bar(label=f"{_short(i * width)}–{_short((i + 1) * width)}", count=counts.get(i, 0)) for i in range(BINS)]


def _load_histogram(loads: list[int]) -> list[Bar]:
    counts = Counter(loads)
    return [Bar(label=str(load), count=counts[load]) for load in sorted(counts)]


def figures_of(
    facts: Facts,
    pairs: list[tuple[int, int, str]],
    solution: Solution | None = None,
    team_names: dict[int, str] | None = None,
) -> Figures:
    """The preview's figures of a draft (`solution` adds the solver's bound and connectivity)."""
    values = affinity_matrix(facts)
    entry_index = {e.team_id: i for i, e in enumerate(facts.entries)}
    judge_index = {j.user_id: i for i, j in enumerate(facts.judges)}
    per_entry: dict[int, list[int]] = {e.team_id: [] for e in facts.entries}
    load: Counter[int] = Counter()
    total = 0.0
    for team, judge, _ in pairs:
        per_entry.setdefault(team, []).append(judge)
        load[judge] += 1
        if team in entry_index and judge in judge_index:
            total += float(values[entry_index[team], judge_index[judge]])
    means = {
        team: (
            sum(float(values[entry_index[team], judge_index[j]]) for j in judges if j in judge_index) / len(judges)
            if judges and team in entry_index
            else 0.0
        )
        for team, judges in per_entry.items()
    }
    worst = sorted(means, key=lambda t: (means[t], t))[:WORST]
    scope = in_scope(facts)
    same = np.array([[e.university_id] for e in facts.entries]) == np.array(
        [[-1 if j.university_id is None else j.university_id for j in facts.judges]]
    )
    forbidden: Counter[str] = Counter()
    if len(facts.entries) and len(facts.judges):
        forbidden["same_university"] = int((same & scope).sum())
    for team, judge, kind in facts.forbidden:
        if team in entry_index and judge in judge_index and scope[entry_index[team], judge_index[judge]]:
            forbidden[kind] += 1
    eligible = scope & ~same if len(facts.entries) else np.zeros((0, len(facts.judges)), dtype=bool)
    loads = [LoadRow(judge_id=j.user_id, load=load[j.user_id], min=j.min, max=j.max) for j in facts.judges]
    counts = [row.load for row in loads]
    return Figures(
        entries=len(facts.entries),
        judges=len(facts.judges),
        reviews=len(pairs),
        total_affinity=round(total, 4),
        affinity_bound=None
        if solution is None or solution.affinity_bound is None
        else round(solution.affinity_bound, 4),
        mean_affinity=round(total / len(pairs), 4) if pairs else 0.0,
        load_spread=(max(counts) - min(counts)) if counts else 0,
        loads=loads,
        load_histogram=_load_histogram(counts),
        affinity_histogram=_histogram(list(means.values())),
        worst=[WorstEntry(team_id=t, mean=round(means[t], 4), judges=per_entry[t]) for t in worst],
        forbidden=dict(sorted(forbidden.items())),
        idle_judges=int((~eligible.any(axis=0)).sum()) if len(facts.judges) else 0,
        components=dict(solution.components) if solution is not None else {},
        calibration=dict(solution.calibration) if solution is not None else {},
        team_names=dict(team_names or {}),
    )


TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def relabel(value: object, labels: dict[str, tuple[str, str]]) -> object:
    """A message parameter with solver ids replaced by names: a whole value that is an id becomes
    {"zh": ..., "en": ...}; ids inside a text (a sample list) are replaced in each language."""
    if not isinstance(value, str):
        return value
    if value in labels:
        zh, en = labels[value]
        return {"zh": zh, "en": en}
    if not any(token in labels for token in TOKEN.findall(value)):
        return value
    return {
        "zh": TOKEN.sub(lambda m: labels[m.group(0)][0] if m.group(0) in labels else m.group(0), value),
        "en": TOKEN.sub(lambda m: labels[m.group(0)][1] if m.group(0) in labels else m.group(0), value),
    }
