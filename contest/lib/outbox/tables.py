"""The job outbox: a row written with the change, handed to arq after commit."""

from piccolo.columns import JSON, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class OutboxJob(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    # kind + object + input version: a re-run after a change gets a new id, a replay the same one.
    job_id = Varchar(length=200, unique=True)
    function = Varchar(length=100)
    kwargs = JSON(default="{}")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    last_error = Text(default="")
