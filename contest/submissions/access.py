"""Who may hand in and read entries: a team's members hand in; its members and the organizers of its
region read; organizers see the rounds of their regions."""

from contest.lib.errors import Forbidden, NotFound
from contest.lib.principal import Principal
from contest.teams.access import organizes


def require_member(actor: Principal, members: list[int]) -> None:
    if actor.user_id not in members:
        raise NotFound("No such upload.")


def require_participant(takes_part: bool) -> None:
    if not takes_part:
        raise Forbidden("Your team does not take part in this round.")


def require_reader(actor: Principal, team: dict[str, object], members: list[int]) -> None:
    """A team's members, and the organizers of its contest and region; to anyone else the file does
    not exist."""
    if actor.user_id not in members and not organizes(actor, team):
        raise NotFound("No such upload.")


def require_team_organizer(actor: Principal, team: dict[str, object]) -> None:
    if not organizes(actor, team):
        raise Forbidden("You do not organize this team's contest or region.")
