"""Every e-mail the platform sends, recorded with its delivery state."""

from typing import Any

from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.lib.tables import USER


class MailMessage(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    recipient = Varchar(length=254, index=True)
    user: ForeignKey[Any] = ForeignKey(USER, null=True, default=None)
    language = Varchar(length=8)
    template = Varchar(length=64)
    subject = Varchar(length=300)
    body_text = Text()
    # queued -> sent | failed (retried by the job until arq gives up)
    status = Varchar(length=16, default="queued")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    error = Text(default="")
    # Times an organizer sent a failed message again (each try is a job of its own).
    resends = Integer(default=0)
    # Names a notice that goes out once (say "results:<run>:<user>"): unique where set (an index in
    # the migration), so a job that runs twice mails nobody twice.
    dedupe_key = Varchar(length=120, null=True, default=None)
