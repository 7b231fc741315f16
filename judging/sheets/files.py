"""An assigned entry's pinned files for its judge: blind names, short-lived links from the object
store (never served as pages of ours), and a code package's file tree with its text files as text.

A package is read where it lies: the ZIP's central directory through ranged reads of the object
(storage.remote.ObjectSource under a RangedReader), one member at a time for its text.
"""

import asyncio
import zipfile
from datetime import timedelta
from pathlib import PurePosixPath
from typing import BinaryIO, cast

from contest.lib.errors import InvalidInput, InvalidState, NotFound
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.rounds.service import slots_of
from contest.submissions.common import load_upload
from contest.submissions.pinning import pinned_entry
from contest.submissions.rules import EXTENSIONS
from contest.submissions.schemas import PinnedFileOut
from judging.sheets.schemas import EntryFileOut, EntryOut, FileTextOut, TreeItem, TreeOut, Viewer
from judging.sheets.service import Scene, open_sheet, scene_of, team_facts
from storage import ObjectStore
from storage.checks import FileRefused, RangedReader, ZipLimits
from storage.checks.archive import display_name, open_archive
from storage.remote import BLOCK_BYTES, ObjectSource

LINK_TTL = timedelta(hours=2)
VIEWERS: dict[str, Viewer] = {"pdf": "pdf", "video": "video", "image": "image", "zip": "zip", "appid": "text"}
# A package lists at most this many files; a member is shown as text up to this size.
TREE_LIMIT = 5000
TEXT_LIMIT = 256 * 1024
TEXT_SUFFIXES = frozenset(
    {
        ".js",
        ".ts",
        ".jsx",
        ".tsx",
        ".mjs",
        ".cjs",
        ".vue",
        ".json",
        ".wxml",
        ".wxss",
        ".wxs",
        ".qml",
        ".qss",
        ".sjs",
        ".css",
        ".less",
        ".scss",
        ".sass",
        ".html",
        ".htm",
        ".md",
        ".txt",
        ".yml",
        ".yaml",
        ".xml",
        ".svg",
        ".py",
        ".java",
        ".kt",
        ".go",
        ".c",
        ".h",
        ".cpp",
        ".sh",
        ".ini",
        ".toml",
        ".env",
        ".gitignore",
        ".editorconfig",
    }
)


def blind_name(code: str, slot_code: str, content_type: str, kind: str) -> str:
    """entry-<code>-<slot>.<ext>: nothing of the team's own file name reaches the judge."""
    default = {"pdf": ".pdf", "video": ".mp4", "zip": ".zip"}.get(kind, "")
    return f"entry-{code.lower()}-{slot_code}{EXTENSIONS.get(content_type, default)}"


def is_text(path: str, size: int) -> bool:
    suffix = PurePosixPath(path).suffix.lower() or PurePosixPath(path).name.lower()
    return size <= TEXT_LIMIT and (suffix in TEXT_SUFFIXES or PurePosixPath(path).name in TEXT_SUFFIXES)


async def _files(scene: Scene) -> list[PinnedFileOut]:
    found = await pinned_entry(scene.round["id"], scene.team_id)
    return found.files if found else []


async def entry_files(store: ObjectStore | None, scene: Scene) -> list[EntryFileOut]:
    """The entry's pinned files in slot order, each with a link valid for LINK_TTL."""
    slots = {s.id: s for s in await slots_of(scene.round["id"])}
    shown = []
    for item in await _files(scene):
        slot = slots.get(item.slot_id)
        name = Name(slot.name_zh, slot.name_en) if slot else Name(item.slot_code)
        if item.kind == "appid" or store is None:
            shown.append(
                EntryFileOut(
                    slot_code=item.slot_code, slot=name, viewer="text", name="", size=0, url=None, text=item.text
                )
            )
            continue
        upload = await load_upload(item.upload_id)
        blind = blind_name(scene.code, item.slot_code, upload["content_type"], item.kind)
        # A PDF opens inside the panel, served as a PDF from the object store's own address.
        inline = "application/pdf" if item.kind == "pdf" else None
        url = await store.presigned_get(upload["key"], LINK_TTL, blind, inline) if upload["key"] else None
        shown.append(
            EntryFileOut(
                slot_code=item.slot_code,
                slot=name,
                viewer=VIEWERS.get(item.kind, "text"),
                name=blind,
                size=item.size,
                url=url,
            )
        )
    return shown


