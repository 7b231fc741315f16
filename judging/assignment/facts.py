"""Reading what a run decides from: the round's settings, its entries, its available judges with their
loads, the conflicts, the organizers' pins and forbids; and the labels that turn solver ids back into
names."""

from collections import Counter
from typing import Any

import msgspec

from contest.lib.db import json_value
from judging.assignment.inputs import EntryFacts, Facts, JudgeFacts, Options, entry_id, judge_id
from judging.assignment.tables import Assignment, AssignmentRule, JudgedEntry, PairStatus, RoundJudging, RuleKind
from judging.conflicts import queries as conflicts
from judging.conflicts.rules import TeamSide, listed_pairs
from judging.judges import queries as judges
from judging.judges.queries import RoundLoad
from judging.judges.schemas import JudgeOut
from judging.teams import TeamFacts, round_teams


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """A round's assignment settings (RoundJudging, or the defaults)."""

    k: int
    scope_rule: str = "same"
    one_judge_per_university: bool = True
    connected: bool = False
    calibration_entries: int = 0
    late_margin_hours: int = 24
    reassigned_review_hours: int = 72


def default_k(round_row: dict[str, Any]) -> int:
    """DESIGN: 3 judges per entry in the (regional) preliminaries, 5 in later rounds."""
    return 3 if round_row["scope"] == "regional" and round_row["position"] <= 1 else 5


async def settings_of(round_row: dict[str, Any]) -> Settings:
    row = await RoundJudging.select().where(RoundJudging.round == round_row["id"]).first()
    if row is None:
        return Settings(k=default_k(round_row))
    return Settings(**{f: row[f] for f in Settings.__struct_fields__})


def solver_scope(round_row: dict[str, Any], settings: Settings) -> str:
    if settings.scope_rule == "other_regions":
        return "other_regions"
    return "region" if round_row["scope"] == "regional" else "national"


class Scene(msgspec.Struct, kw_only=True):
    """The facts and what goes with them: the teams and judges read, and the names of solver ids."""

    facts: Facts
    teams: dict[int, TeamFacts]
    judges: dict[int, JudgeOut]
    labels: dict[str, tuple[str, str]]


def labels_of(teams: dict[int, TeamFacts], judges_: dict[int, JudgeOut]) -> dict[str, tuple[str, str]]:
    """Solver ids -> (Chinese, English) names, for the explanations."""
    labels: dict[str, tuple[str, str]] = {}
    for team in teams.values():
        labels[entry_id(team.team_id)] = (team.name, team.name)
        labels[f"U{team.university_id}"] = (team.university.zh, team.university.en or team.university.zh)
        labels[team.region_code] = (team.region.zh, team.region.en or team.region.zh)
    for judge in judges_.values():
        labels[judge_id(judge.user_id)] = (judge.name, judge.name)
        if judge.university_id is not None and judge.university is not None:
            labels[f"U{judge.university_id}"] = (judge.university.zh, judge.university.en or judge.university.zh)
        if judge.region_code and judge.region is not None:
            labels[judge.region_code] = (judge.region.zh, judge.region.en or judge.region.zh)
    return labels


async def extra_judges(round_id: int) -> dict[int, int]:
    """Judges arbitration added per entry of the round."""
    rows = await JudgedEntry.select(JudgedEntry.team, JudgedEntry.extra_judges).where(
        (JudgedEntry.round == round_id) & (JudgedEntry.extra_judges > 0)
    )
    return {r["team"]: r["extra_judges"] for r in rows}


async def rules_of(round_id: int) -> list[dict[str, Any]]:
    return await AssignmentRule.select().where(AssignmentRule.round == round_id).order_by(AssignmentRule.id)


