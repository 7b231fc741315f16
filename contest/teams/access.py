"""Who may see and change a team: its members, its leader, its advisors, its organizers."""

from contest.lib.errors import Forbidden
from contest.lib.principal import Principal


def organizes(actor: Principal, team: dict[str, object]) -> bool:
    """Organizer grants are scoped by contest and region: checked against this team."""
    return actor.organizes(int(team["contest"]), int(team["region"]))  # type: ignore[call-overload]


def require_organizer(actor: Principal, team: dict[str, object]) -> None:
    if not organizes(actor, team):
        raise Forbidden("You do not organize this team's contest or region.")


def require_leader(actor: Principal, team: dict[str, object]) -> None:
    if team["leader"] != actor.user_id:
        raise Forbidden("Only the team leader can do this.")


def require_member(actor: Principal, members: list[int]) -> None:
    if actor.user_id not in members:
        raise Forbidden("You are not in this team.")


def require_reader(actor: Principal, team: dict[str, object], members: list[int], advisors: list[int]) -> None:
    """Members, the team's advisors and its organizers may see a team; nobody else."""
    if actor.user_id in members or actor.user_id in advisors or organizes(actor, team):
        return
    raise Forbidden("You can only see your own team.")
