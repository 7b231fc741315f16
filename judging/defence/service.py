"""The final's defence timetable: organizers set rooms and sessions, build a timetable in the worker
(`judging.schedule`, CP-SAT), look at it as a grid, publish it and export it as CSV.

Finalists are the round's participants; the panel's judges are those marked available for the round
(an on-site round counts on nobody unless told). Conflicts are the assignment's: same university, an
advisor, declared or added by an organizer. National organizers only: the final serves every region.
"""

import asyncio
import csv
import io
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from contest.contests import service as contests
from contest.lib.audit import service as audit
from contest.lib.db import json_value, write_transaction
from contest.lib.errors import Forbidden, InvalidInput, InvalidState, NotFound
from contest.lib.mail import limits as mail_limits
from contest.lib.outbox import service as outbox
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.rounds import service as rounds
from judging.assignment.access import require_judge
from judging.assignment.common import message_outs, notify, round_name
from judging.assignment.facts import labels_of
from judging.assignment.inputs import relabel
from judging.conflicts import queries as conflicts
from judging.conflicts.rules import TeamSide, listed_pairs
from judging.defence.schemas import (
    AbsenceOut,
    AbsencesIn,
    BuildIn,
    CellOut,
    GridOut,
    MyAbsencesIn,
    MySessionsOut,
    RoomIn,
    RoomOut,
    RowOut,
    SessionGridOut,
    SessionIn,
    SessionOut,
    TimetableOut,
)
from judging.defence.tables import DefenceAbsence, DefenceRoom, DefenceSession, DefenceTimetable, TimetableStatus
from judging.judges import queries as judges
from judging.schedule import (
    Finalist,
    InvalidInstance,
    Judge,
    Room,
    ScheduleInput,
    Session,
    Slot,
    SolveOptions,
    Timetable,
    solve,
)
from judging.teams import round_teams, team_facts

PANEL_DUTY = "You sit on {count} defence panels in {round}; see the timetable."
OPEN = (TimetableStatus.QUEUED.value, TimetableStatus.RUNNING.value)


async def _round(actor: Principal, round_id: int) -> dict[str, Any]:
    """The round, which only national organizers time-table."""
    row = await rounds.round_row(round_id)
    contest_id = int(row["contest"])
    if not actor.organizes(contest_id) or actor.organizer_regions(contest_id) is not None:
        raise Forbidden("Only national organizers build the defence timetable.")
    return row


# ---------------------------------------------------------------- rooms and sessions


async def rooms_of(actor: Principal, round_id: int) -> list[RoomOut]:
    row = await _round(actor, round_id)
    tracks = {t.id: t for t in await contests.tracks_of(int(row["contest"]))}
    rows = await DefenceRoom.select().where(DefenceRoom.round == round_id).order_by(DefenceRoom.sort_order)
    return [
        RoomOut(
            id=r["id"],
            name=r["name"],
            track_id=r["track"],
            track=Name(tracks[r["track"]].name_zh, tracks[r["track"]].name_en) if r["track"] in tracks else None,
        )
        for r in rows
    ]


async def add_room(rt: Runtime, actor: Principal, round_id: int, data: RoomIn) -> list[RoomOut]:
    async with write_transaction():
        row = await _round(actor, round_id)
        if data.track_id is not None and data.track_id not in {
            t.id for t in await contests.tracks_of(int(row["contest"]))
        }:
            raise InvalidInput("Not a track of this contest.", {"track_id": "unknown"})
        if not data.name.strip():
            raise InvalidInput("Give the room a name.", {"name": "required"})
        order = await DefenceRoom.count().where(DefenceRoom.round == round_id)
        await DefenceRoom.insert(
            DefenceRoom(round=round_id, name=data.name.strip(), track=data.track_id, sort_order=order)
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="defence.room_add",
            object_type="round",
            object_id=round_id,
            after=msgspec.to_builtins(data),
        )
    return await rooms_of(actor, round_id)


