"""Who may use the judge panel: judges of the round's contest, on the entries assigned to them."""

from contest.lib.errors import Forbidden, NotFound
from contest.lib.principal import Principal, Role


def require_judge(actor: Principal, contest_id: int) -> None:
    if not actor.has_role(Role.JUDGE, contest_id):
        raise Forbidden("Only the contest's judges score entries.")


def require_assigned(assigned: bool) -> None:
    """An entry the judge does not have does not exist for them."""
    if not assigned:
        raise NotFound("No entry with this code is assigned to you in this round.")
