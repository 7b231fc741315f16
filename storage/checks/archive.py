"""ZIP archives: the structural guard every archive passes (directory size, entry count, declared and
real unpacked size, compression ratio, unsafe paths, links, encryption), and the code package check
on top of it (a WeChat mini-program project, possibly built by Taro or uni-app).

The end-of-central-directory record is read first, so an archive announcing a million entries is
refused before `zipfile` builds a million objects; unpacking counts the bytes it really produces
against a hard cap, whatever the directory declares.
"""

import json
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from storage.checks.anonymity import NameMatcher
from storage.checks.messages import FileRefused, Message, Report, megabytes, message
from storage.checks.slots import SlotConfig, ZipLimits

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_EOCD_SEARCH = 22 + 0xFFFF  # the record plus the longest archive comment
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_IGNORED = ("__MACOSX/",)
_IGNORED_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")


def _directory_extent(fileobj: BinaryIO, size: int) -> tuple[int, int]:
    """(entry count, central directory bytes) as the end records announce them."""
    start = max(0, size - _EOCD_SEARCH)
    fileobj.seek(start)
    tail = fileobj.read(size - start)
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        raise FileRefused(message("zip_unreadable"))
    entries, directory_size, directory_offset = struct.unpack("<HII", tail[at + 10 : at + 20])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF or directory_offset == 0xFFFFFFFF:
        locator_at = start + at - 20
        if locator_at < 0:
            raise FileRefused(message("zip_unreadable"))
        fileobj.seek(locator_at)
        locator = fileobj.read(20)
        if locator[:4] != _ZIP64_LOCATOR:
            raise FileRefused(message("zip_unreadable"))
        (record_at,) = struct.unpack("<Q", locator[8:16])
        fileobj.seek(record_at)
        record = fileobj.read(56)
        if len(record) < 56 or record[:4] != _ZIP64_EOCD:
            raise FileRefused(message("zip_unreadable"))
        entries, directory_size = struct.unpack("<QQ", record[32:48])
    return entries, directory_size


def display_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author wrote it: archivers on Chinese Windows write GBK names without
    the UTF-8 flag, which zipfile then decodes as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unsafe(name: str) -> bool:
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(_DRIVE.match(path)) or ".." in path.split("/") or "\x00" in path


def open_archive(fileobj: BinaryIO, size: int, limits: ZipLimits) -> zipfile.ZipFile:
    """Open an archive whose directory keeps within `limits`; FileRefused otherwise."""
    entries, directory_size = _directory_extent(fileobj, size)
    if directory_size > limits.max_directory_bytes:
        raise FileRefused(
            message(
                "zip_directory_too_large",
                size_mb=megabytes(directory_size, up=True),
                max_mb=megabytes(limits.max_directory_bytes),
            )
        )
    if entries > limits.max_entries:
        raise FileRefused(message("zip_too_many_entries", count=entries, max_count=limits.max_entries))
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error, EOFError):
        raise FileRefused(message("zip_unreadable")) from None
    count = len(archive.infolist())  # the directory may hold more records than the end record says
    if count > limits.max_entries:
        raise FileRefused(message("zip_too_many_entries", count=count, max_count=limits.max_entries))
    return archive


def structure_problems(archive: zipfile.ZipFile, limits: ZipLimits) -> list[Message]:
    """What the directory alone shows: unsafe paths, links, encryption, declared size and ratios."""
    problems: list[Message] = []
    unsafe, links, encrypted = [], [], []
    declared = compressed = 0
    worst: tuple[float, str] | None = None
    for info in archive.infolist():
        name = display_name(info)
        if _unsafe(info.orig_filename):
            unsafe.append(name)
        if stat.S_ISLNK(info.external_attr >> 16):
            links.append(name)
        if info.flag_bits & 0x1:
            encrypted.append(name)
        declared += info.file_size
        compressed += info.compress_size
        if info.file_size > limits.ratio_floor_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio and (worst is None or ratio > worst[0]):
                worst = (ratio, name)
    for id, names in (("zip_unsafe_path", unsafe), ("zip_symlink", links), ("zip_encrypted", encrypted)):
        if names:
            problems.append(message(id, count=len(names), path=names[0]))
    if declared > limits.max_uncompressed_bytes:
        problems.append(
            message(
                "zip_declared_too_large",
                size_mb=megabytes(declared, up=True),
                max_mb=megabytes(limits.max_uncompressed_bytes),
            )
        )
    if worst is not None:
        problems.append(message("zip_entry_ratio", path=worst[1], ratio=round(worst[0]), max_ratio=limits.max_ratio))
    elif declared > limits.ratio_floor_bytes and declared / max(compressed, 1) > limits.max_ratio:
        problems.append(
            message("zip_total_ratio", ratio=round(declared / max(compressed, 1)), max_ratio=limits.max_ratio)
        )
    return problems


