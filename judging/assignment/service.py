"""Assignment runs: settings, running the solver as a job, the draft and its preview, pins, forbids and
swaps on the draft, and publication.

A run reads the round's facts, solves them in the worker and keeps a draft; organizers adjust it (each
pin, forbid or swap re-solves only the entries it touches) and publish it. Publishing turns the draft
into the round's pairs in one transaction: pairs in both stay, new ones start, the others end as
replaced; it is audited and the judges are told. Nothing published changes until then, and a run whose
input did not change gives the same draft again (the solver is deterministic).
"""

import asyncio
from collections import Counter, defaultdict
from typing import Any

import msgspec

from contest.accounts import service as accounts
from contest.lib.audit import service as audit
from contest.lib.db import json_value, write_transaction
from contest.lib.errors import InvalidInput, InvalidState, Msg, NotFound
from contest.lib.mail import limits as mail_limits
from contest.lib.outbox import service as outbox
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.regions import service as regions
from contest.rounds import service as rounds
from judging.assignment import access, queries
from judging.assignment.common import (
    ENTRIES_GONE,
    NEW_ENTRIES,
    active_in,
    digest,
    ensure_codes,
    message_outs,
    notify,
    round_name,
    stored_messages,
)
from judging.assignment.facts import Settings, labels_of, round_scene, settings_of, stored_facts
from judging.assignment.incremental import reassign
from judging.assignment.inputs import (
    TOKEN,
    Facts,
    Figures,
    draft_pairs,
    entry_id,
    figures_of,
    input_version,
    instance_of,
    judge_id,
    team_of,
    user_of,
)
from judging.assignment.messages import InstanceError, Message
from judging.assignment.model import Change, Solution
from judging.assignment.schemas import (
    DraftEntryOut,
    DraftJudgeOut,
    DraftOut,
    LoadOut,
    PairIn,
    PublishOut,
    RuleOut,
    RunIn,
    RunOut,
    SettingsIn,
    SettingsOut,
    SwapIn,
)
from judging.assignment.solver import solve
from judging.assignment.tables import (
    OPEN_RUNS,
    Assignment,
    AssignmentRule,
    AssignmentRun,
    PairSource,
    PairStatus,
    RoundJudging,
    RuleKind,
    RunStatus,
)
from judging.judges import queries as judges
from judging.judges.affinity import affinity
from judging.sheets import queries as sheets  # noqa: F401  (registers its lock source: submitted sheets stay)
from judging.teams import team_facts

Triple = tuple[int, int, str]
PIN_REFUSED = "This pin breaks a rule; nothing changed."
FORBID_REFUSED = "No other judge can take this entry; nothing changed."
SWAP_REFUSED = "This swap breaks a rule; nothing changed."


# ---------------------------------------------------------------- settings


def _settings_out(round_id: int, settings: Settings) -> SettingsOut:
    return SettingsOut(round_id=round_id, **msgspec.structs.asdict(settings))


async def settings_for(actor: Principal, round_id: int) -> SettingsOut:
    """A round's assignment settings (the defaults until national organizers change them)."""
    row = await rounds.round_row(round_id)
    access.organizer_regions(actor, int(row["contest"]))
    return _settings_out(round_id, await settings_of(row))


async def update_settings(rt: Runtime, actor: Principal, round_id: int, data: SettingsIn) -> SettingsOut:
    """Change how the round's entries are assigned; later runs use it, published pairs stay."""
    values = msgspec.structs.asdict(data)
    async with write_transaction():
        row = await rounds.round_row(round_id)
        access.require_national(actor, int(row["contest"]))
        before = msgspec.structs.asdict(await settings_of(row))
        existing = await RoundJudging.select(RoundJudging.id).where(RoundJudging.round == round_id).first()
        if existing is None:
            await RoundJudging.insert(RoundJudging(round=round_id, updated_at=rt.clock.now(), **values))
        else:
            await RoundJudging.update(
                {**{getattr(RoundJudging, k): v for k, v in values.items()}, RoundJudging.updated_at: rt.clock.now()}
            ).where(RoundJudging.id == existing["id"])
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="assignment.settings",
            object_type="round",
            object_id=round_id,
            before=before,
            after=values,
        )
    return _settings_out(round_id, Settings(**values))


