"""Who may see and act on results: organizers of the contest read them; national organizers compute,
adjust, publish and answer appeals; a team's members read their own result and appeal."""

from contest.lib.errors import Forbidden, NotFound
from contest.lib.principal import Principal


def require_reader(actor: Principal, contest_id: int) -> None:
    if not actor.organizes(contest_id):
        raise Forbidden("You do not have the right to do this.")


def require_manager(actor: Principal, contest_id: int) -> None:
    """Results span every region (national wildcards): national organizers decide them."""
    if not actor.organizes_nationally(contest_id):
        raise Forbidden("Only national organizers compute, adjust and publish results.")


def require_member(actor: Principal, members: list[int]) -> None:
    if actor.user_id not in members:
        raise NotFound("No such team.")