def unpacked_chunks(archive: zipfile.ZipFile, limits: ZipLimits) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
    """Every file's content in chunks, counting the bytes really produced against the hard cap.

    Raises FileRefused past the cap, or for an entry that cannot be unpacked (damaged, or a method
    zipfile lacks). zipfile itself stops each entry at its declared size and checks its CRC.
    """
    produced = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    produced += len(chunk)
                    if produced > limits.max_uncompressed_bytes:
                        raise FileRefused(
                            message("zip_too_large_uncompressed", max_mb=megabytes(limits.max_uncompressed_bytes))
                        )
                    yield info, chunk
        except NotImplementedError:
            raise FileRefused(message("zip_unsupported_method", path=display_name(info))) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error):
            raise FileRefused(message("zip_corrupt", path=display_name(info))) from None


def _read_json(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, cap: int, report: Report) -> Any:
    """The JSON object in `info`, or None after reporting why not."""
    try:
        if info.file_size > cap:
            raise ValueError("too large")
        with archive.open(info) as member:
            data = member.read(cap + 1)
        if len(data) > cap:
            raise ValueError("too large")
        value = json.loads(data.decode("utf-8-sig"))
    except NotImplementedError:
        report.problem("zip_unsupported_method", path=name)
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error):
        report.problem("zip_bad_json", path=name)
        return None
    if not isinstance(value, dict):
        report.problem("zip_bad_json", path=name)
        return None
    return value


def _project_base(files: dict[str, zipfile.ZipInfo]) -> str | None:
    """The folder holding project.config.json: the top, or the archive's single top folder."""
    if "project.config.json" in files:
        return ""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1:
        top = next(iter(tops))
        if f"{top}/project.config.json" in files:
            return f"{top}/"
    return None


def _miniprogram_root(base: str, configured: object) -> str | None:
    """The mini-program folder inside the archive ("" for its top), or None when it leaves it."""
    if configured is None or configured == "":
        return base.rstrip("/")
    if not isinstance(configured, str):
        return None
    path = configured.strip().replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        return None
    root = posixpath.normpath(base + path)
    if root == ".":
        return ""
    if root == ".." or root.startswith("../"):
        return None
    return root


def _check_project(archive: zipfile.ZipFile, slot: SlotConfig, report: Report, names: NameMatcher) -> None:
    files: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = display_name(info).replace("\\", "/")
        if info.is_dir() or name.startswith(_IGNORED) or posixpath.basename(name) in _IGNORED_NAMES:
            continue
        files[name] = info
    base = _project_base(files)
    if base is None:
        report.problem("zip_no_project_config")
        return
    config_name = f"{base}project.config.json"
    config = _read_json(archive, files[config_name], config_name, slot.limits.max_json_bytes, report)
    if config is None:
        return
    project_name = config.get("projectname")
    if isinstance(project_name, str):
        report.facts.project_name = project_name
        for name in names.find(project_name):
            report.warning("anon_project_name", project=project_name, name=name)
    appid = config.get("appid")
    if isinstance(appid, str):
        report.facts.project_appid = appid
    configured = config.get("miniprogramRoot")
    root = _miniprogram_root(base, configured)
    prefix = f"{root}/" if root else ""
    if root is None or (root and not any(name.startswith(prefix) for name in files)):
        report.problem("zip_bad_root", root=str(configured))
        return
    report.facts.miniprogram_root = root
    for manifest, kind in (("app.json", "miniprogram"), ("game.json", "game")):
        found = files.get(prefix + manifest)
        if found is not None:
            if _read_json(archive, found, prefix + manifest, slot.limits.max_json_bytes, report) is not None:
                report.facts.project_type = kind
            return
    report.problem("zip_no_app_json", root=root or "/")


def check_zip(slot: SlotConfig, fileobj: BinaryIO, size: int, report: Report, names: NameMatcher) -> None:
    """The code package: a safe archive holding a mini-program project, every entry unpacked once."""
    limits = slot.limits.zip
    try:
        archive = open_archive(fileobj, size, limits)
    except FileRefused as refused:
        report.problems.append(refused.problem)
        return
    with archive:
        infos = archive.infolist()
        report.facts.entry_count = len(infos)
        report.facts.uncompressed_size = sum(info.file_size for info in infos)
        report.problems.extend(structure_problems(archive, limits))
        if names:
            found: set[str] = set()
            for info in infos:
                path = display_name(info)
                for name in names.find(path):
                    if name not in found:
                        found.add(name)
                        report.warning("anon_zip_path", path=path, name=name)
        if report.problems:
            return  # never unpack an archive already refused for its structure
        _check_project(archive, slot, report, names)
        if report.problems:
            return
        try:
            produced = 0
            for _info, chunk in unpacked_chunks(archive, limits):
                produced += len(chunk)
        except FileRefused as refused:
            report.problems.append(refused.problem)
            return
        report.facts.uncompressed_size = produced