# ---------------------------------------------------------------- runs


async def _run_row(run_id: int) -> dict[str, Any]:
    row = await AssignmentRun.select().where(AssignmentRun.id == run_id).first()
    if row is None:
        raise NotFound("No such assignment run.")
    return dict(row)


async def _visible_run(actor: Principal, run_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    run = await _run_row(run_id)
    round_row = await rounds.round_row(run["round"])
    if not access.may_see(actor, int(round_row["contest"]), run["region"]):
        raise NotFound("No such assignment run.")
    return run, round_row


async def _names(user_ids: list[int | None]) -> dict[int, str]:
    people = await accounts.accounts([u for u in user_ids if u is not None])
    return {u: a.name for u, a in people.items()}


async def _run_out(run: dict[str, Any], names: dict[int, str] | None = None) -> RunOut:
    if names is None:
        names = await _names([run["created_by"], run["published_by"]])
    region = None
    if run["region"] is not None:
        found = [r for r in await regions.list_regions() if r.id == run["region"]]
        region = Name(found[0].name_zh, found[0].name_en) if found else None
    same = None
    if run["input_version"]:
        earlier = (
            await AssignmentRun.select(AssignmentRun.id)
            .where(
                (AssignmentRun.round == run["round"])
                & (AssignmentRun.input_version == run["input_version"])
                & (AssignmentRun.id < run["id"])
                & (AssignmentRun.region.is_null() if run["region"] is None else AssignmentRun.region == run["region"])
            )
            .order_by(AssignmentRun.id, ascending=False)
            .first()
        )
        same = None if earlier is None else int(earlier["id"])
    figures = json_value(run["figures"])
    pairs = json_value(run["pairs"]) or []
    return RunOut(
        id=run["id"],
        round_id=run["round"],
        region_id=run["region"],
        region=region,
        status=run["status"],
        progress=run["progress"],
        stage=run["stage"],
        input_version=run["input_version"],
        same_input_as=same,
        created_by=names.get(run["created_by"], "") if run["created_by"] else "",
        created_at=run["created_at"],
        started_at=run["started_at"],
        finished_at=run["finished_at"],
        published_by=names.get(run["published_by"], "") if run["published_by"] else "",
        published_at=run["published_at"],
        explanation=message_outs(run["explanation"]),
        error=run["error"],
        figures=None if figures is None else msgspec.convert(figures, Figures, strict=False),
        pairs=len(pairs),
    )


def _scope_where(round_id: int, region_id: int | None) -> Any:
    where: Any = AssignmentRun.round == round_id
    return where & (AssignmentRun.region.is_null() if region_id is None else AssignmentRun.region == region_id)


async def start_run(rt: Runtime, actor: Principal, round_id: int, data: RunIn) -> RunOut:
    """Queue a run of the round (of one region with `region_id`). While one of the same scope is
    queued or running, that one is returned instead of a second."""
    async with write_transaction():
        round_row = await rounds.round_row(round_id)
        access.require_scope(actor, round_row, data.region_id)
        if data.region_id is not None and not await regions.region_exists(data.region_id):
            raise InvalidInput("Unknown region.", {"region_id": "unknown"})
        running = (
            await AssignmentRun.select()
            .where(_scope_where(round_id, data.region_id) & AssignmentRun.status.is_in(list(OPEN_RUNS)))
            .first()
        )
        if running is not None:
            return await _run_out(running)
        settings = await settings_of(round_row)
        rows = await AssignmentRun.insert(
            AssignmentRun(
                round=round_id,
                region=data.region_id,
                options=msgspec.structs.asdict(settings),
                created_by=audit_id(actor),
                created_at=rt.clock.now(),
                stage="queued",
            )
        )
        run_id = int(rows[0]["id"])
        await outbox.enqueue(rt.clock, "assignment_run", outbox.job_id("assignment-run", run_id, 1), run_id=run_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="assignment.run",
            object_type="round",
            object_id=round_id,
            after={"run": run_id, "region": data.region_id},
        )
    return await run_of(actor, run_id)


async def run_of(actor: Principal, run_id: int) -> RunOut:
    """A run with its status, progress, explanation and preview figures."""
    run, _ = await _visible_run(actor, run_id)
    return await _run_out(run)


async def runs_of(actor: Principal, round_id: int) -> list[RunOut]:
    """The round's runs the actor may see, newest first."""
    round_row = await rounds.round_row(round_id)
    access.organizer_regions(actor, int(round_row["contest"]))
    rows = (
        await AssignmentRun.select().where(AssignmentRun.round == round_id).order_by(AssignmentRun.id, ascending=False)
    )
    visible = [r for r in rows if access.may_see(actor, int(round_row["contest"]), r["region"])]
    names = await _names([u for r in visible for u in (r["created_by"], r["published_by"])])
    return [await _run_out(r, names) for r in visible]


async def _progress(run_id: int, progress: int, stage: str, **values: Any) -> None:
    async with write_transaction():
        await AssignmentRun.update(
            {
                AssignmentRun.progress: progress,
                AssignmentRun.stage: stage,
                **{getattr(AssignmentRun, k): v for k, v in values.items()},
            }
        ).where(AssignmentRun.id == run_id)


async def run_job(rt: Runtime, run_id: int) -> str:
    """The job: read the facts, solve in a thread, keep the draft (or the explanation). A repeated
    delivery of a finished run does nothing; one interrupted midway starts over."""
    run = await _run_row(run_id)
    if run["status"] not in OPEN_RUNS:
        return str(run["status"])
    await _progress(run_id, 5, "reading", status=RunStatus.RUNNING.value, started_at=rt.clock.now())
    round_row = await rounds.round_row(run["round"])
    settings = msgspec.convert(json_value(run["options"]), Settings)
    try:
        locked = await queries.locked_pairs(run["round"])
        scene = await round_scene(round_row, settings, region_id=run["region"], keep=locked)
        base = digest((r["team"], r["judge"]) for r in await active_in(run["round"], scene.teams))
        await _progress(run_id, 30, "solving", input_version=input_version(scene.facts), base_digest=base)
        solution = await asyncio.to_thread(solve, instance_of(scene.facts))
    except InstanceError as error:
        await _finish(rt, run, RunStatus.FAILED, explanation=stored_messages(error.messages, {}))
        return RunStatus.FAILED.value
    if solution.status != "optimal":
        await _finish(
            rt,
            run,
            RunStatus.INFEASIBLE,
            facts=msgspec.to_builtins(scene.facts),
            explanation=stored_messages(solution.explanation, scene.labels),
        )
        return RunStatus.INFEASIBLE.value
    await _progress(run_id, 90, "figures")
    pairs = draft_pairs(scene.facts, solution)
    await _finish(
        rt,
        run,
        RunStatus.DRAFT,
        facts=msgspec.to_builtins(scene.facts),
        pairs=[list(p) for p in pairs],
        figures=msgspec.to_builtins(
            figures_of(scene.facts, pairs, solution, {t: f.name for t, f in scene.teams.items()})
        ),
        explanation=stored_messages(solution.explanation, scene.labels),
    )
    return RunStatus.DRAFT.value


async def _finish(rt: Runtime, run: dict[str, Any], status: RunStatus, **values: Any) -> None:
    """End a run; a new draft supersedes the older drafts of its scope."""
    async with write_transaction():
        if status == RunStatus.DRAFT:
            await AssignmentRun.update({AssignmentRun.status: RunStatus.SUPERSEDED.value}).where(
                _scope_where(run["round"], run["region"])
                & (AssignmentRun.status == RunStatus.DRAFT.value)
                & (AssignmentRun.id != run["id"])
            )
        await AssignmentRun.update(
            {
                AssignmentRun.status: status.value,
                AssignmentRun.progress: 100,
                AssignmentRun.stage: "done",
                AssignmentRun.finished_at: rt.clock.now(),
                **{getattr(AssignmentRun, k): v for k, v in values.items()},
            }
        ).where(AssignmentRun.id == run["id"])


async def fail_run(rt: Runtime, run_id: int, error: str) -> None:
    """Record that the job broke (after its last try), so the page stops waiting."""
    run = await _run_row(run_id)
    if run["status"] in OPEN_RUNS:
        await _finish(rt, run, RunStatus.FAILED, error=error[:2000])


# ---------------------------------------------------------------- the draft


def _pairs(run: dict[str, Any]) -> list[Triple]:
    return [(int(t), int(j), str(s)) for t, j, s in json_value(run["pairs"]) or []]


async def draft_of(
    actor: Principal, run_id: int, *, q: str = "", judge_id_: int | None = None, page: int = 1, per_page: int = 50
) -> DraftOut:
    """One page of the draft's entries (filtered by a team name or one judge) with their judges and
    affinities, and every judge's load. Only the page's teams are read (names for the search come
    from the run)."""
    run, round_row = await _visible_run(actor, run_id)
    facts = stored_facts(run["facts"]) if run["facts"] is not None else None
    out = await _run_out(run)
    if facts is None:
        return DraftOut(run=out, total=0, entries=[], loads=[])
    contest_id = int(round_row["contest"])
    pairs = _pairs(run)
    names = out.figures.team_names if out.figures is not None else {}
    people = {j.user_id: j for j in await judges.judges(contest_id, [j.user_id for j in facts.judges])}
    entries = {e.team_id: e for e in facts.entries}
    judge_facts = {j.user_id: j for j in facts.judges}
    per_entry: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for team, judge, source in pairs:
        per_entry[team].append((judge, source))
    needle = q.strip().lower()
    wanted = [
        e.team_id
        for e in facts.entries
        if (not needle or needle in names.get(e.team_id, "").lower())
        and (judge_id_ is None or any(j == judge_id_ for j, _ in per_entry[e.team_id]))
    ]
    page_teams = wanted[(page - 1) * per_page : page * per_page]
    teams = await team_facts(contest_id, page_teams)
    shown = []
    for team in page_teams:
        entry = entries[team]
        row = [
            DraftJudgeOut(
                judge_id=j,
                name=people[j].name if j in people else str(j),
                source=source,
                affinity=round(affinity(judge_facts[j].tracks, judge_facts[j].tags, entry.track, entry.tags), 4)
                if j in judge_facts
                else 0.0,
            )
            for j, source in per_entry[team]
        ]
        if team not in teams:
            continue
        facts_of = teams[team]
        shown.append(
            DraftEntryOut(
                team_id=team,
                team=facts_of.name,
                university=facts_of.university,
                region=facts_of.region,
                track=facts_of.track,
                mean_affinity=round(sum(j.affinity for j in row) / len(row), 4) if row else 0.0,
                judges=row,
            )
        )
    load = Counter(j for _, j, _ in pairs)
    loads = [
        LoadOut(
            judge_id=j.user_id,
            name=people[j.user_id].name if j.user_id in people else str(j.user_id),
            region=people[j.user_id].region if j.user_id in people else None,
            load=load[j.user_id],
            min=j.min,
            max=j.max,
        )
        for j in facts.judges
    ]
    return DraftOut(run=out, total=len(wanted), entries=shown, loads=loads)


async def _editable(actor: Principal, run_id: int) -> tuple[dict[str, Any], dict[str, Any], Facts]:
    run = await _run_row(run_id)
    round_row = await rounds.round_row(run["round"])
    access.require_scope(actor, round_row, run["region"])
    if run["status"] != RunStatus.DRAFT.value:
        raise InvalidState("Only a draft can be changed; run the assignment again.")
    return run, round_row, stored_facts(run["facts"])


async def labels_for(contest_id: int, messages: list[Message]) -> dict[str, tuple[str, str]]:
    """Names for the solver ids that `messages` mention (teams, judges, universities)."""
    tokens = {t for m in messages for v in m.params.values() if isinstance(v, str) for t in TOKEN.findall(v)}
    team_ids = [int(t[1:]) for t in tokens if t.startswith("T")]
    user_ids = [int(t[1:]) for t in tokens if t.startswith("J")]
    teams = await team_facts(contest_id, team_ids)
    people = {j.user_id: j for j in await judges.judges(contest_id, user_ids)}
    labels = labels_of(teams, people)
    for token in tokens:
        if token.startswith("U") and token[1:].isdigit() and token not in labels:
            university = await regions.university(int(token[1:]))
            labels[token] = (university.name_zh, university.name_en or university.name_zh)
    return labels


def _plain(value: Any) -> Any:
    """A name in both languages as one text: a refusal travels as JSON (to a page, through the flash)."""
    if isinstance(value, Name):
        return value.zh if not value.en or value.en == value.zh else f"{value.zh} ({value.en})"
    return value


async def _refusal(contest_id: int, message: str, problems: list[Message]) -> InvalidState:
    """A refusal carrying the solver's reasons (with names), one per field, for pages and the API."""
    shown = message_outs(stored_messages(problems, await labels_for(contest_id, problems)))
    return InvalidState(
        message,
        {
            f"problem {i}": Msg(m.text, {k: _plain(v) for k, v in m.params.items()})
            for i, m in enumerate(shown, start=1)
        },
    )


def _known(facts: Facts, team_id: int, judges_: list[int]) -> None:
    if team_id not in {e.team_id for e in facts.entries}:
        raise InvalidInput("This team's entry is not in this run.", {"team_id": "not in the run"})
    known = {j.user_id for j in facts.judges}
    for judge in judges_:
        if judge not in known:
            raise InvalidInput("This judge is not available in this run.", {"judge_id": "not in the run"})


async def _store_draft(rt: Runtime, run: dict[str, Any], facts: Facts, pairs: list[Triple]) -> None:
    await AssignmentRun.update(
        {
            AssignmentRun.facts: msgspec.to_builtins(facts),
            AssignmentRun.pairs: [list(p) for p in pairs],
            AssignmentRun.input_version: input_version(facts),
            AssignmentRun.figures: msgspec.to_builtins(
                figures_of(facts, pairs, _solution_facts(run), _team_names(run))
            ),
        }
    ).where(AssignmentRun.id == run["id"])


def _team_names(run: dict[str, Any]) -> dict[int, str]:
    figures = json_value(run["figures"]) or {}
    return {int(k): str(v) for k, v in figures.get("team_names", {}).items()}


def _solution_facts(run: dict[str, Any]) -> Solution | None:
    """The solver figures a draft keeps across adjustments (its bound no longer holds after one)."""
    figures = json_value(run["figures"]) or {}
    return Solution(
        status="optimal",
        assignment=[],
        total_affinity=0.0,
        explanation=[],
        components=figures.get("components", {}),
        calibration=figures.get("calibration", {}),
    )


async def _repaired(
    contest_id: int, facts: Facts, pairs: list[Triple], change: Change, refusal: str
) -> tuple[list[Triple], int]:
    """The draft after `change`, re-solving only the entries it touches; InvalidState with the reasons
    when it cannot be done."""
    current = [(entry_id(t), judge_id(j)) for t, j, _ in pairs]
    result = await asyncio.to_thread(reassign, instance_of(facts), current, change)
    if result.status != "optimal":
        raise await _refusal(contest_id, refusal, result.explanation)
    sources = {(t, j): s for t, j, s in pairs}
    pinned = set(facts.pins)
    out = []
    for entry, judge in result.assignment:
        pair = (team_of(entry), user_of(judge))
        out.append((*pair, "pin" if pair in pinned else sources.get(pair, "auto")))
    return out, result.moved


async def _save_rule(rt: Runtime, actor: Principal, round_id: int, data: PairIn, kind: RuleKind) -> None:
    await AssignmentRule.delete().where(
        (AssignmentRule.round == round_id)
        & (AssignmentRule.team == data.team_id)
        & (AssignmentRule.judge == data.judge_id)
    )
    await AssignmentRule.insert(
        AssignmentRule(
            round=round_id,
            team=data.team_id,
            judge=data.judge_id,
            kind=kind.value,
            reason=data.reason,
            created_by=audit_id(actor),
            created_at=rt.clock.now(),
        )
    )


async def pin(rt: Runtime, actor: Principal, run_id: int, data: PairIn) -> RunOut:
    """This judge reviews this entry, in the draft and every later run of the round. If the entry has
    its judges already, the one who fits it least gives way; the reasons come back when the pin breaks
    a rule (a conflict, the judge's university or region, their maximum load)."""
    async with write_transaction():
        run, round_row, facts = await _editable(actor, run_id)
        _known(facts, data.team_id, [data.judge_id])
        pairs = _pairs(run)
        pair = (data.team_id, data.judge_id)
        facts = msgspec.structs.replace(facts, pins=sorted({*facts.pins, pair}))
        if any((t, j) == pair for t, j, _ in pairs):
            # The draft obeys the run's rules already: the pair only becomes a pin.
            pairs = [(t, j, "pin" if (t, j) == pair else s) for t, j, s in pairs]
        else:
            others = [j for t, j, s in pairs if t == data.team_id and s != "pin"]
            entry = next(e for e in facts.entries if e.team_id == data.team_id)
            fits = {j.user_id: affinity(j.tracks, j.tags, entry.track, entry.tags) for j in facts.judges}
            weakest = sorted(others, key=lambda j: (fits[j], -j))[:1]
            change = Change(forbid=[(entry_id(data.team_id), judge_id(j)) for j in weakest])
            pairs, _ = await _repaired(int(round_row["contest"]), facts, pairs, change, PIN_REFUSED)
        await _save_rule(rt, actor, int(round_row["id"]), data, RuleKind.PIN)
        await _store_draft(rt, run, facts, pairs)
        await _audit_rule(rt, actor, run, "assignment.pin", data)
    return await run_of(actor, run_id)


async def forbid(rt: Runtime, actor: Principal, run_id: int, data: PairIn) -> RunOut:
    """This judge never reviews this entry in this round: if the draft has the pair, the entry gets
    another judge (only that entry's judges may move)."""
    async with write_transaction():
        run, round_row, facts = await _editable(actor, run_id)
        _known(facts, data.team_id, [data.judge_id])
        pair = (data.team_id, data.judge_id)
        if pair in set(facts.pins):
            raise InvalidState("This pair is pinned: remove the pin first.")
        facts = msgspec.structs.replace(
            facts, forbidden=sorted({*facts.forbidden, (data.team_id, data.judge_id, "forbid")})
        )
        pairs = _pairs(run)
        if any((t, j) == pair for t, j, _ in pairs):
            change = Change(forbid=[(entry_id(data.team_id), judge_id(data.judge_id))])
            pairs, _ = await _repaired(int(round_row["contest"]), facts, pairs, change, FORBID_REFUSED)
        await _save_rule(rt, actor, int(round_row["id"]), data, RuleKind.FORBID)
        await _store_draft(rt, run, facts, pairs)
        await _audit_rule(rt, actor, run, "assignment.forbid", data)
    return await run_of(actor, run_id)


async def swap(rt: Runtime, actor: Principal, run_id: int, data: SwapIn) -> RunOut:
    """Give one of the draft's pairs to another judge, and nothing else: refused, with the reasons, when
    the new judge may not review the entry or has no room left."""
    async with write_transaction():
        run, round_row, facts = await _editable(actor, run_id)
        _known(facts, data.team_id, [data.judge_id, data.new_judge_id])
        pairs = _pairs(run)
        if not any((t, j) == (data.team_id, data.judge_id) for t, j, _ in pairs):
            raise InvalidInput("This judge does not review this entry in the draft.", {"judge_id": "not assigned"})
        if (data.team_id, data.judge_id) in set(facts.pins):
            raise InvalidState("This pair is pinned: remove the pin first.")
        contest_id = int(round_row["contest"])
        refusal = SWAP_REFUSED
        probe = msgspec.structs.replace(facts, pins=sorted({*facts.pins, (data.team_id, data.new_judge_id)}))
        change = Change(forbid=[(entry_id(data.team_id), judge_id(data.judge_id))])
        changed, moved = await _repaired(contest_id, probe, pairs, change, refusal)
        if moved:
            raise InvalidState(
                "This swap would move {moved} other pairs: the new judge has no room left. Pin the judge instead.",
                moved=moved,
            )
        swapped = (data.team_id, data.new_judge_id)
        pairs = [(t, j, PairSource.MANUAL.value if (t, j) == swapped else s) for t, j, s in changed]
        await _store_draft(rt, run, facts, pairs)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="assignment.swap",
            object_type="assignment_run",
            object_id=run["id"],
            after=msgspec.to_builtins(data),
        )
    return await run_of(actor, run_id)


