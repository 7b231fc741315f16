"""The development mailbox: the .eml files written when no SMTP server is configured.

Only in CONTEST_ENV=development; anywhere else the pages answer 404.
"""

import email
from email import policy
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from contest.lib.errors import NotFound
from contest.lib.guards import public
from contest.lib.mail.service import list_dev_mail
from contest.lib.settings import Settings
from frontend.templating import render


def _mailbox(settings: Settings) -> dict[str, Any]:
    if not settings.is_development:
        raise NotFound("Not found.")
    return {path.name: path for path in list_dev_mail(settings)}


class DevMailPages(Controller):
    path = "/dev/mail"
    include_in_schema = False
    guards = [public]

    @get("/")
    async def index(self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Template:
        messages = []
        for name, path in list(_mailbox(settings).items())[:200]:
            parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            messages.append({"name": name, "to": parsed["To"], "subject": parsed["Subject"], "date": parsed["Date"]})
        return render(request, "dev/mail.html", {"messages": messages, "message": None})

    @get("/{name:str}")
    async def show(
        self, request: Request[Any, Any, Any], name: FromPath[str], settings: NamedDependency[Settings]
    ) -> Template:
        path = _mailbox(settings).get(name)
        if path is None:
            raise NotFound("Not found.")
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        message = {
            "to": parsed["To"],
            "subject": parsed["Subject"],
            "date": parsed["Date"],
            "body": parsed.get_content(),
        }
        return render(request, "dev/mail.html", {"messages": [], "message": message})
