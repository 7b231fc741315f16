"""A round's rubric: its criteria as one JSON list (they change together, and never once sheets exist)."""

from piccolo.columns import JSON, ForeignKey, Serial, Timestamptz
from piccolo.table import Table

from contest.accounts.tables import User
from contest.rounds.tables import Round


class Rubric(Table):
    """The criteria of one round (a round without a row uses the default rubric)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, unique=True)
    # [{"code", "name_zh", "name_en", "weight", "max", "step", "guidance_zh", "guidance_en"}, ...]
    criteria = JSON(default=[])
    updated_by = ForeignKey(User, null=True, default=None)
    updated_at = Timestamptz()