async def remove_room(rt: Runtime, actor: Principal, round_id: int, room_id: int) -> list[RoomOut]:
    async with write_transaction():
        await _round(actor, round_id)
        deleted = (
            await DefenceRoom.delete()
            .where((DefenceRoom.id == room_id) & (DefenceRoom.round == round_id))
            .returning(DefenceRoom.name)
        )
        if not deleted:
            raise NotFound("No such room.")
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="defence.room_remove",
            object_type="round",
            object_id=round_id,
            before={"room": room_id, "name": deleted[0]["name"]},
        )
    return await rooms_of(actor, round_id)


def _session_out(r: dict[str, Any]) -> SessionOut:
    return SessionOut(
        id=r["id"],
        name=r["name"],
        starts_at=r["starts_at"],
        ends_at=r["starts_at"] + timedelta(minutes=r["slot_minutes"] * r["slots"]),
        slot_minutes=r["slot_minutes"],
        slots=r["slots"],
    )


async def sessions_of(actor: Principal, round_id: int) -> list[SessionOut]:
    await _round(actor, round_id)
    rows = await DefenceSession.select().where(DefenceSession.round == round_id).order_by(DefenceSession.starts_at)
    return [_session_out(r) for r in rows]


async def add_session(rt: Runtime, actor: Principal, round_id: int, data: SessionIn) -> list[SessionOut]:
    """A session; it may not overlap another one of the round."""
    if not data.name.strip():
        raise InvalidInput("Give the session a name.", {"name": "required"})
    async with write_transaction():
        await _round(actor, round_id)
        end = data.starts_at + timedelta(minutes=data.slot_minutes * data.slots)
        for other in await sessions_of(actor, round_id):
            if data.starts_at < other.ends_at and other.starts_at < end:
                raise InvalidInput("This session overlaps {name}.", {"starts_at": "overlap"}, name=other.name)
        await DefenceSession.insert(
            DefenceSession(
                round=round_id,
                name=data.name.strip(),
                starts_at=data.starts_at,
                slot_minutes=data.slot_minutes,
                slots=data.slots,
            )
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="defence.session_add",
            object_type="round",
            object_id=round_id,
            after=msgspec.to_builtins(data),
        )
    return await sessions_of(actor, round_id)


async def remove_session(rt: Runtime, actor: Principal, round_id: int, session_id: int) -> list[SessionOut]:
    async with write_transaction():
        await _round(actor, round_id)
        deleted = (
            await DefenceSession.delete()
            .where((DefenceSession.id == session_id) & (DefenceSession.round == round_id))
            .returning(DefenceSession.name)
        )
        if not deleted:
            raise NotFound("No such session.")
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="defence.session_remove",
            object_type="round",
            object_id=round_id,
            before={"session": session_id, "name": deleted[0]["name"]},
        )
    return await sessions_of(actor, round_id)


# ---------------------------------------------------------------- who cannot sit which session


async def _absences(round_id: int) -> list[AbsenceOut]:
    rows = await DefenceAbsence.select(DefenceAbsence.judge, DefenceAbsence.session).where(
        DefenceAbsence.session._.round == round_id
    )
    return sorted(
        (AbsenceOut(judge_id=r["judge"], session_id=r["session"]) for r in rows),
        key=lambda a: (a.judge_id, a.session_id),
    )


async def absences_of(actor: Principal, round_id: int) -> list[AbsenceOut]:
    """The sessions the final's judges cannot sit."""
    await _round(actor, round_id)
    return await _absences(round_id)


async def set_absences(rt: Runtime, actor: Principal, round_id: int, data: AbsencesIn) -> list[AbsenceOut]:
    """Replace who cannot sit which session: judges of the contest, sessions of the round. A build
    started afterwards seats nobody where they said they cannot be."""
    async with write_transaction():
        row = await _round(actor, round_id)
        sessions = {
            r["id"] for r in await DefenceSession.select(DefenceSession.id).where(DefenceSession.round == round_id)
        }
        known = {j.user_id for j in await judges.judges(int(row["contest"]))}
        wanted = {(a.judge_id, a.session_id) for a in data.absences}
        if any(session not in sessions for _, session in wanted):
            raise InvalidInput("Not a session of this round.", {"absences": "unknown"})
        if any(judge not in known for judge, _ in wanted):
            raise InvalidInput("Not a judge of this contest.", {"absences": "unknown"})
        before = await _absences(round_id)
        await DefenceAbsence.delete().where(DefenceAbsence.session.is_in(sorted(sessions) or [0]))
        if wanted:
            await DefenceAbsence.insert(*(DefenceAbsence(judge=j, session=s) for j, s in sorted(wanted)))
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="defence.absences",
            object_type="round",
            object_id=round_id,
            before=[msgspec.to_builtins(a) for a in before],
            after=sorted([list(pair) for pair in wanted]),
        )
    return await _absences(round_id)


