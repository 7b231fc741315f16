"""Who may see and change judges: organizers of the contest; a regional organizer only the judges of
their regions (never national judges)."""

from contest.lib.errors import Forbidden
from contest.lib.principal import Principal


def organizer_regions(actor: Principal, contest_id: int) -> frozenset[int] | None:
    """The regions whose judges the actor manages (None: every region and the national judges), or
    Forbidden when they do not organize the contest."""
    if not actor.organizes(contest_id):
        raise Forbidden("You do not have the right to do this.")
    return actor.organizer_regions(contest_id)


def may_manage(regions: frozenset[int] | None, region_id: int | None) -> bool:
    return regions is None or (region_id is not None and region_id in regions)


def require_manager(actor: Principal, contest_id: int, region_id: int | None) -> None:
    """A judge of `region_id` (None: a national judge) is managed by organizers of that region."""
    if not may_manage(organizer_regions(actor, contest_id), region_id):
        raise Forbidden("You manage the judges of your own region only.", {"region_id": "outside"})
