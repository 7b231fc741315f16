"""What every service call needs besides its input: settings, clock, password hasher, Redis, and the
ports through which a lower domain asks a higher one (wired by the shell, never imported)."""

from dataclasses import dataclass
from typing import Any, Protocol

import msgspec
from argon2 import PasswordHasher

from contest.lib.clock import Clock
from contest.lib.settings import Settings


class RosterFacts(msgspec.Struct, frozen=True):
    """What the teams of a contest already are: a change of team rules must still fit them."""

    largest_team: int
    most_advisors: int
    mixes_universities: bool


class TeamsPort(Protocol):
    """Questions the accounts and contests domains ask of teams (which build on both)."""

    async def roster_facts(self, contest_id: int) -> RosterFacts: ...

    async def university_changes(self, clock: Clock, user_id: int) -> None:
        """Refuse (a team member) or follow up (end a teacher's advisorships) a change of university."""
        ...


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    clock: Clock
    hasher: PasswordHasher
    teams: TeamsPort
    # arq's Redis connection; None only where no Redis is configured (some unit tests).
    redis: Any = None

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url
