"""Entry rules as pure functions: how a file goes up (one POST, or parts), the key and type it is stored
under, whether the parts that arrived make the file announced, a slot's limits as the checks take
them, the names a blind round warns about, and what a team's entry still lacks.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from contest.rounds.rules import KIND_MAX_MB
from contest.rounds.schemas import SlotOut
from storage.checks import Limits, Message, SlotConfig
from storage.checks.messages import TEXTS, megabytes

MIB = 1024 * 1024
ENTRIES_PREFIX = "entries/"
MAX_PARTS = 10_000  # S3's limit
# The only types an entry file is stored (and later served) as: never text/html.
CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    "pdf": ("application/pdf",),
    "video": ("video/mp4",),
    "zip": ("application/zip",),
    "image": ("image/png", "image/jpeg"),
}
EXTENSIONS = {
    "application/pdf": ".pdf",
    "video/mp4": ".mp4",
    "application/zip": ".zip",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}

# What the platform itself (not the file) says when a file does not count; the checks' own
# messages are in storage.checks.TEXTS.
PROBLEMS = {
    "check_timeout": (
        "Checking this file took longer than {seconds} seconds, so it was not accepted. "
        "Export it again in a standard format and upload it once more."
    ),
    "check_memory": (
        "Checking this file needed more memory than allowed, so it was not accepted. "
        "Export it again in a standard format and upload it once more."
    ),
    "check_failed": (
        "The file could not be checked (the checker stopped on it), so it was not accepted. "
        "Upload it again; if this happens again, tell the organizers."
    ),
    "file_changed": (
        "The stored file was replaced after it was uploaded, so this version does not count; upload the file again."
    ),
    "parts_mismatch": (
        "The parts that arrived do not add up to the file announced ({size} bytes); upload the file again."
    ),
}


def problem(id: str, **params: Any) -> Message:
    """A platform message (PROBLEMS) or a check's (storage.checks.TEXTS) by its id."""
    return Message(id=id, text=PROBLEMS.get(id) or TEXTS[id], params=params)


def max_bytes(slot: SlotOut) -> int:
    """The slot's size limit in bytes (its own, else its kind's)."""
    return (slot.max_mb or KIND_MAX_MB.get(slot.kind, 2048)) * MIB


def too_large(size: int, limit: int) -> Message:
    return problem("file_too_large", size_mb=megabytes(size, up=True), max_mb=megabytes(limit))


def slot_config(slot: SlotOut) -> SlotConfig:
    """The slot as the content checks take it."""
    return SlotConfig(
        kind=slot.kind,  # type: ignore[arg-type]
        max_bytes=max_bytes(slot),
        max_duration_s=slot.max_duration_s,
        limits=Limits(max_pages=slot.max_pages),
    )


def content_type_for(kind: str, declared: str) -> str:
    """The type the object is stored and served as: the browser's guess when the slot allows it,
    else the kind's own (the check judges the content anyway)."""
    allowed = CONTENT_TYPES[kind]
    return declared if declared in allowed else allowed[0]


class Plan(msgspec.Struct, frozen=True):
    """How a file of a given size goes up: one POST, or `part_count` parts of `part_size` bytes."""

    method: str
    part_size: int
    part_count: int


def plan_upload(size: int, part_bytes: int) -> Plan:
    """Files up to one part go in one POST (which binds their exact size); larger ones in parts,
    grown past `part_bytes` only when S3's 10,000 parts would not hold the file."""
    if size <= part_bytes:
        return Plan("post", size, 1)
    part = max(part_bytes, math.ceil(size / MAX_PARTS / MIB) * MIB)
    return Plan("multipart", part, math.ceil(size / part))


def object_key(contest_id: int, round_id: int, team_id: int, slot_code: str, token: str, content_type: str) -> str:
    """The key of a new version: made by the app from ids and a random token, never from a name the
    team chose."""
    return f"{ENTRIES_PREFIX}c{contest_id}/r{round_id}/t{team_id}/{slot_code}/{token}{EXTENSIONS[content_type]}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def display_name(filename: str) -> str:
    """The file's own name as shown and offered when downloading: its last path part, without control
    or direction-changing characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip()
    return name[:200] or "file"


class PartFacts(msgspec.Struct, frozen=True):
    number: int
    size: int


def parts_problem(parts: Sequence[PartFacts], plan: Plan, declared: int, limit: int) -> tuple[str, int] | None:
    """What is wrong with the parts that arrived: ("too_large", total) past the slot's limit,
    ("missing", count) when some are still to come (the upload can be resumed), ("mismatch", total)
    when they cannot make the file announced; None when they make it exactly."""
    total = sum(p.size for p in parts)
    if total > limit:
        return "too_large", total
    numbers = {p.number for p in parts}
    expected = set(range(1, plan.part_count + 1))
    if numbers - expected or len(numbers) != len(parts):
        return "mismatch", total
    if expected - numbers:
        return "missing", len(expected - numbers)
    last = declared - plan.part_size * (plan.part_count - 1)
    for part in parts:
        if part.size != (last if part.number == plan.part_count else plan.part_size):
            return "mismatch", total
    return None


def anonymity_names(team_name: str, people: Iterable[str], university: Iterable[str]) -> list[str]:
    """The names a blind round's files must not carry: the team's, its members' and advisors', its
    university's (in both languages)."""
    return [name for name in (team_name, *people, *university) if name and name.strip()]


USABLE = ("checking", "accepted")


class Gaps(msgspec.Struct, frozen=True):
    """What an entry (chosen or submitted versions) lacks: required slots without a usable version,
    slots whose version failed its check, slots whose version is still being checked. It is ready
    when every required slot has a usable version (an optional slot's failed file is left out)."""

    missing: list[str]
    failed: list[str]
    checking: list[str]
    ready: bool


def gaps(slots: Sequence[SlotOut], versions: Mapping[int, int], statuses: Mapping[int, str]) -> Gaps:
    """The gaps of an entry whose slot ids map to upload ids (`versions`), given each upload's status."""
    missing, failed, checking, ready = [], [], [], True
    for slot in slots:
        upload = versions.get(slot.id)
        status = statuses.get(upload) if upload is not None else None
        if status == "rejected":
            failed.append(slot.code)
        elif status == "checking":
            checking.append(slot.code)
        elif status not in USABLE and slot.required:
            missing.append(slot.code)
        ready = ready and (status in USABLE or not slot.required)
    return Gaps(missing=missing, failed=failed, checking=checking, ready=ready)
