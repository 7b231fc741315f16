"""Reading judges: who holds the judge's right in a contest, their profiles (or the defaults), and
their availability and loads in a round."""

from typing import Any

import msgspec

from contest.accounts import service as accounts
from contest.accounts import staff
from contest.contests import service as contests
from contest.lib.db import json_value
from contest.lib.errors import NotFound
from contest.lib.principal import SYSTEM, Principal, Role
from contest.lib.schemas import Name
from contest.regions import service as regions
from judging.judges import access
from judging.judges.schemas import AvailabilityOut, JudgeOut
from judging.judges.tables import JudgeProfile, JudgeRound

EVERY_UNIVERSITY = 100_000


class RoundLoad(msgspec.Struct, frozen=True):
    """A judge's availability and loads in force in one round."""

    available: bool
    min_load: int
    max_load: int | None
    explicit: bool


async def judge_ids(contest_id: int) -> dict[int, int | None]:
    """Every holder of the judge's right in the contest, with the region of their grant (None when a
    grant covers every region)."""
    found: dict[int, int | None] = {}
    for grant in await staff.staff_of(SYSTEM, contest_id):
        if grant.role == Role.JUDGE.value and (grant.user_id not in found or grant.region_id is None):
            found[grant.user_id] = grant.region_id
    return found


async def judges(contest_id: int, user_ids: list[int] | None = None) -> list[JudgeOut]:
    """The contest's judges (or those of `user_ids` among them) with their profiles, by name."""
    granted = await judge_ids(contest_id)
    wanted = list(granted) if user_ids is None else [u for u in user_ids if u in granted]
    people = await accounts.accounts(wanted)
    profiles = {
        r["user"]: r
        for r in await JudgeProfile.select().where(
            (JudgeProfile.contest == contest_id) & JudgeProfile.user.is_in(wanted or [0])
        )
    }
    region_rows = {r.id: r for r in await regions.list_regions()}
    universities = {u.id: u for u in await regions.search_universities("", limit=EVERY_UNIVERSITY)}
    track_codes = {t.id: t.code for t in await contests.tracks_of(contest_id)}
    out = []
    for user_id in wanted:
        person = people.get(user_id)
        if person is None:
            continue
        profile = profiles.get(user_id)
        university_id = profile["university"] if profile else person.university_id
        region_id = profile["region"] if profile else granted[user_id]
        tracks = [int(t) for t in json_value(profile["tracks"])] if profile else []
        university = universities.get(university_id) if university_id else None
        region = region_rows.get(region_id) if region_id else None
        out.append(
            JudgeOut(
                user_id=user_id,
                name=person.name,
                email=person.email,
                has_profile=profile is not None,
                university_id=university_id,
                university=Name(university.name_zh, university.name_en) if university else None,
                region_id=region_id,
                region_code=region.code if region else None,
                region=Name(region.name_zh, region.name_en) if region else None,
                expertise=list(json_value(profile["expertise"])) if profile else [],
                tracks=tracks,
                track_codes=[track_codes[t] for t in tracks if t in track_codes],
                min_load=profile["min_load"] if profile else 0,
                max_load=profile["max_load"] if profile else None,
                note=profile["note"] if profile else "",
            )
        )
    return sorted(out, key=lambda j: (j.region_code or "", j.name, j.user_id))


async def judges_for(actor: Principal, contest_id: int) -> list[JudgeOut]:
    """The judges the actor manages: every one for national organizers, a region's for its organizers."""
    scope = access.organizer_regions(actor, contest_id)
    return [j for j in await judges(contest_id) if access.may_manage(scope, j.region_id)]


async def judge_for(actor: Principal, contest_id: int, user_id: int) -> JudgeOut:
    """One judge the actor manages, or NotFound."""
    found = await judges(contest_id, [user_id])
    if not found:
        raise NotFound("No such judge in this contest.")
    access.require_manager(actor, contest_id, found[0].region_id)
    return found[0]


def _load(row: dict[str, Any] | None, judge: JudgeOut, online: bool) -> RoundLoad:
    if row is None:
        # Online rounds count on every judge unless told otherwise; an on-site panel is chosen.
        return RoundLoad(online, judge.min_load, judge.max_load, False)
    low = judge.min_load if row["min_load"] is None else row["min_load"]
    high = judge.max_load if row["max_load"] is None else row["max_load"]
    return RoundLoad(bool(row["available"]), low, high, True)


async def round_loads(round_id: int, judges_: list[JudgeOut], *, online: bool = True) -> dict[int, RoundLoad]:
    """Per judge: available in the round, and the loads in force there. Without a row of their own,
    judges are available in online rounds and not in on-site ones."""
    rows = {
        r["user"]: r
        for r in await JudgeRound.select().where(
            (JudgeRound.round == round_id) & JudgeRound.user.is_in([j.user_id for j in judges_] or [0])
        )
    }
    return {j.user_id: _load(rows.get(j.user_id), j, online) for j in judges_}


async def availability(actor: Principal, contest_id: int, round_id: int, *, online: bool) -> list[AvailabilityOut]:
    """The availability of the judges the actor manages in one round."""
    managed = await judges_for(actor, contest_id)
    loads = await round_loads(round_id, managed, online=online)
    return [
        AvailabilityOut(
            user_id=j.user_id,
            round_id=round_id,
            available=loads[j.user_id].available,
            min_load=loads[j.user_id].min_load,
            max_load=loads[j.user_id].max_load,
            explicit=loads[j.user_id].explicit,
        )
        for j in managed
    ]