async def _published(round_id: int) -> bool:
    return await DefenceTimetable.exists().where(
        (DefenceTimetable.round == round_id) & (DefenceTimetable.status == TimetableStatus.PUBLISHED.value)
    )


async def my_sessions(rt: Runtime, actor: Principal, contest_id: int) -> list[MySessionsOut]:
    """The on-site rounds with sessions in which the judge sits, and what they said they cannot."""
    require_judge(actor, contest_id)
    me = await judges.judges(contest_id, [actor.user_id])
    out: list[MySessionsOut] = []
    if not me:
        return out
    for round_ in await rounds.rounds_of(rt, contest_id):
        if round_.kind != "onsite":
            continue
        if not (await judges.round_loads(round_.id, me, online=False))[actor.user_id].available:
            continue
        rows = await DefenceSession.select().where(DefenceSession.round == round_.id).order_by(DefenceSession.starts_at)
        if not rows:
            continue
        absent = [a.session_id for a in await _absences(round_.id) if a.judge_id == actor.user_id]
        out.append(
            MySessionsOut(
                round_id=round_.id,
                round=Name(round_.name_zh, round_.name_en),
                sessions=[_session_out(r) for r in rows],
                absent=absent,
                can_change=not await _published(round_.id),
            )
        )
    return out


async def set_my_absences(rt: Runtime, actor: Principal, round_id: int, data: MyAbsencesIn) -> list[MySessionsOut]:
    """A judge of the final says which of its sessions they cannot sit (until a timetable is published)."""
    row = await rounds.round_row(round_id)
    contest_id = int(row["contest"])
    async with write_transaction():
        mine = {m.round_id: m for m in await my_sessions(rt, actor, contest_id)}.get(round_id)
        if mine is None:
            raise NotFound("You do not sit this round.")
        if not mine.can_change:
            raise InvalidState("The timetable is published; ask the organizers to change it.")
        sessions = {s.id for s in mine.sessions}
        wanted = set(data.session_ids)
        if not wanted <= sessions:
            raise InvalidInput("Not a session of this round.", {"session_ids": "unknown"})
        await DefenceAbsence.delete().where(
            (DefenceAbsence.judge == actor.user_id) & DefenceAbsence.session.is_in(sorted(sessions))
        )
        if wanted:
            await DefenceAbsence.insert(*(DefenceAbsence(judge=actor.user_id, session=s) for s in sorted(wanted)))
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="defence.my_absences",
            object_type="round",
            object_id=round_id,
            before=mine.absent,
            after=sorted(wanted),
        )
    return await my_sessions(rt, actor, contest_id)


# ---------------------------------------------------------------- building


async def start_build(rt: Runtime, actor: Principal, round_id: int, data: BuildIn) -> TimetableOut:
    """Queue a build of the timetable (one at a time per round)."""
    async with write_transaction():
        await _round(actor, round_id)
        running = (
            await DefenceTimetable.select()
            .where((DefenceTimetable.round == round_id) & DefenceTimetable.status.is_in(list(OPEN)))
            .first()
        )
        if running is not None:
            return _out(running)
        rows = await DefenceTimetable.insert(
            DefenceTimetable(
                round=round_id,
                panel_size=data.panel_size,
                time_limit=data.time_limit,
                input={"panels": data.panels},
                created_by=audit_id(actor),
                created_at=rt.clock.now(),
            )
        )
        timetable_id = int(rows[0]["id"])
        await outbox.enqueue(
            rt.clock, "defence_build", outbox.job_id("defence-build", timetable_id, 1), timetable_id=timetable_id
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="defence.build",
            object_type="round",
            object_id=round_id,
            after={"timetable": timetable_id, **msgspec.to_builtins(data)},
        )
    return await timetable_of(actor, timetable_id)


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


