"""A sheets file ranked without storing anything: organizers check a panel's sheets typed from paper
at the on-site final, or try another method on exported sheets. The file is the ranking command's
JSON (`python -m judging.ranking`); a malformed one is refused with the ranking's own reason."""

import asyncio

from contest.lib.errors import Forbidden, InvalidInput, Msg
from contest.lib.principal import Principal, Role
from judging.ranking import InputError, RankingResult, decode_input, rank

MAX_FILE_BYTES = 20 * 1024 * 1024


async def preview(actor: Principal, content: bytes) -> RankingResult:
    """Rank the sheets of `content` (organizers only)."""
    if not actor.has_role(Role.ORGANIZER):
        raise Forbidden("You do not have the right to do this.")
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("The sheets file may be 20 MB at most.", {"file": "too large"})
    try:
        data = decode_input(content)
        return await asyncio.to_thread(rank, data)
    except InputError as error:
        raise InvalidInput(Msg(error.reason.text, error.reason.params), {"file": "invalid"}) from None
