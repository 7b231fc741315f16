"""Regions, provinces and universities: reference data, look-ups for other domains, search, import."""

import csv
from collections.abc import Iterable
from importlib import resources
from typing import Any

import msgspec

from contest.lib.audit import service as audit
from contest.lib.db import chunks, like_ci, write_transaction
from contest.lib.errors import InvalidInput, NotFound
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.spreadsheets import parse_bounded
from contest.regions import access, importer
from contest.regions.importer import ParsedFile, RowError, UniversityLine
from contest.regions.schemas import ImportReport, RegionChoices, RegionOut, UniversityOut
from contest.regions.search import like_patterns, normalise_query, rank, search_keys
from contest.regions.tables import Province, Region, University

MIB = 1024 * 1024


class RegionRow(msgspec.Struct):
    code: str
    name_zh: str
    name_en: str
    provinces: list[str]


class UniversityRow(msgspec.Struct):
    name_zh: str
    name_en: str
    province_zh: str


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("contest.regions").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def reference_regions() -> list[RegionRow]:
    """The contest's eight regions with their provinces, as the public rules list them."""
    return [
        RegionRow(r["code"], r["name_zh"], r["name_en"], [p for p in r["provinces_zh"].split(";") if p])
        for r in _csv("regions.csv")
    ]


def reference_universities() -> list[UniversityRow]:
    """A realistic sample of universities for the demo and tests (organizers import the full list)."""
    return [UniversityRow(r["name_zh"], r["name_en"], r["province_zh"]) for r in _csv("universities.csv")]


async def ensure_regions() -> None:
    """Insert the eight regions and their provinces where missing (idempotent)."""
    async with write_transaction():
        existing = {row["code"]: row["id"] for row in await Region.select(Region.id, Region.code)}
        known_provinces = {row["name_zh"] for row in await Province.select(Province.name_zh)}
        for order, region in enumerate(reference_regions()):
            region_id = existing.get(region.code)
            if region_id is None:
                inserted = await Region.insert(
                    Region(code=region.code, name_zh=region.name_zh, name_en=region.name_en, sort_order=order)
                )
                region_id = inserted[0]["id"]
            new = [p for p in region.provinces if p not in known_provinces]
            if new:
                await Province.insert(*[Province(name_zh=p, region=region_id) for p in new])


async def list_regions() -> list[RegionOut]:
    regions = await Region.select().order_by(Region.sort_order)
    provinces = await Province.select(Province.name_zh, Province.region).order_by(Province.id)
    return [
        RegionOut(
            r["id"], r["code"], r["name_zh"], r["name_en"], [p["name_zh"] for p in provinces if p["region"] == r["id"]]
        )
        for r in regions
    ]


async def region_exists(region_id: int) -> bool:
    return await Region.exists().where(Region.id == region_id)


_COLUMNS = (
    University.id,
    University.name_zh,
    University.name_en,
    University.region.as_alias("region_id"),
    University.region._.code.as_alias("region_code"),
    University.region._.name_zh.as_alias("region_zh"),
    University.region._.name_en.as_alias("region_en"),
    University.province._.name_zh.as_alias("province"),
    University.pinyin,
    University.initials,
)


def _university(row: dict[str, Any]) -> UniversityOut:
    return UniversityOut(**{k: row[k] for k in UniversityOut.__struct_fields__})


async def university(university_id: int) -> UniversityOut:
    row = await University.select(*_COLUMNS).where(University.id == university_id).first()
    if row is None:
        raise NotFound("Unknown university.")
    return _university(row)


async def universities(university_ids: Iterable[int]) -> dict[int, UniversityOut]:
    """Many universities by id, in a few queries (unknown ids are left out)."""
    found: dict[int, UniversityOut] = {}
    for chunk in chunks(university_ids):
        for row in await University.select(*_COLUMNS).where(University.id.is_in(chunk)):
            found[row["id"]] = _university(row)
    return found


async def university_exists(university_id: int) -> bool:
    return await University.exists().where(University.id == university_id)


async def email_domain_matches(university_id: int | None, email: str) -> bool:
    """Whether `email` is on one of the university's mail domains (which confirms a teacher)."""
    if university_id is None:
        return False
    row = await University.select(University.email_domains).where(University.id == university_id).first()
    domain = email.rsplit("@", 1)[1]
    return row is not None and any(domain == d or domain.endswith("." + d) for d in row["email_domains"].split())


async def search_universities(query: str, limit: int = 20) -> list[UniversityOut]:
    """Universities that `query` names (Chinese or English name, pinyin, initials, abbreviations
    such as 浙大 or zju), best match first, then in pinyin order; all of them when empty."""
    query = normalise_query(query)
    select = University.select(*_COLUMNS)
    if not query:
        rows = await select.order_by(University.pinyin).order_by(University.name_zh).limit(limit)
        return [_university(r) for r in rows]
    columns = {
        "name_zh": University.name_zh,
        "name_zh_abbrev": University.name_zh,
        "name_en": University.name_en,
        "pinyin": University.pinyin,
        "pinyin_abbrev": University.pinyin,
        "initials": University.initials,
    }
    condition: Any = None
    for key, pattern in like_patterns(query).items():
        clause = like_ci(columns[key], pattern) if key == "name_en" else columns[key].like(pattern)
        condition = clause if condition is None else condition | clause
    if condition is None:
        return []
    ranked = []
    for row in await select.where(condition):
        score = rank(query, row["name_zh"], row["name_en"], row["pinyin"], row["initials"])
        if score is not None:
            ranked.append((score, row["pinyin"], row["name_zh"], row))
    ranked.sort(key=lambda item: item[:3])
    return [_university(item[3]) for item in ranked[:limit]]


