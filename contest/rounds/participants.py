"""Who takes part in a round, and each team's own window: extensions granted by organizers.

Round 1 usually takes every active team (`all_teams`); later rounds list their teams, set by
national organizers until results exist and then by the scoring work (`advance`).
"""

from datetime import timedelta
from typing import Any

from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import write_transaction
from contest.lib.errors import InvalidInput, InvalidState, NotFound
from contest.lib.principal import SYSTEM, Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.rounds import access
from contest.rounds.rules import extension_refusal, state
from contest.rounds.schemas import (
    ExtensionIn,
    ExtensionOut,
    ParticipantListOut,
    ParticipantOut,
    ParticipantsIn,
    TeamRoundOut,
)
from contest.rounds.service import round_of, round_row, rounds_of, window_of
from contest.rounds.tables import Extension, ParticipantSource, RoundTeam
from contest.teams import queries as teams
from contest.teams.common import load_team
from contest.teams.queries import TeamFilter
from contest.teams.schemas import TeamStatus

# Large enough for every team of a contest in one page (6,000 at the design's scale).
EVERY_TEAM = 100_000


def settle_time(rt: Runtime) -> timedelta:
    """How long an upload address handed out before the close stays valid: entries are pinned after."""
    return timedelta(minutes=rt.settings.upload_url_minutes)


async def extra_minutes(round_id: int, team_ids: list[int]) -> dict[int, int]:
    rows = await Extension.select(Extension.team, Extension.minutes).where(
        (Extension.round == round_id) & Extension.team.is_in(team_ids or [0])
    )
    return {r["team"]: r["minutes"] for r in rows}


async def takes_part(row: dict[str, Any], team: dict[str, Any]) -> bool:
    """Whether an (active) team of the round's contest takes part in the round."""
    if team["contest"] != row["contest"] or team["status"] != TeamStatus.ACTIVE.value:
        return False
    if row["all_teams"]:
        return True
    return bool(await RoundTeam.exists().where((RoundTeam.round == row["id"]) & (RoundTeam.team == team["id"])))


async def team_round(rt: Runtime, round_id: int, team_id: int) -> TeamRoundOut:
    """The round as this team sees it: whether it takes part and its own window."""
    row = await round_row(round_id)
    team = await load_team(team_id)
    extra = (await extra_minutes(round_id, [team_id])).get(team_id, 0)
    window = window_of(row, extra)
    return TeamRoundOut(
        round=await round_of(rt, round_id),
        team_id=team_id,
        takes_part=await takes_part(row, team),
        extra_minutes=extra,
        closes_at=window.close,
        grace_ends_at=window.grace_end,
        state=state(window, rt.clock.now()),
    )


async def team_rounds(rt: Runtime, contest_id: int, team_id: int) -> list[TeamRoundOut]:
    """Every round of the contest as this team sees it, in order."""
    return [await team_round(rt, r.id, team_id) for r in await rounds_of(rt, contest_id)]


async def participant_ids(row: dict[str, Any]) -> list[int]:
    """Every team taking part in the round (for the jobs that pin entries)."""
    if row["all_teams"]:
        listed = await teams.list_teams(SYSTEM, row["contest"], TeamFilter(status="active"), per_page=EVERY_TEAM)
        return [t.id for t in listed.teams]
    rows = await RoundTeam.select(RoundTeam.team).where(
        (RoundTeam.round == row["id"]) & (RoundTeam.team._.status == TeamStatus.ACTIVE.value)
    )
    return [r["team"] for r in rows]


async def participant_count(row: dict[str, Any]) -> int:
    """How many teams take part in the round (cheaper than listing them)."""
    if row["all_teams"]:
        return (await teams.list_teams(SYSTEM, row["contest"], TeamFilter(status="active"), per_page=1)).total
    return await RoundTeam.count().where(
        (RoundTeam.round == row["id"]) & (RoundTeam.team._.status == TeamStatus.ACTIVE.value)
    )


