"""Shapes shared by every domain: partial updates, instants, names in two languages, text fields."""

from datetime import datetime
from typing import Annotated, Any

import msgspec

# An instant must say its offset: a bare "2027-04-01T23:59" would be read in nobody's time zone.
Instant = Annotated[datetime, msgspec.Meta(tz=True)]

# Single-line fields refuse control characters (a line break in a name would become a mail header
# or the first lines of a mail); free text refuses only NUL, which no database stores.
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"
_TEXT = r"^[^\x00]*$"
Line32 = Annotated[str, msgspec.Meta(max_length=32, pattern=ONE_LINE)]
Line64 = Annotated[str, msgspec.Meta(max_length=64, pattern=ONE_LINE)]
Line100 = Annotated[str, msgspec.Meta(max_length=100, pattern=ONE_LINE)]
Line200 = Annotated[str, msgspec.Meta(max_length=200, pattern=ONE_LINE)]
Email = Annotated[str, msgspec.Meta(max_length=254, pattern=ONE_LINE)]
Secret = Annotated[str, msgspec.Meta(max_length=200, pattern=ONE_LINE)]
# An address the service validates (and folds: full-width, case); the document says so.
EmailAddress = Annotated[
    str, msgspec.Meta(max_length=254, pattern=ONE_LINE, extra_json_schema={"extra": {"format": "email"}})
]
# The secret of a mailed link: the service looks it up, so nothing but URL-safe characters can match.
MailedToken = Annotated[
    str,
    msgspec.Meta(
        max_length=200,
        pattern=ONE_LINE,
        extra_json_schema={
            "description": "The token from the mailed link (single use, it expires).",
            "extra": {"pattern": "^[A-Za-z0-9_-]{20,200}$"},
        },
    ),
]
Reason = Annotated[str, msgspec.Meta(max_length=1000, pattern=_TEXT)]
Notice = Annotated[str, msgspec.Meta(max_length=20000, pattern=_TEXT)]
# Ids fit every database's integer column (PostgreSQL's serial is 32-bit).
MAX_ID = 2**31 - 1
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class Patch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A partial update: fields left UNSET stay as they are."""

    def changes(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}


class Name(msgspec.Struct, frozen=True):
    """A name in Chinese and (maybe) English; people see the one of their language."""

    zh: str
    en: str = ""

    def pick(self, language: str) -> str:
        return self.en if language == "en" and self.en else self.zh

    def __str__(self) -> str:
        return self.zh


class Message(msgspec.Struct):
    """A plain answer to an action that returns nothing else."""

    message: str
