"""The organizers' view of a round: per region and track, who submitted, what is missing, which checks
failed; and a team's pinned entry."""

from typing import Any

from contest.lib.db import json_value
from contest.lib.errors import NotFound
from contest.lib.principal import Principal
from contest.rounds import access as round_access
from contest.rounds import participants
from contest.rounds.service import round_row, slots_of
from contest.submissions import access
from contest.submissions.pinning import pinned_entry
from contest.submissions.rules import gaps
from contest.submissions.schemas import Only, PinnedEntryOut, RegionCount, RoundStatusOut, TeamStatusOut
from contest.submissions.tables import Entry, PinnedEntry, Upload, UploadStatus
from contest.teams.common import load_team

EVERY_TEAM = participants.EVERY_TEAM
_SHOWN = {
    "submitted": lambda t: t.submitted_at is not None,
    "unsubmitted": lambda t: t.submitted_at is None,
    "incomplete": lambda t: bool(t.missing or t.failed),
    "failed": lambda t: bool(t.failed or t.latest_failed),
}


async def round_status(
    actor: Principal,
    round_id: int,
    *,
    region_id: int | None = None,
    track_id: int | None = None,
    only: Only | None = None,
    page: int = 1,
    per_page: int = 100,
) -> RoundStatusOut:
    """Counts by region of the teams taking part (those the actor oversees), then one page of them
    (optionally only those that submitted, did not, are incomplete, or have a failed check)."""
    listing = await participants.participants(
        actor, round_id, region_id=region_id, track_id=track_id, per_page=EVERY_TEAM
    )
    team_ids = [p.team_id for p in listing.participants]
    slots = await slots_of(round_id)
    entries = {
        e["team"]: e for e in await Entry.select().where((Entry.round == round_id) & Entry.team.is_in(team_ids or [0]))
    }
    uploads = (
        await Upload.select(Upload.id, Upload.team, Upload.slot, Upload.status, Upload.version)
        .where(
            (Upload.round == round_id)
            & Upload.team.is_in(team_ids or [0])
            & Upload.status.not_in([UploadStatus.ISSUED.value, UploadStatus.CANCELLED.value])
        )
        .order_by(Upload.version)
    )
    statuses = {u["id"]: u["status"] for u in uploads}
    newest: dict[tuple[int, int], str] = {(u["team"], u["slot"]): u["status"] for u in uploads}
    pinned = {
        r["team"]
        for r in await PinnedEntry.select(PinnedEntry.team).where(
            (PinnedEntry.round == round_id) & PinnedEntry.team.is_in(team_ids or [0])
        )
    }
    rows: list[TeamStatusOut] = []
    by_region: dict[str, RegionCount] = {}
    for p in listing.participants:
        entry = entries.get(p.team_id)
        submitted = {int(k): int(v) for k, v in (json_value(entry["submitted"]) if entry else {}).items()}
        found = gaps(slots, submitted, statuses)
        row = TeamStatusOut(
            team_id=p.team_id,
            name=p.name,
            region=p.region,
            university=p.university,
            track=p.track,
            extra_minutes=p.extra_minutes,
            submitted_at=entry["submitted_at"] if entry else None,
            missing=found.missing,
            failed=found.failed,
            checking=found.checking,
            latest_failed=[s.code for s in slots if newest.get((p.team_id, s.id)) == UploadStatus.REJECTED.value],
            pinned=p.team_id in pinned,
        )
        count = by_region.setdefault(p.region, RegionCount())
        count.teams += 1
        count.submitted += row.submitted_at is not None
        count.complete += row.submitted_at is not None and found.ready
        count.failed += bool(row.failed or row.latest_failed)
        rows.append(row)
    shown = [r for r in rows if only is None or _SHOWN[only](r)]
    start = (page - 1) * per_page
    return RoundStatusOut(
        round_id=round_id,
        total=len(rows),
        by_region=dict(sorted(by_region.items())),
        shown=len(shown),
        teams=shown[start : start + per_page],
    )


async def pinned_for(actor: Principal, round_id: int, team_id: int) -> PinnedEntryOut:
    """A team's pinned entry, for the organizers of its region (the judge panel reads the same)."""
    row = await round_row(round_id)
    team: dict[str, Any] = await load_team(team_id)
    round_access.organizer_regions(actor, row["contest"])
    access.require_team_organizer(actor, team)
    found = await pinned_entry(round_id, team_id)
    if found is None:
        raise NotFound("This team's entry is not pinned yet.")
    return found
