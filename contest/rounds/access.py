"""Who may configure rounds and see their participants: national organizers configure; organizers of a
region see (and extend the deadlines of) that region's teams."""

from contest.lib.errors import Forbidden
from contest.lib.principal import Principal
from contest.teams.access import organizes


def require_national_organizer(actor: Principal, contest_id: int) -> None:
    """Rounds, their slots and their participants serve every region: national organizers set them."""
    if not actor.organizes(contest_id) or actor.organizer_regions(contest_id) is not None:
        raise Forbidden("Only national organizers configure the rounds.")


def organizer_regions(actor: Principal, contest_id: int) -> frozenset[int] | None:
    """The regions whose teams the actor oversees in this contest (None: all), or Forbidden."""
    if not actor.organizes(contest_id):
        raise Forbidden("You do not have the right to do this.")
    return actor.organizer_regions(contest_id)


def require_team_organizer(actor: Principal, team: dict[str, object]) -> None:
    """An organizer of the team's contest and region."""
    if not organizes(actor, team):
        raise Forbidden("You do not organize this team's contest or region.")