async def schedule_input(
    round_row: dict[str, Any], panel_size: int, panels: str
) -> tuple[ScheduleInput, dict[str, Any]]:
    """The solver's input for the round, and the names of its ids (for the grid and the messages)."""
    round_id, contest_id = int(round_row["id"]), int(round_row["contest"])
    zone = (await contests.contest(contest_id)).time_zone
    tracks = {t.id: t.code for t in await contests.tracks_of(contest_id)}
    teams = await round_teams(round_row)
    every = await judges.judges(contest_id)
    loads = await judges.round_loads(round_id, every, online=False)
    chosen = [j for j in every if loads[j.user_id].available]
    rooms = await DefenceRoom.select().where(DefenceRoom.round == round_id).order_by(DefenceRoom.sort_order)
    sessions = await DefenceSession.select().where(DefenceSession.round == round_id).order_by(DefenceSession.starts_at)
    stated = await conflicts.stated(contest_id, [j.user_id for j in chosen])
    absent: dict[int, set[int]] = {}
    for absence in await _absences(round_id):
        absent.setdefault(absence.judge_id, set()).add(absence.session_id)
    sides = [TeamSide(team_id=t.team_id, university_id=t.university_id, advisors=t.advisors) for t in teams.values()]
    declared = [
        (t, u) for (t, u), kind in listed_pairs([j.user_id for j in chosen], sides, stated).items() if kind != "advisor"
    ]
    instance = ScheduleInput(
        rooms=[Room(id=f"R{r['id']}", name=r["name"], track=tracks.get(r["track"])) for r in rooms],
        sessions=[
            Session(
                id=f"S{s['id']}",
                slots=[
                    Slot(
                        id=f"S{s['id']}-{n}",
                        start=_local(s["starts_at"] + timedelta(minutes=s["slot_minutes"] * n), zone),
                        end=_local(s["starts_at"] + timedelta(minutes=s["slot_minutes"] * (n + 1)), zone),
                    )
                    for n in range(s["slots"])
                ],
            )
            for s in sessions
        ],
        finalists=[
            Finalist(
                id=f"T{t.team_id}",
                university=f"U{t.university_id}",
                region=t.region_code,
                track=t.track_code or None,
                advisors=[f"J{a}" for a in t.advisors],
            )
            for t in sorted(teams.values(), key=lambda t: t.team_id)
        ],
        judges=[
            Judge(
                id=f"J{j.user_id}",
                university=f"U{j.university_id}" if j.university_id else f"J{j.user_id}-U",
                region=j.region_code or "-",
                expertise=j.expertise,
                tracks=j.track_codes,
                unavailable=[f"S{s}" for s in sorted(absent.get(j.user_id, ()))],
            )
            for j in sorted(chosen, key=lambda j: j.user_id)
        ],
        conflicts=[(f"T{t}", f"J{u}") for t, u in sorted(declared)],
        panel_size=panel_size,
        panels="slot" if panels == "slot" else "session",
    )
    labels = labels_of(teams, {j.user_id: j for j in every})
    labels.update({f"R{r['id']}": (r["name"], r["name"]) for r in rooms})
    labels.update({f"S{s['id']}": (s["name"], s["name"]) for s in sessions})
    return instance, {k: list(v) for k, v in labels.items()}


def _messages(messages: list[Any], labels: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"id": m.id, "text": m.text, "params": {k: relabel(v, labels) for k, v in m.params.items()}, "level": "error"}
        for m in messages
    ]


