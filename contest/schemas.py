"""Shapes shared by every domain's API."""

from datetime import datetime
from typing import Annotated, Any

import msgspec

# An instant must say its offset: a bare "2027-04-01T23:59" would be read in nobody's time zone.
Instant = Annotated[datetime, msgspec.Meta(tz=True)]


class Patch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A partial update: fields left UNSET stay as they are."""

    def changes(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}
