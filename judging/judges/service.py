"""Judge profiles and their rounds: invite one judge or import a list, set a profile, set a judge's
availability and loads in a round. Withdrawing a judge with assigned entries is the assignment's
(`judging.assignment.repair.withdraw_judge`)."""

from typing import Any

import msgspec

from contest.accounts import service as accounts
from contest.accounts import staff
from contest.accounts.schemas import StaffInviteIn
from contest.contests import service as contests
from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import write_transaction
from contest.lib.errors import InvalidInput, InvalidState, Msg
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.spreadsheets import parse_bounded
from contest.regions import service as regions
from contest.rounds import service as rounds
from judging.assignment import queries as assignment
from judging.judges import access, importer, queries
from judging.judges.affinity import normalise_tag
from judging.judges.importer import JudgeLine, ParsedJudges, RowProblem
from judging.judges.schemas import (
    AvailabilityIn,
    AvailabilityOut,
    ImportedRow,
    ImportOut,
    JudgeInviteIn,
    JudgeOut,
    ProfileIn,
)
from judging.judges.tables import JudgeProfile, JudgeRound

MIB = 1024 * 1024


async def _check_profile(contest_id: int, data: ProfileIn) -> dict[str, Any]:
    """The profile's values as stored, or InvalidInput naming each bad field."""
    problems: dict[str, str] = {}
    if data.university_id is not None and not await regions.university_exists(data.university_id):
        problems["university_id"] = "Unknown university."
    if data.region_id is not None and not await regions.region_exists(data.region_id):
        problems["region_id"] = "Unknown region."
    known = {t.id for t in await contests.tracks_of(contest_id)}
    if any(t not in known for t in data.tracks):
        problems["tracks"] = "Not a track of this contest."
    if data.max_load is not None and data.min_load > data.max_load:
        problems["min_load"] = "The minimum load is above the maximum."
    if problems:
        raise InvalidInput("Some fields are missing or invalid.", problems)
    return {
        "university": data.university_id,
        "region": data.region_id,
        "expertise": list(dict.fromkeys(normalise_tag(t) for t in data.expertise if normalise_tag(t))),
        "tracks": list(dict.fromkeys(data.tracks)),
        "min_load": data.min_load,
        "max_load": data.max_load,
        "note": data.note.strip(),
    }


async def _store_profile(rt: Runtime, actor: Principal, contest_id: int, user_id: int, values: dict[str, Any]) -> None:
    row = (
        await JudgeProfile.select().where((JudgeProfile.contest == contest_id) & (JudgeProfile.user == user_id)).first()
    )
    before = None if row is None else {k: row[k] for k in values}
    if row is None:
        await JudgeProfile.insert(
            JudgeProfile(user=user_id, contest=contest_id, updated_at=rt.clock.now(), **values)  # type: ignore[arg-type]
        )
    else:
        columns = {getattr(JudgeProfile, k): v for k, v in values.items()}
        await JudgeProfile.update({**columns, JudgeProfile.updated_at: rt.clock.now()}).where(
            JudgeProfile.id == row["id"]
        )
    await audit.record(
        rt.clock,
        actor_id=audit_id(actor),
        action="judge.profile",
        object_type="user",
        object_id=user_id,
        before=before,
        after={**values, "contest": contest_id},
    )


async def save_profile(rt: Runtime, actor: Principal, contest_id: int, user_id: int, data: ProfileIn) -> JudgeOut:
    """Set a judge's whole profile. Organizers of the judge's region (before and after the change)
    may; national judges are national organizers'."""
    values = await _check_profile(contest_id, data)
    async with write_transaction():
        current = await queries.judge_for(actor, contest_id, user_id)
        access.require_manager(actor, contest_id, data.region_id)
        await _store_profile(rt, actor, contest_id, current.user_id, values)
    return (await queries.judges(contest_id, [user_id]))[0]


async def invite_judge(rt: Runtime, actor: Principal, contest_id: int, data: JudgeInviteIn) -> JudgeOut:
    """Invite one judge by e-mail (an existing account simply gains the right) and set their profile."""
    access.require_manager(actor, contest_id, data.profile.region_id)
    values = await _check_profile(contest_id, data.profile)
    async with write_transaction():
        user_id = await staff.invite_staff(
            rt,
            actor,
            contest_id,
            StaffInviteIn(email=data.email, role="judge", name=data.name, region_id=data.profile.region_id),
        )
        await _store_profile(rt, actor, contest_id, user_id, values)
    return (await queries.judges(contest_id, [user_id]))[0]


async def read_judge_list(rt: Runtime, content: bytes, filename: str) -> ParsedJudges:
    """Parse an uploaded list in a bounded child process; every way it can fail is an InvalidInput."""
    return await parse_bounded(rt.settings, importer.parse_judges, content, filename or "judges.csv")


class _Lookup(msgspec.Struct):
    universities: dict[str, int]
    regions: dict[str, int]
    tracks: dict[str, int]


async def _lookup(contest_id: int) -> _Lookup:
    universities: dict[str, int] = {}
    for u in await regions.search_universities("", limit=queries.EVERY_UNIVERSITY):
        for key in (u.name_zh, u.name_en):
            if key:
                universities.setdefault(key.lower(), u.id)
    region_ids: dict[str, int] = {}
    for r in await regions.list_regions():
        for key in (r.code, r.name_zh, r.name_en):
            region_ids[key.lower()] = r.id
    tracks: dict[str, int] = {}
    for t in await contests.tracks_of(contest_id):
        for key in (t.code, t.name_zh, t.name_en):
            if key:
                tracks.setdefault(key.lower(), t.id)
    return _Lookup(universities, region_ids, tracks)