async def round_scene(
    round_row: dict[str, Any],
    settings: Settings,
    *,
    region_id: int | None = None,
    keep: set[tuple[int, int]] | None = None,
) -> Scene:
    """The facts of a run of the round (of one region's entries when `region_id` is given).

    A region's run uses that region's judges and the national ones; a national judge's loads there
    are what is left after their published pairs of the round's other entries, so runs of different
    regions never overload one judge together. Pairs in `keep` (reviews already submitted) are pinned,
    their judges kept even when no longer available (then without room for any other entry)."""
    round_id, contest_id = int(round_row["id"]), int(round_row["contest"])
    teams = await round_teams(round_row)
    if region_id is not None:
        teams = {t: f for t, f in teams.items() if f.region_id == region_id}
    every = await judges.judges(contest_id)
    loads = await judges.round_loads(round_id, every, online=round_row["kind"] == "online")
    # A region's run uses that region's judges and the national ones (other regions' judges when the
    # round's rule sends judges to the other regions).
    anywhere = region_id is None or settings.scope_rule == "other_regions"
    chosen = [j for j in every if loads[j.user_id].available and (anywhere or j.region_id in (None, region_id))]
    kept = {pair for pair in keep or set() if pair[0] in teams}
    chosen_ids = {j.user_id for j in chosen}
    held: Counter[int] = Counter(judge for _, judge in kept if judge not in chosen_ids)
    chosen += [j for j in every if j.user_id in held]
    elsewhere: Counter[int] = Counter()
    if region_id is not None:
        rows = await Assignment.select(Assignment.team, Assignment.judge).where(
            (Assignment.round == round_id) & (Assignment.status == PairStatus.ACTIVE.value)
        )
        elsewhere.update(r["judge"] for r in rows if r["team"] not in teams)
    extra = await extra_judges(round_id)
    stated = await conflicts.stated(contest_id, [j.user_id for j in chosen])
    sides = [
        TeamSide(team_id=t.team_id, university_id=t.university_id, university=t.university.zh, advisors=t.advisors)
        for t in teams.values()
    ]
    forbidden = listed_pairs([j.user_id for j in chosen], sides, stated)
    judge_set = {j.user_id for j in chosen}
    pins: list[tuple[int, int]] = sorted(kept)
    for rule in await rules_of(round_id):
        pair = (int(rule["team"]), int(rule["judge"]))
        if pair[0] not in teams or pair[1] not in judge_set:
            continue
        if rule["kind"] == RuleKind.FORBID.value:
            forbidden.setdefault(pair, "forbid")
        else:
            pins.append(pair)
    facts = Facts(
        options=Options(
            k=settings.k,
            scope=solver_scope(round_row, settings),  # type: ignore[arg-type]
            one_judge_per_university=settings.one_judge_per_university,
            connected=settings.connected,
            calibration_entries=settings.calibration_entries,
        ),
        entries=[
            EntryFacts(
                team_id=t.team_id,
                university_id=t.university_id,
                region=t.region_code,
                track=t.track_code,
                k=settings.k + extra[t.team_id] if t.team_id in extra else None,
            )
            for t in sorted(teams.values(), key=lambda t: t.team_id)
        ],
        judges=[
            _judge_facts(j, loads[j.user_id], elsewhere[j.user_id], held.get(j.user_id))
            for j in sorted(chosen, key=lambda j: j.user_id)
        ],
        forbidden=sorted((t, u, kind) for (t, u), kind in forbidden.items()),
        pins=sorted(set(pins)),
    )
    people = {j.user_id: j for j in every}
    return Scene(facts=facts, teams=teams, judges=people, labels=labels_of(teams, people))


def _judge_facts(judge: JudgeOut, load: RoundLoad, elsewhere: int, held: int | None) -> JudgeFacts:
    """A judge's facts for a run: loads less what they review elsewhere in the round; a judge only
    kept for their submitted reviews takes nothing more."""
    high: int | None
    if held is not None:
        low, high = 0, held
    else:
        low = max(load.min_load - elsewhere, 0)
        high = None if load.max_load is None else max(load.max_load - elsewhere, 0)
    return JudgeFacts(
        user_id=judge.user_id,
        university_id=judge.university_id,
        region=judge.region_code,
        tracks=judge.track_codes,
        tags=judge.expertise,
        min=low,
        max=high,
    )


def stored_facts(value: Any) -> Facts:
    """A run's facts as stored (JSON)."""
    return msgspec.convert(json_value(value), Facts)
