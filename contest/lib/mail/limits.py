"""How much mail one person can make the platform send: every `mail.send` names its requester.

Each mail takes one unit from its requester's hourly allowance and, when the requester is a person
(signed in or not), one from its recipient's, keyed on the canonical address, so "Ｄemo@…" and
"demo@…" are one recipient. Who is counted how:

- a signed-in person (invitations, verification resends): MAIL_LIMIT_PER_ACCOUNT_HOUR;
- an organizer acting as such (staff invitations, decisions that notify people): the larger
  MAIL_LIMIT_PER_ORGANIZER_HOUR; their mail is not counted against recipients, so a decision is never
  refused because its recipient had mail from elsewhere;
- an anonymous client (sign-ups, reset links), by its address: MAIL_LIMIT_PER_ADDRESS_HOUR (a campus
  network shares one address, hence a larger allowance than an account's);
- every recipient of a person's request: MAIL_LIMIT_PER_RECIPIENT_HOUR.

A reset link is counted against its recipient whether or not an account uses the address, so the
answer (accepted, or 429) never tells whether it exists.
"""

from typing import Any

import msgspec

from contest.lib.emails import canonical_or_none
from contest.lib.errors import RateLimited
from contest.lib.limits import canonical_client, count
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime

WINDOW_SECONDS = 3600
TOO_MANY_FOR_RECIPIENT = "This address has been sent enough e-mails for now; try again in an hour."
TOO_MANY_FROM_REQUESTER = "You have asked for many e-mails in the last hour; try again later."


class Requester(msgspec.Struct, frozen=True, kw_only=True):
    """Who makes a mail be sent, with their allowance; `recipient_limit` None: recipients are not
    counted (organizers, the platform itself). Build one with the functions below."""

    redis: Any
    key: str
    limit: int | None
    recipient_limit: int | None

    async def take(self, recipient: str) -> None:
        """Count one mail to `recipient`; RateLimited (and nothing counted as sent) when either
        allowance is used up."""
        limits = {} if self.limit is None else {f"rl:mail:by:{self.key}": self.limit}
        if self.recipient_limit is not None:
            limits[f"rl:mail:to:{canonical_or_none(recipient) or recipient.strip().lower()}"] = self.recipient_limit
        over = await count(self.redis, limits, WINDOW_SECONDS)
        if any(key.startswith("rl:mail:to:") for key in over):
            raise RateLimited(TOO_MANY_FOR_RECIPIENT)
        if over:
            raise RateLimited(TOO_MANY_FROM_REQUESTER)


def person(rt: Runtime, actor: Principal) -> Requester:
    """A signed-in person asking for mail (an invitation, a new verification link)."""
    settings = rt.settings
    return Requester(
        redis=rt.redis,
        key=f"acct:{actor.user_id}",
        limit=settings.mail_limit_per_account_hour,
        recipient_limit=settings.mail_limit_per_recipient_hour,
    )


def organizer(rt: Runtime, user_id: int | None) -> Requester:
    """An organizer (or admin; None: the platform acting as one) whose action mails people:
    invitations of staff, decisions."""
    return Requester(
        redis=rt.redis,
        key=f"staff:{user_id or 0}",
        limit=rt.settings.mail_limit_per_organizer_hour,
        recipient_limit=None,
    )


def client(rt: Runtime, address: str) -> Requester:
    """Someone not signed in (a sign-up, a reset link), by the address the request comes from."""
    settings = rt.settings
    return Requester(
        redis=rt.redis,
        key=f"addr:{canonical_client(address)}",
        limit=settings.mail_limit_per_address_hour,
        recipient_limit=settings.mail_limit_per_recipient_hour,
    )


def platform() -> Requester:
    """The platform itself (the CLI, the demo seed): not limited."""
    return Requester(redis=None, key="platform", limit=None, recipient_limit=None)
