"""JSON API of regions and universities."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter

from contest.accounts.api import me
from contest.accounts.guards import organizer, public
from contest.accounts.principal import Principal
from contest.clock import Clock
from contest.errors import Forbidden, InvalidInput
from contest.regions import service
from contest.regions.importer import parse_universities

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class RegionOut(msgspec.Struct):
    id: int
    code: str
    name_zh: str
    name_en: str
    provinces: list[str]


class UniversityOut(msgspec.Struct):
    id: int
    name_zh: str
    name_en: str
    region_code: str
    province: str | None


class ImportForm(msgspec.Struct):
    file: UploadFile


async def import_from_upload(clock: Clock, principal: Principal, upload: UploadFile) -> service.ImportReport:
    """Read an uploaded CSV/XLSX (5 MB at most) and import it; shared by the API and the console.
    The list serves every region, so regional organizers may not change it."""
    if not principal.organizes_nationally:
        raise Forbidden("Only national organizers import universities.")
    content = await upload.read()
    if len(content) > MAX_IMPORT_BYTES:
        raise InvalidInput("The file is larger than 5 MB.", {"file": "too large"})
    try:
        parsed = parse_universities(content, upload.filename or "upload.csv")
    except ValueError as exc:
        raise InvalidInput("The file cannot be read.", {"file": str(exc)}) from None
    return await service.import_universities(clock, principal.user_id, parsed)


class RegionController(Controller):
    path = "/"
    tags = ["regions"]

    @get("/regions", guards=[public])
    async def list_regions(self) -> list[RegionOut]:
        """The contest's regions (赛区) with their provinces, in the order the rules list them."""
        return [msgspec.convert(row, RegionOut) for row in await service.list_regions()]

    @get("/universities", guards=[public])
    async def universities(
        self, q: Annotated[str, Parameter(max_length=50)] = "", limit: Annotated[int, Parameter(ge=1, le=100)] = 20
    ) -> list[UniversityOut]:
        """Search universities by Chinese or English name (for the sign-up picker)."""
        return [msgspec.convert(row, UniversityOut) for row in await service.search_universities(q, limit)]

    @post("/universities/import", guards=[organizer])
    async def import_universities(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        clock: NamedDependency[Clock],
    ) -> service.ImportReport:
        """Import universities from CSV or XLSX. Any bad row refuses the file, with a per-row report."""
        return await import_from_upload(clock, me(request), data.file)
