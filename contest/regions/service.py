"""Regions, provinces and universities: reference data and look-ups."""

import csv
from importlib import resources
from typing import Any

import msgspec

from contest.audit import service as audit
from contest.clock import Clock
from contest.db import contains, write_transaction
from contest.errors import InvalidInput
from contest.regions.importer import ParsedFile, RowError, UniversityLine
from contest.regions.tables import Province, Region, University


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


async def list_regions() -> list[dict[str, Any]]:
    regions = await Region.select().order_by(Region.sort_order)
    provinces = await Province.select(Province.name_zh, Province.region).order_by(Province.id)
    for region in regions:
        region["provinces"] = [p["name_zh"] for p in provinces if p["region"] == region["id"]]
    return regions


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
            new.append(
                University(
                    name_zh=row.name_zh,
                    name_en=row.name_en,
                    region=region,
                    province=province["id"] if province else None,
                )
            )
            known.add(row.name_zh)
        if new:
            await University.insert(*new)
        return len(new)


class ImportReport(msgspec.Struct):
    created: int
    updated: int
    errors: list[RowError]


async def import_universities(clock: Clock, actor_id: int, parsed: ParsedFile) -> ImportReport:
    """Create or update universities by Chinese name. Any bad row refuses the whole file (with a
    report of every bad row), so a half-imported list never exists."""
    provinces = {p["name_zh"]: p for p in await Province.select(Province.id, Province.name_zh, Province.region)}
    regions = {}
    for r in await Region.select(Region.id, Region.code, Region.name_zh, Region.name_en):
        for key in (r["code"], r["name_zh"], r["name_en"]):
            regions[key.lower()] = r["id"]
    errors = list(parsed.errors)
    resolved: list[tuple[UniversityLine, Any, Any]] = []
    for row in parsed.rows:
        province = provinces.get(row.province) if row.province else None
        region = regions.get(row.region.lower()) if row.region else None
        if row.province and province is None:
            errors.append(RowError(row.line, f"unknown province: {row.province}"))
        elif row.region and region is None:
            errors.append(RowError(row.line, f"unknown region: {row.region}"))
        elif province is not None and region is not None and province["region"] != region:
            errors.append(RowError(row.line, f"{row.province} is not in region {row.region}"))
        else:
            resolved.append((row, province["region"] if province else region, province["id"] if province else None))
    if errors:
        raise InvalidInput(
            f"{len(errors)} row(s) need fixing; nothing was imported.",
            {f"line {e.line}": e.message for e in sorted(errors, key=lambda e: e.line)},
        )
    created = updated = 0
    async with write_transaction():
        existing = {u["name_zh"]: u["id"] for u in await University.select(University.id, University.name_zh)}
        for row, region_id, province_id in resolved:
            values: dict[Any, Any] = {
                University.name_en: row.name_en,
                University.region: region_id,
                University.province: province_id,
                University.email_domains: row.email_domains,
            }
            if row.name_zh in existing:
                await University.update(values).where(University.id == existing[row.name_zh])
                updated += 1
            else:
                await University.insert(
                    University(
                        name_zh=row.name_zh,
                        name_en=row.name_en,
                        region=region_id,
                        province=province_id,
                        email_domains=row.email_domains,
                    )
                )
                created += 1
        await audit.record(
            clock,
            actor_id=actor_id,
            action="university.import",
            object_type="university",
            object_id="*",
            after={"created": created, "updated": updated},
        )
    return ImportReport(created, updated, [])


async def search_universities(query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Universities whose Chinese or English name contains `query` (all of them, in order, when empty)."""
    select = University.select(
        University.id,
        University.name_zh,
        University.name_en,
        University.region._.code.as_alias("region_code"),
        University.region._.name_zh.as_alias("region_zh"),
        University.region._.name_en.as_alias("region_en"),
        University.province._.name_zh.as_alias("province"),
    )
    query = query.strip()
    if query:
        select = select.where(contains(University.name_zh, query) | contains(University.name_en, query))
    return await select.order_by(University.name_zh).limit(limit)