def _resolve(line: JudgeLine, lookup: _Lookup, scope: frozenset[int] | None) -> ProfileIn | RowProblem:
    university = lookup.universities.get(line.university.lower()) if line.university else None
    region = lookup.regions.get(line.region.lower()) if line.region else None
    unknown_tracks = [t for t in line.tracks if t.lower() not in lookup.tracks]
    if line.university and university is None:
        return RowProblem(line.line, "unknown university: {university}", {"university": line.university})
    if line.region and region is None:
        return RowProblem(line.line, "unknown region: {region}", {"region": line.region})
    if unknown_tracks:
        return RowProblem(line.line, "unknown track: {track}", {"track": unknown_tracks[0]})
    if not access.may_manage(scope, region):
        return RowProblem(line.line, "you may import judges of your own region only")
    return ProfileIn(
        university_id=university,
        region_id=region,
        expertise=line.tags,
        tracks=[lookup.tracks[t.lower()] for t in line.tracks],
        min_load=line.min_load,
        max_load=line.max_load,
    )


async def import_judges(rt: Runtime, actor: Principal, contest_id: int, filename: str, content: bytes) -> ImportOut:
    """Invite every judge of a CSV or XLSX list and set their profiles. Any bad row refuses the whole
    file with a report of every bad row, so a half-imported list never exists; otherwise the report
    says, row by row, who was new and who already had an account."""
    scope = access.organizer_regions(actor, contest_id)
    if len(content) > rt.settings.import_max_mb * MIB:
        raise InvalidInput("The file is larger than {max} MB.", {"file": "too large"}, max=rt.settings.import_max_mb)
    parsed = await read_judge_list(rt, content, filename)
    lookup = await _lookup(contest_id)
    problems = list(parsed.problems)
    resolved: list[tuple[JudgeLine, ProfileIn]] = []
    for line in parsed.rows:
        outcome = _resolve(line, lookup, scope)
        if isinstance(outcome, RowProblem):
            problems.append(outcome)
        else:
            resolved.append((line, outcome))
    if problems:
        raise InvalidInput(
            "{count} row(s) need fixing; nothing was imported.",
            {f"line {p.line}": Msg(p.text, p.params) for p in sorted(problems, key=lambda p: p.line)},
            count=len(problems),
        )
    if not resolved:
        raise InvalidInput("The file lists no judge.", {"file": "empty"})
    rows: list[ImportedRow] = []
    async with write_transaction():
        known = await queries.judge_ids(contest_id)
        for line, profile in resolved:
            before = await accounts.account_by_email(line.email)
            judge = await invite_judge(
                rt, actor, contest_id, JudgeInviteIn(email=line.email, name=line.name, profile=profile)
            )
            rows.append(
                ImportedRow(
                    line=line.line,
                    email=line.email,
                    name=judge.name,
                    user_id=judge.user_id,
                    account="existing" if before is not None or judge.user_id in known else "new",
                )
            )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="judge.import",
            object_type="contest",
            object_id=contest_id,
            after={"rows": len(rows), "file": filename},
        )
    created = sum(1 for r in rows if r.account == "new")
    return ImportOut(created=created, existing=len(rows) - created, rows=rows)


async def set_availability(
    rt: Runtime, actor: Principal, round_id: int, user_id: int, data: AvailabilityIn
) -> AvailabilityOut:
    """Say whether a judge takes part in a round and with which loads (None: the profile's). A judge
    with entries assigned in the round is withdrawn through the assignment instead."""
    round_row = await rounds.round_row(round_id)
    contest_id = int(round_row["contest"])
    if data.min_load is not None and data.max_load is not None and data.min_load > data.max_load:
        raise InvalidInput(
            "Some fields are missing or invalid.", {"min_load": "The minimum load is above the maximum."}
        )
    async with write_transaction():
        judge = await queries.judge_for(actor, contest_id, user_id)
        if not data.available and await assignment.assigned(round_id, user_id):
            raise InvalidState(
                "This judge has entries assigned in this round: withdraw them from the round instead, "
                "and their entries go to other judges."
            )
        row = await JudgeRound.select().where((JudgeRound.round == round_id) & (JudgeRound.user == user_id)).first()
        values: dict[str, Any] = {"available": data.available, "min_load": data.min_load, "max_load": data.max_load}
        if row is None:
            await JudgeRound.insert(JudgeRound(user=user_id, round=round_id, updated_at=rt.clock.now(), **values))
        else:
            await JudgeRound.update(
                {
                    JudgeRound.available: data.available,
                    JudgeRound.min_load: data.min_load,
                    JudgeRound.max_load: data.max_load,
                    JudgeRound.updated_at: rt.clock.now(),
                }
            ).where(JudgeRound.id == row["id"])
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="judge.availability",
            object_type="user",
            object_id=user_id,
            before=None if row is None else {k: row[k] for k in values},
            after={**values, "round": round_id},
        )
    load = (await queries.round_loads(round_id, [judge], online=round_row["kind"] == "online"))[user_id]
    return AvailabilityOut(
        user_id=user_id,
        round_id=round_id,
        available=load.available,
        min_load=load.min_load,
        max_load=load.max_load,
        explicit=load.explicit,
    )


async def mark_unavailable(clock: Clock, round_id: int, user_id: int) -> None:
    """The judge takes no (more) entries in the round: the assignment's withdrawal calls this inside
    its transaction, after its own access check."""
    row = (
        await JudgeRound.select(JudgeRound.id)
        .where((JudgeRound.round == round_id) & (JudgeRound.user == user_id))
        .first()
    )
    if row is None:
        await JudgeRound.insert(JudgeRound(user=user_id, round=round_id, available=False, updated_at=clock.now()))
    else:
        await JudgeRound.update({JudgeRound.available: False, JudgeRound.updated_at: clock.now()}).where(
            JudgeRound.id == row["id"]
        )