async def build_job(rt: Runtime, timetable_id: int) -> str:
    """The job: read the round, solve (CP-SAT, within the build's time limit) and keep the answer."""
    row = await _row(timetable_id)
    if row["status"] not in OPEN:
        return str(row["status"])
    async with write_transaction():
        await DefenceTimetable.update({DefenceTimetable.status: TimetableStatus.RUNNING.value}).where(
            DefenceTimetable.id == timetable_id
        )
    round_row = await rounds.round_row(row["round"])
    panels = str((json_value(row["input"]) or {}).get("panels", "session"))
    instance, raw_labels = await schedule_input(round_row, row["panel_size"], panels)
    labels = {k: (v[0], v[1]) for k, v in raw_labels.items()}
    values: dict[str, Any] = {"input": msgspec.to_builtins(instance), "labels": raw_labels}
    try:
        answer = await asyncio.to_thread(solve, instance, SolveOptions(time_limit=float(row["time_limit"])))
    except InvalidInstance as error:
        return await _finish(
            rt,
            timetable_id,
            TimetableStatus.INFEASIBLE,
            **values,
            result={"messages": _messages(error.messages, labels)},
        )
    status = TimetableStatus.DONE if answer.status in ("OPTIMAL", "FEASIBLE") else TimetableStatus.INFEASIBLE
    result = msgspec.to_builtins(answer)
    result["messages"] = _messages(answer.messages, labels)
    return await _finish(rt, timetable_id, status, **values, result=result)


async def _finish(rt: Runtime, timetable_id: int, status: TimetableStatus, **values: Any) -> str:
    async with write_transaction():
        await DefenceTimetable.update(
            {
                DefenceTimetable.status: status.value,
                DefenceTimetable.finished_at: rt.clock.now(),
                **{getattr(DefenceTimetable, k): v for k, v in values.items()},
            }
        ).where(DefenceTimetable.id == timetable_id)
    return status.value


async def fail_build(rt: Runtime, timetable_id: int, error: str) -> None:
    row = await _row(timetable_id)
    if row["status"] in OPEN:
        await _finish(rt, timetable_id, TimetableStatus.FAILED, error=error[:2000])


# ---------------------------------------------------------------- reading, publishing, export


async def _row(timetable_id: int) -> dict[str, Any]:
    row = await DefenceTimetable.select().where(DefenceTimetable.id == timetable_id).first()
    if row is None:
        raise NotFound("No such timetable.")
    return dict(row)


