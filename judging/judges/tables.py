"""Judge profiles per contest and each judge's availability and loads per round."""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz
from piccolo.table import Table

from contest.accounts.tables import User
from contest.contests.tables import Contest
from contest.regions.tables import Region, University
from contest.rounds.tables import Round


class JudgeProfile(Table):
    """What assignment needs to know about a judge of a contest (unique per user and contest).

    A judge holding the grant but no profile counts with the defaults: the grant's region, the
    account's university, every track, no expertise, no load limits."""

    id: Serial  # added by Piccolo; declared for type checkers
    user = ForeignKey(User, null=False, index=True)
    contest = ForeignKey(Contest, null=False, index=True)
    university = ForeignKey(University, null=True, default=None)
    # None: a national judge (may review entries of any region where the round allows it).
    region = ForeignKey(Region, null=True, default=None)
    # Expertise tags, lower case: ["ai", "game", "education"].
    expertise = JSON(default="[]")
    # Track ids the judge reviews; empty: every track.
    tracks = JSON(default="[]")
    # Reviews per round: at least `min_load`, at most `max_load` (None: no upper limit).
    min_load = Integer(default=0)
    max_load = Integer(null=True, default=None)
    note = Text(default="")
    updated_at = Timestamptz()


class JudgeRound(Table):
    """A judge's availability in one round and loads that differ from the profile's (unique per user
    and round)."""

    id: Serial  # added by Piccolo; declared for type checkers
    user = ForeignKey(User, null=False, index=True)
    round = ForeignKey(Round, null=False, index=True)
    available = Boolean(default=True)
    # None: the profile's.
    min_load = Integer(null=True, default=None)
    max_load = Integer(null=True, default=None)
    updated_at = Timestamptz()