async def participants(
    actor: Principal,
    round_id: int,
    *,
    region_id: int | None = None,
    track_id: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> ParticipantListOut:
    """The teams taking part, one page, with their extension (a regional organizer sees their regions)."""
    row = await round_row(round_id)
    regions = access.organizer_regions(actor, row["contest"])
    if row["all_teams"]:
        listed = await teams.list_teams(
            actor,
            row["contest"],
            TeamFilter(region_id=region_id, track_id=track_id, status="active"),
            page=page,
            per_page=per_page,
        )
        extra = await extra_minutes(round_id, [t.id for t in listed.teams])
        found = [
            ParticipantOut(
                team_id=t.id,
                name=t.name,
                status=t.status,
                university=Name(t.university, t.university_en),
                region=t.region,
                track=Name(t.track, t.track_en),
                source="all",
                extra_minutes=extra.get(t.id, 0),
            )
            for t in listed.teams
        ]
        return ParticipantListOut(all_teams=True, total=listed.total, participants=found)
    where = _listed_where(round_id, regions, region_id, track_id)
    rows = await (
        RoundTeam.select(
            RoundTeam.team.as_alias("team_id"),
            RoundTeam.source,
            RoundTeam.team._.name.as_alias("name"),
            RoundTeam.team._.status.as_alias("status"),
            RoundTeam.team._.university._.name_zh.as_alias("university_zh"),
            RoundTeam.team._.university._.name_en.as_alias("university_en"),
            RoundTeam.team._.university._.region._.code.as_alias("region"),
            RoundTeam.team._.track._.name_zh.as_alias("track_zh"),
            RoundTeam.team._.track._.name_en.as_alias("track_en"),
        )
        .where(where)
        .order_by(RoundTeam.team)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    extra = await extra_minutes(round_id, [r["team_id"] for r in rows])
    found = [
        ParticipantOut(
            team_id=r["team_id"],
            name=r["name"],
            status=r["status"],
            university=Name(r["university_zh"], r["university_en"] or ""),
            region=r["region"],
            track=Name(r["track_zh"], r["track_en"] or ""),
            source=r["source"],
            extra_minutes=extra.get(r["team_id"], 0),
        )
        for r in rows
    ]
    return ParticipantListOut(all_teams=False, total=await RoundTeam.count().where(where), participants=found)


def _listed_where(round_id: int, regions: frozenset[int] | None, region_id: int | None, track_id: int | None) -> Any:
    where: Any = RoundTeam.round == round_id
    if regions is not None:
        where &= RoundTeam.team._.university._.region.is_in(list(regions) or [0])
    if region_id is not None:
        where &= RoundTeam.team._.university._.region == region_id
    if track_id is not None:
        where &= RoundTeam.team._.track == track_id
    return where


async def _replace_listed(
    clock: Clock, actor: Principal, row: dict[str, Any], team_ids: list[int], source: ParticipantSource
) -> ParticipantListOut:
    wanted = list(dict.fromkeys(team_ids))
    if wanted:
        known = await teams.list_teams(SYSTEM, row["contest"], TeamFilter(), per_page=EVERY_TEAM)
        unknown = sorted(set(wanted) - {t.id for t in known.teams})
        if unknown:
            raise InvalidInput(
                "Some of these teams are not teams of this contest: {ids}.",
                {"team_ids": "unknown team"},
                ids=", ".join(map(str, unknown[:10])),
            )
    async with write_transaction():
        current = {r["team"] for r in await RoundTeam.select(RoundTeam.team).where(RoundTeam.round == row["id"])}
        added, removed = [t for t in wanted if t not in current], sorted(current - set(wanted))
        if removed:
            await RoundTeam.delete().where((RoundTeam.round == row["id"]) & RoundTeam.team.is_in(removed))
        kept = [t for t in wanted if t in current]
        if kept:  # the list now comes from `source` as a whole
            await RoundTeam.update({RoundTeam.source: source.value}).where(
                (RoundTeam.round == row["id"]) & RoundTeam.team.is_in(kept)
            )
        if added:
            await RoundTeam.insert(
                *[
                    RoundTeam(
                        round=row["id"],
                        team=t,
                        source=source.value,
                        added_by=audit_id(actor),
                        added_at=clock.now(),
                    )
                    for t in added
                ]
            )
        await audit.record(
            clock,
            actor_id=audit_id(actor),
            action="round.participants",
            object_type="round",
            object_id=row["id"],
            after={"added": added, "removed": removed, "source": source.value},
        )
    return await participants(SYSTEM, row["id"], per_page=1)


async def set_participants(rt: Runtime, actor: Principal, round_id: int, data: ParticipantsIn) -> ParticipantListOut:
    """Replace the list of teams taking part (national organizers; the round must list its teams)."""
    row = await round_row(round_id)
    access.require_national_organizer(actor, row["contest"])
    if row["all_teams"]:
        raise InvalidState("Every active team takes part in this round; it has no list to set.")
    return await _replace_listed(rt.clock, actor, row, data.team_ids, ParticipantSource.ORGANIZER)


async def advance(clock: Clock, round_id: int, team_ids: list[int]) -> ParticipantListOut:
    """The scoring work's door: the teams that advanced from results become the round's list."""
    row = await round_row(round_id)
    return await _replace_listed(clock, SYSTEM, row, team_ids, ParticipantSource.RESULTS)


async def extensions(actor: Principal, round_id: int) -> list[ExtensionOut]:
    """The extensions granted in a round (a regional organizer sees their regions')."""
    row = await round_row(round_id)
    regions = access.organizer_regions(actor, row["contest"])
    where: Any = (Extension.round == round_id) & (Extension.minutes > 0)
    if regions is not None:
        where &= Extension.team._.university._.region.is_in(list(regions) or [0])
    rows = await (
        Extension.select(
            *Extension.all_columns(),
            Extension.team._.name.as_alias("team_name"),
            Extension.granted_by._.name.as_alias("granted_by_name"),
        )
        .where(where)
        .order_by(Extension.team)
    )
    return [_extension(row, r) for r in rows]


def _extension(round_row_: dict[str, Any], r: dict[str, Any]) -> ExtensionOut:
    return ExtensionOut(
        team_id=r["team"],
        team=r["team_name"],
        minutes=r["minutes"],
        reason=r["reason"],
        granted_by=r["granted_by_name"] or "",
        granted_at=r["granted_at"],
        closes_at=window_of(round_row_, r["minutes"]).close,
    )


async def grant_extension(rt: Runtime, actor: Principal, round_id: int, data: ExtensionIn) -> ExtensionOut:
    """Give one team extra minutes in a round (0 takes them back), with a reason; audited. Organizers
    of the team's region may, until the team's entry is final."""
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput("Say why the team gets more time.", {"reason": "required"})
    async with write_transaction():
        row = await round_row(round_id)
        team = await load_team(data.team_id)
        if team["contest"] != row["contest"]:
            raise NotFound("No such team.")
        access.require_team_organizer(actor, team)
        if not await takes_part(row, team):
            raise InvalidState("This team does not take part in this round.")
        before = (await extra_minutes(round_id, [team["id"]])).get(team["id"], 0)
        refusal = extension_refusal(window_of(row, before), rt.clock.now(), settle_time(rt))
        if refusal is not None:
            raise InvalidState(refusal)
        await Extension.delete().where((Extension.round == round_id) & (Extension.team == team["id"]))
        await Extension.insert(
            Extension(
                round=round_id,
                team=team["id"],
                minutes=data.minutes,
                reason=reason,
                granted_by=audit_id(actor),
                granted_at=rt.clock.now(),
            )
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="round.extension",
            object_type="team",
            object_id=team["id"],
            before={"round": round_id, "minutes": before},
            after={"round": round_id, "minutes": data.minutes},
            reason=reason,
        )
        found = await (
            Extension.select(
                *Extension.all_columns(),
                Extension.team._.name.as_alias("team_name"),
                Extension.granted_by._.name.as_alias("granted_by_name"),
            )
            .where((Extension.round == round_id) & (Extension.team == team["id"]))
            .first()
        )
    assert found is not None
    return _extension(row, found)
