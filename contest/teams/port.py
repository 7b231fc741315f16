"""The teams domain answering the questions of the domains below it (wired by the shell)."""

from contest.accounts import service as accounts
from contest.accounts.schemas import AccountKind
from contest.lib.clock import Clock
from contest.lib.errors import InvalidState
from contest.lib.runtime import RosterFacts
from contest.teams import queries
from contest.teams.advisors import end_advisorships
from contest.teams.tables import TeamMember


class TeamsAdapter:
    """Implements `contest.lib.runtime.TeamsPort`."""

    async def roster_facts(self, contest_id: int) -> RosterFacts:
        return await queries.roster_facts(contest_id)

    async def university_changes(self, clock: Clock, user_id: int) -> None:
        if await TeamMember.exists().where(TeamMember.user == user_id):
            raise InvalidState("Leave your team before changing university.", {"university": "in a team"})
        if (await accounts.account(user_id)).kind == AccountKind.TEACHER.value:
            await end_advisorships(clock, user_id)
