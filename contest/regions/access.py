"""Who may change the reference data of regions and universities."""

from contest.lib.errors import Forbidden
from contest.lib.principal import Principal


def require_list_editor(actor: Principal) -> None:
    """The university list serves every region, so only national organizers (and admins) change it."""
    if not actor.organizes_nationally():
        raise Forbidden("Only national organizers import universities.")