def _out(row: dict[str, Any]) -> TimetableOut:
    result = json_value(row["result"]) or {}
    return TimetableOut(
        id=row["id"],
        round_id=row["round"],
        status=row["status"],
        panel_size=row["panel_size"],
        messages=message_outs(result.get("messages", [])),
        figures=result.get("figures"),
        error=row["error"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        published_at=row["published_at"],
    )


async def timetables_of(actor: Principal, round_id: int) -> list[TimetableOut]:
    await _round(actor, round_id)
    rows = (
        await DefenceTimetable.select()
        .where(DefenceTimetable.round == round_id)
        .order_by(DefenceTimetable.id, ascending=False)
    )
    return [_out(r) for r in rows]


async def timetable_of(actor: Principal, timetable_id: int) -> TimetableOut:
    row = await _row(timetable_id)
    await _round(actor, row["round"])
    return _out(row)


async def grid_of(actor: Principal, timetable_id: int) -> GridOut:
    """The timetable as a grid: per session, a row per slot and a column per room, and each room's panel."""
    row = await _row(timetable_id)
    round_row = await _round(actor, row["round"])
    rooms = await rooms_of(actor, row["round"])
    result = json_value(row["result"]) or {}
    labels = {k: v for k, v in (json_value(row["labels"]) or {}).items()}
    if row["status"] not in (TimetableStatus.DONE.value, TimetableStatus.PUBLISHED.value):
        return GridOut(timetable=_out(row), rooms=rooms, sessions=[], duties={})
    answer = msgspec.convert(result, Timetable)
    teams = await team_facts(int(round_row["contest"]), [int(h.finalist[1:]) for h in answer.hearings if h.finalist])
    room_ids = [f"R{r.id}" for r in rooms]
    sessions = (
        await DefenceSession.select().where(DefenceSession.round == row["round"]).order_by(DefenceSession.starts_at)
    )
    grid = []
    for session in sessions:
        sid = f"S{session['id']}"
        heard = {(h.slot, h.room): h for h in answer.hearings if h.session == sid}
        panels = {p.room: p.judges for p in answer.panels if p.session == sid and p.slot is None}
        rows = []
        for n in range(session["slots"]):
            slot = f"{sid}-{n}"
            cells = []
            for room in room_ids:
                hearing = heard.get((slot, room))
                team = teams.get(int(hearing.finalist[1:])) if hearing and hearing.finalist else None
                cells.append(
                    CellOut(
                        team_id=team.team_id if team else None,
                        team=team.name if team else None,
                        university=team.university if team else None,
                    )
                )
            start = session["starts_at"] + timedelta(minutes=session["slot_minutes"] * n)
            rows.append(RowOut(start=start, end=start + timedelta(minutes=session["slot_minutes"]), cells=cells))
        grid.append(
            SessionGridOut(
                session_id=session["id"],
                name=session["name"],
                panels=[[labels.get(j, [j])[0] for j in panels.get(room, [])] for room in room_ids],
                rows=rows,
            )
        )
    duties = {labels.get(d.judge, [d.judge])[0]: d.load for d in answer.judges if d.load}
    return GridOut(timetable=_out(row), rooms=rooms, sessions=grid, duties=duties)


async def publish(rt: Runtime, actor: Principal, timetable_id: int) -> TimetableOut:
    """Make this timetable the round's (an earlier published one is superseded); judges on a panel are
    told in their portal. Publishing it again changes nothing."""
    async with write_transaction():
        row = await _row(timetable_id)
        round_row = await _round(actor, row["round"])
        if row["status"] == TimetableStatus.PUBLISHED.value:
            return _out(row)
        if row["status"] != TimetableStatus.DONE.value:
            raise InvalidState("Only a finished timetable can be published.")
        await DefenceTimetable.update({DefenceTimetable.status: TimetableStatus.SUPERSEDED.value}).where(
            (DefenceTimetable.round == row["round"]) & (DefenceTimetable.status == TimetableStatus.PUBLISHED.value)
        )
        await DefenceTimetable.update(
            {
                DefenceTimetable.status: TimetableStatus.PUBLISHED.value,
                DefenceTimetable.published_at: rt.clock.now(),
                DefenceTimetable.published_by: audit_id(actor),
            }
        ).where(DefenceTimetable.id == timetable_id)
        answer = msgspec.convert(json_value(row["result"]), Timetable)
        duties = Counter({d.judge: d.load for d in answer.judges if d.load})
        for judge, count in sorted(duties.items()):
            await notify(
                rt,
                int(judge[1:]),
                row["round"],
                PANEL_DUTY,
                requester=mail_limits.organizer(rt, audit_id(actor)),
                mail="judge_panel_duty",
                count=count,
                round=round_name(round_row),
            )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="defence.publish",
            object_type="round",
            object_id=row["round"],
            after={"timetable": timetable_id},
        )
    return await timetable_of(actor, timetable_id)


async def export_csv(actor: Principal, timetable_id: int, language: str = "zh-CN") -> str:
    """The timetable as CSV (UTF-8 with BOM, for Excel): one row per room-slot with its finalist and panel."""
    grid = await grid_of(actor, timetable_id)
    row = await _row(timetable_id)
    zone = (await contests.contest(int((await rounds.round_row(row["round"]))["contest"]))).time_zone
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    header = ["session", "start", "end", "room", "team", "university", "panel"]
    if language != "en":
        header = ["场次", "开始", "结束", "教室", "队伍", "学校", "评委"]
    writer.writerow(header)
    for session in grid.sessions:
        for slot in session.rows:
            for room, cell, panel in zip(grid.rooms, slot.cells, session.panels, strict=True):
                writer.writerow(
                    [
                        _safe(session.name),
                        _local(slot.start, zone).strftime("%Y-%m-%d %H:%M"),
                        _local(slot.end, zone).strftime("%H:%M"),
                        _safe(room.name),
                        _safe(cell.team or ""),
                        _safe(cell.university.pick(language) if cell.university else ""),
                        _safe("、".join(panel) if language != "en" else ", ".join(panel)),
                    ]
                )
    return out.getvalue()


def _safe(value: str) -> str:
    """Text that would start a formula in a spreadsheet is prefixed with an apostrophe (OWASP)."""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value
