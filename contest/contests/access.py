"""Who may create contests and change their settings."""

from contest.lib.errors import Forbidden
from contest.lib.principal import Principal


def require_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise Forbidden("You do not have the right to do this.")


def require_national_organizer(actor: Principal, contest_id: int) -> None:
    """Settings and tracks serve every region: national organizers (and admins) change them."""
    if not actor.organizes(contest_id) or actor.organizer_regions(contest_id) is not None:
        raise Forbidden("Only national organizers change the contest's settings.")