async def entry_view(rt: Runtime, store: ObjectStore | None, actor: Principal, round_id: int, code: str) -> EntryOut:
    """An assigned entry with its files, the rubric and the judge's sheet (opened on first view)."""
    scene = await scene_of(actor, round_id, code)
    sheet, criteria = await open_sheet(rt, actor, scene)
    facts = (await team_facts(scene.round["contest"], [scene.team_id]))[scene.team_id]
    blind = bool(scene.round["blind"])
    position = scene.codes.index(scene.code)
    return EntryOut(
        round_id=round_id,
        round=Name(scene.round["name_zh"], scene.round["name_en"]),
        code=scene.code,
        blind=blind,
        track=facts.track,
        team=None if blind else facts.team,
        university=None if blind else facts.university,
        files=await entry_files(store, scene),
        criteria=criteria,
        sheet=sheet,
        position=position + 1,
        count=len(scene.codes),
        previous_code=scene.codes[position - 1] if position > 0 else None,
        next_code=scene.codes[position + 1] if position + 1 < len(scene.codes) else None,
    )


async def _package(actor: Principal, round_id: int, code: str, slot_code: str) -> tuple[Scene, dict[str, object]]:
    scene = await scene_of(actor, round_id, code)
    item = next((f for f in await _files(scene) if f.slot_code == slot_code and f.kind == "zip"), None)
    if item is None:
        raise NotFound("This entry has no code package in that slot.")
    upload = await load_upload(item.upload_id)
    if not upload["key"]:
        raise NotFound("This entry has no code package in that slot.")
    return scene, upload


def _open(store: ObjectStore, upload: dict[str, object]) -> tuple[ObjectSource, zipfile.ZipFile]:
    size = int(cast(int, upload["size"] or 0))
    source = ObjectSource(store.client, store.bucket, str(upload["key"]), size=size, etag=str(upload["etag"]))
    reader = RangedReader(source, size, block_size=BLOCK_BYTES // 4, cache_blocks=8)
    try:
        return source, open_archive(cast(BinaryIO, reader), size, ZipLimits())
    except FileRefused:
        source.close()
        if source.failure is not None:
            raise source.failure from None
        raise InvalidState("This code package cannot be opened.") from None


def _tree(store: ObjectStore, upload: dict[str, object]) -> tuple[list[TreeItem], bool]:
    source, archive = _open(store, upload)
    with source, archive:
        infos = archive.infolist()
        items = [
            TreeItem(
                path=display_name(info),
                size=info.file_size,
                directory=info.is_dir(),
                text=not info.is_dir() and is_text(display_name(info), info.file_size),
            )
            for info in infos[:TREE_LIMIT]
            if not display_name(info).startswith("__MACOSX/")
        ]
    return sorted(items, key=lambda item: item.path), len(infos) > TREE_LIMIT


async def package_tree(store: ObjectStore, actor: Principal, round_id: int, code: str, slot_code: str) -> TreeOut:
    """The files of an entry's code package (from its ZIP directory, read by ranges)."""
    scene, upload = await _package(actor, round_id, code, slot_code)
    items, truncated = await asyncio.to_thread(_tree, store, upload)
    name = blind_name(scene.code, slot_code, str(upload["content_type"]), "zip")
    return TreeOut(name=name, items=items, truncated=truncated)


def _text(store: ObjectStore, upload: dict[str, object], path: str) -> tuple[str, bool]:
    source, archive = _open(store, upload)
    with source, archive:
        info = next((i for i in archive.infolist() if display_name(i) == path and not i.is_dir()), None)
        if info is None:
            raise NotFound("The package has no file at this path.")
        if not is_text(path, 0):
            raise InvalidInput("Only source and text files are shown; download the package for the others.")
        try:
            with archive.open(info) as member:
                data = member.read(TEXT_LIMIT + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):
            if source.failure is not None:
                raise source.failure from None
            raise InvalidState("This file of the package cannot be read.") from None
    if b"\x00" in data[:8192]:
        raise InvalidInput("Only source and text files are shown; download the package for the others.")
    return data[:TEXT_LIMIT].decode("utf-8", errors="replace"), len(data) > TEXT_LIMIT


async def package_text(
    store: ObjectStore, actor: Principal, round_id: int, code: str, slot_code: str, path: str
) -> FileTextOut:
    """One file of the package as plain text (the first TEXT_LIMIT bytes, decoded as UTF-8)."""
    _, upload = await _package(actor, round_id, code, slot_code)
    text, truncated = await asyncio.to_thread(_text, store, upload, path)
    return FileTextOut(path=path, text=text, truncated=truncated)
