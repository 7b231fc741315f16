"""What the regions domain hands out: regions with provinces, universities, import reports."""

import msgspec

from contest.regions.importer import RowError


class RegionOut(msgspec.Struct, frozen=True):
    id: int
    code: str
    name_zh: str
    name_en: str
    provinces: list[str]


class UniversityOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name_zh: str
    name_en: str
    region_id: int
    region_code: str
    region_zh: str
    region_en: str
    province: str | None
    # Search keys (pinyin and its initials) the picker filters on as people type.
    pinyin: str = ""
    initials: str = ""


class RegionChoices(msgspec.Struct, frozen=True):
    """One region of the university picker with its universities."""

    region: RegionOut
    universities: list[UniversityOut]


class ImportReport(msgspec.Struct):
    created: int
    updated: int
    errors: list[RowError]
