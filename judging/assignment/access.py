"""Who may run, adjust and publish an assignment: national organizers every round and region;
regional organizers their own region's part of a regional round; judges see their own entries."""

from typing import Any

from contest.lib.errors import Forbidden
from contest.lib.principal import Principal, Role


def organizer_regions(actor: Principal, contest_id: int) -> frozenset[int] | None:
    if not actor.organizes(contest_id):
        raise Forbidden("You do not have the right to do this.")
    return actor.organizer_regions(contest_id)


def require_national(actor: Principal, contest_id: int) -> None:
    """A round's settings serve every region: national organizers set them."""
    if organizer_regions(actor, contest_id) is not None:
        raise Forbidden("Only national organizers change a round's assignment settings.")


def require_scope(actor: Principal, round_row: dict[str, Any], region_id: int | None) -> None:
    """National organizers act on any part of any round; a regional organizer only on their region's
    entries of a regional round."""
    regions = organizer_regions(actor, int(round_row["contest"]))
    if regions is None:
        return
    if round_row["scope"] != "regional":
        raise Forbidden("Only national organizers assign the judges of a national round.")
    if region_id is None or region_id not in regions:
        raise Forbidden(
            "Regional organizers assign the entries of their own region: choose it.", {"region_id": "outside"}
        )


def may_see(actor: Principal, contest_id: int, region_id: int | None) -> bool:
    """Whether the actor sees a run or pair of this region (None: of every region)."""
    if not actor.organizes(contest_id):
        return False
    regions = actor.organizer_regions(contest_id)
    return regions is None or (region_id is not None and region_id in regions)


def require_judge(actor: Principal, contest_id: int) -> None:
    if not actor.has_role(Role.JUDGE, contest_id):
        raise Forbidden("Only judges of this contest have assigned entries.")
