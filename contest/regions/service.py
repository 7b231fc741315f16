"""Regions, provinces and universities: reference data and look-ups."""

import csv
from importlib import resources
from typing import Any

import msgspec

from contest.db import write_transaction
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
