"""JSON API of outgoing mail: what could not be delivered."""

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from contest.lib.guards import organizer
from contest.lib.mail import service
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime


class MailController(Controller):
    path = "/mail"
    tags = ["mail"]
    guards = [organizer]

    @get("/failed")
    async def failed(self, actor: NamedDependency[Principal]) -> list[service.FailedMailOut]:
        """Messages that could never be sent (a refused address, a message that cannot be built),
        newest first; national organizers only."""
        return await service.failed_mail(actor)

    @post("/{message_id:int}/resend", status_code=200)
    async def resend(
        self, message_id: FromPath[int], rt: NamedDependency[Runtime], actor: NamedDependency[Principal]
    ) -> service.MailStatusOut:
        """Send an undelivered message again (after its cause was mended); national organizers only,
        counted against their hourly allowance."""
        return await service.resend(rt, actor, message_id)