async def _audit_rule(rt: Runtime, actor: Principal, run: dict[str, Any], action: str, data: PairIn) -> None:
    await audit.record(
        rt.clock,
        actor_id=audit_id(actor),
        action=action,
        object_type="assignment_run",
        object_id=run["id"],
        after={"round": run["round"], "team": data.team_id, "judge": data.judge_id},
        reason=data.reason,
    )


async def rules_of(actor: Principal, round_id: int) -> list[RuleOut]:
    """The round's pins and forbids."""
    round_row = await rounds.round_row(round_id)
    contest_id = int(round_row["contest"])
    access.organizer_regions(actor, contest_id)
    rows = await AssignmentRule.select().where(AssignmentRule.round == round_id).order_by(AssignmentRule.id)
    teams = await team_facts(contest_id, sorted({r["team"] for r in rows}))
    names = await _names([r["judge"] for r in rows])
    return [
        RuleOut(
            id=r["id"],
            team_id=r["team"],
            team=teams[r["team"]].name if r["team"] in teams else str(r["team"]),
            judge_id=r["judge"],
            judge=names.get(r["judge"], str(r["judge"])),
            kind=r["kind"],
            reason=r["reason"],
            created_at=r["created_at"],
        )
        for r in rows
        if r["team"] in teams and access.may_see(actor, contest_id, teams[r["team"]].region_id)
    ]


