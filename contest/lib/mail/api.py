"""JSON API of outgoing mail: what could not be delivered."""

from litestar import Controller, get
from litestar.di import NamedDependency

from contest.lib.guards import organizer
from contest.lib.mail import service
from contest.lib.principal import Principal


class MailController(Controller):
    path = "/mail"
    tags = ["mail"]
    guards = [organizer]

    @get("/failed")
    async def failed(self, actor: NamedDependency[Principal]) -> list[service.FailedMailOut]:
        """Messages that could never be sent (a refused address, a message that cannot be built),
        newest first; national organizers only."""
        return await service.failed_mail(actor)
