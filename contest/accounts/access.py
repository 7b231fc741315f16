"""Who may manage staff grants and confirm teachers of a contest."""

from contest.lib.errors import Forbidden
from contest.lib.principal import Principal


def organizer_regions(actor: Principal, contest_id: int) -> frozenset[int] | None:
    """The regions this organizer oversees in the contest (None: every region); Forbidden when
    they do not organize it at all."""
    if not actor.organizes(contest_id):
        raise Forbidden("You do not have the right to do this.")
    return actor.organizer_regions(contest_id)


def require_inviter(actor: Principal, contest_id: int, region_id: int | None) -> None:
    """Organizers grant judge and organizer rights; a regional one only inside their regions, never
    national ones."""
    regions = organizer_regions(actor, contest_id)
    if regions is not None and region_id not in regions:
        raise Forbidden("You may invite judges and organizers of your own region only.", {"region_id": "outside"})