async def universities_by_region() -> list[RegionChoices]:
    """Every university grouped by region, in pinyin order: the picker (the page adds search)."""
    universities = await search_universities("", limit=100_000)
    return [
        RegionChoices(region, [u for u in universities if u.region_id == region.id]) for region in await list_regions()
    ]


def _new_university(name_zh: str, name_en: str, region: int, province: int | None, domains: str = "") -> University:
    pinyin, initials = search_keys(name_zh)
    return University(
        name_zh=name_zh,
        name_en=name_en,
        region=region,
        province=province,
        email_domains=domains,
        pinyin=pinyin,
        initials=initials,
    )


async def add_universities(rows: list[UniversityRow]) -> int:
    """Add universities by province (region follows); existing names are kept. Returns how many were new."""
    async with write_transaction():
        provinces = {p["name_zh"]: p for p in await Province.select(Province.id, Province.name_zh, Province.region)}
        overseas = await Region.select(Region.id).where(Region.code == "OS").first()
        known = {u["name_zh"] for u in await University.select(University.name_zh)}
        new = []
        for row in rows:
            if row.name_zh in known:
                continue
            province = provinces.get(row.province_zh)
            region = province["region"] if province else (overseas["id"] if overseas else None)
            if region is None:
                continue
            new.append(_new_university(row.name_zh, row.name_en, region, province["id"] if province else None))
            known.add(row.name_zh)
        if new:
            await University.insert(*new)
        return len(new)


async def read_upload(rt: Runtime, content: bytes, filename: str) -> ParsedFile:
    """Parse an uploaded list in a bounded child process; every way it can fail is an InvalidInput
    naming the file."""
    return await parse_bounded(
        rt.settings, importer.parse_universities, content, filename or "upload.csv", rt.settings.import_max_rows
    )


async def import_universities(rt: Runtime, actor: Principal, filename: str, content: bytes) -> ImportReport:
    """Create or update universities by Chinese name from a CSV or XLSX file (IMPORT_MAX_MB, at most
    IMPORT_MAX_ROWS rows). Any bad row refuses the whole file (with a report of every bad row), so a
    half-imported list never exists."""
    access.require_list_editor(actor)
    if len(content) > rt.settings.import_max_mb * MIB:
        raise InvalidInput("The file is larger than {max} MB.", {"file": "too large"}, max=rt.settings.import_max_mb)
    parsed = await read_upload(rt, content, filename)
    resolved = await _resolve(parsed)
    created = updated = 0
    async with write_transaction():
        existing = {u["name_zh"]: u["id"] for u in await University.select(University.id, University.name_zh)}
        for row, region_id, province_id in resolved:
            if row.name_zh in existing:
                await University.update(
                    {
                        University.name_en: row.name_en,
                        University.region: region_id,
                        University.province: province_id,
                        University.email_domains: row.email_domains,
                    }
                ).where(University.id == existing[row.name_zh])
                updated += 1
            else:
                await University.insert(
                    _new_university(row.name_zh, row.name_en, region_id, province_id, row.email_domains)
                )
                created += 1
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="university.import",
            object_type="university",
            object_id="*",
            after={"created": created, "updated": updated},
        )
    return ImportReport(created, updated, [])


async def _resolve(parsed: ParsedFile) -> list[tuple[UniversityLine, int, int | None]]:
    """Each row with its region and province ids; InvalidInput listing every row that cannot be placed."""
    provinces = {p["name_zh"]: p for p in await Province.select(Province.id, Province.name_zh, Province.region)}
    regions = {}
    for r in await Region.select(Region.id, Region.code, Region.name_zh, Region.name_en):
        for key in (r["code"], r["name_zh"], r["name_en"]):
            regions[key.lower()] = r["id"]
    errors = list(parsed.errors)
    resolved: list[tuple[UniversityLine, int, int | None]] = []
    for row in parsed.rows:
        province = provinces.get(row.province) if row.province else None
        region = regions.get(row.region.lower()) if row.region else None
        if row.province and province is None:
            errors.append(RowError(row.line, "unknown province: {province}", {"province": row.province}))
        elif row.region and region is None:
            errors.append(RowError(row.line, "unknown region: {region}", {"region": row.region}))
        elif province is not None and region is not None and province["region"] != region:
            errors.append(
                RowError(
                    row.line, "{province} is not in region {region}", {"province": row.province, "region": row.region}
                )
            )
        else:
            region_id = int(province["region"] if province else region)  # type: ignore[arg-type]
            resolved.append((row, region_id, province["id"] if province else None))
    if errors:
        raise InvalidInput(
            "{count} row(s) need fixing; nothing was imported.",
            {f"line {e.line}": e.msg for e in sorted(errors, key=lambda e: e.line)},
            count=len(errors),
        )
    return resolved
