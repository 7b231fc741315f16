"""Sheet rules as pure functions: when a judge may change a sheet."""

from datetime import datetime

from contest.lib.errors import Msg


def deadline(review_closes_at: datetime | None, due_at: datetime | None) -> datetime | None:
    """Until when a judge may change their sheet: the assignment's own due time (a judge given an entry
    late gets more time), else the round's review close; None when neither is set."""
    if due_at is not None and (review_closes_at is None or due_at > review_closes_at):
        return due_at
    return review_closes_at


def edit_refusal(review_opens_at: datetime | None, closes: datetime | None, now: datetime) -> Msg | None:
    """Why a sheet may not be saved now (None: it may). The close is exclusive."""
    if review_opens_at is not None and now < review_opens_at:
        return Msg("The review opens at {when}.", {"when": review_opens_at})
    if closes is not None and now >= closes:
        return Msg("The review closed at {when}: sheets can no longer change.", {"when": closes})
    return None