async def remove_rule(rt: Runtime, actor: Principal, round_id: int, rule_id: int) -> None:
    """Drop a pin or forbid: later runs no longer keep it (drafts and published pairs stay)."""
    async with write_transaction():
        round_row = await rounds.round_row(round_id)
        row = (
            await AssignmentRule.select()
            .where((AssignmentRule.id == rule_id) & (AssignmentRule.round == round_id))
            .first()
        )
        if row is None:
            raise NotFound("No such pin or forbid.")
        team = (await team_facts(int(round_row["contest"]), [row["team"]]))[row["team"]]
        access.require_scope(actor, round_row, team.region_id if round_row["scope"] == "regional" else None)
        await AssignmentRule.delete().where(AssignmentRule.id == rule_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="assignment.rule_remove",
            object_type="round",
            object_id=round_id,
            before={"team": row["team"], "judge": row["judge"], "kind": row["kind"]},
        )


# ---------------------------------------------------------------- publication


async def publish(rt: Runtime, actor: Principal, run_id: int) -> PublishOut:
    """Make the draft the round's assignment (for its scope): pairs in both stay, new ones start, the
    others end as replaced. Refused when the published pairs changed since the run read them, or a
    submitted review would be lost. Publishing the same run again changes nothing."""
    async with write_transaction():
        run = await _run_row(run_id)
        round_row = await rounds.round_row(run["round"])
        access.require_scope(actor, round_row, run["region"])
        if run["status"] == RunStatus.PUBLISHED.value:
            return PublishOut(run=await _run_out(run), added=0, ended=0, kept=len(_pairs(run)))
        if run["status"] != RunStatus.DRAFT.value:
            raise InvalidState("Only a draft can be published.")
        facts = stored_facts(run["facts"])
        scope_teams = [e.team_id for e in facts.entries]
        current = await active_in(run["round"], scope_teams)
        if digest((r["team"], r["judge"]) for r in current) != run["base_digest"]:
            raise InvalidState(
                "The published assignment changed since this draft was made (a reassignment, say): run again."
            )
        draft = {(t, j): s for t, j, s in _pairs(run)}
        locked = await queries.locked_pairs(run["round"])
        lost = [r for r in current if (r["team"], r["judge"]) in locked and (r["team"], r["judge"]) not in draft]
        if lost:
            raise InvalidState("A judge has already submitted a review that this draft would drop: run again.")
        now = rt.clock.now()
        ended = [r for r in current if (r["team"], r["judge"]) not in draft]
        if ended:
            await Assignment.update(
                {
                    Assignment.status: PairStatus.REPLACED.value,
                    Assignment.ended_at: now,
                    Assignment.end_reason: "republished",
                }
            ).where(Assignment.id.is_in([r["id"] for r in ended]))
        kept = {(r["team"], r["judge"]) for r in current} & set(draft)
        added = [(t, j, s) for (t, j), s in draft.items() if (t, j) not in kept]
        if added:
            await Assignment.insert(
                *[
                    Assignment(round=run["round"], team=t, judge=j, source=s, run=run["id"], created_at=now)
                    for t, j, s in added
                ]
            )
        await ensure_codes(run["round"], scope_teams)
        await AssignmentRun.update({AssignmentRun.status: RunStatus.SUPERSEDED.value}).where(
            _scope_where(run["round"], run["region"]) & (AssignmentRun.status == RunStatus.PUBLISHED.value)
        )
        await AssignmentRun.update(
            {
                AssignmentRun.status: RunStatus.PUBLISHED.value,
                AssignmentRun.published_by: audit_id(actor),
                AssignmentRun.published_at: now,
            }
        ).where(AssignmentRun.id == run["id"])
        name = round_name(round_row)
        sender = mail_limits.organizer(rt, audit_id(actor))
        for judge, count in sorted(Counter(j for _, j, _ in added).items()):
            await notify(rt, judge, run["round"], NEW_ENTRIES, requester=sender, count=count, round=name)
        for judge, count in sorted(Counter(r["judge"] for r in ended).items()):
            await notify(rt, judge, run["round"], ENTRIES_GONE, requester=sender, count=count, round=name)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="assignment.publish",
            object_type="round",
            object_id=run["round"],
            after={
                "run": run["id"],
                "region": run["region"],
                "added": len(added),
                "ended": len(ended),
                "kept": len(kept),
            },
        )
    run = await _run_row(run_id)
    return PublishOut(run=await _run_out(run), added=len(added), ended=len(ended), kept=len(kept))
