"""The demo video: an MP4 (ISO-BMFF) container with a video track, no longer than the slot allows.

mutagen validates the container and reads its tags; the duration is the longest of what the movie
header, each track's media header and each track's sample table say, so a file cannot pass by
understating one of them. Only box headers and small boxes are read, never the media data.
"""

import struct
from typing import Any, BinaryIO

from mutagen.mp4 import MP4, Atoms

from storage.checks.anonymity import NameMatcher
from storage.checks.messages import Report
from storage.checks.slots import SlotConfig

_SMALL_BOX = 64 * 1024
_SAMPLE_TABLE_BOX = 16 * 1024 * 1024  # stts of a long variable-frame-rate video
_HEVC = {"hvc1", "hev1"}
_TAG_FIELDS = {
    "©nam": "title",
    "©ART": "artist",
    "aART": "album artist",
    "©alb": "album",
    "©cmt": "comment",
    "desc": "description",
    "©wrt": "composer",
    "cprt": "copyright",
}


class _BadBox(Exception):
    pass


def _payload(atom: Any, fileobj: BinaryIO, cap: int = _SMALL_BOX) -> bytes:
    if atom.datalength > cap:
        raise _BadBox(f"{atom.name!r} is {atom.datalength} bytes")
    complete, data = atom.read(fileobj)
    if not complete:
        raise _BadBox(f"{atom.name!r} is truncated")
    return bytes(data)


def _timescale_and_duration(header: bytes) -> tuple[int, int]:
    """(timescale, duration) of an mvhd or mdhd payload (version 0 or 1)."""
    if header[:1] == b"\x01":
        timescale, duration = struct.unpack(">IQ", header[20:32])
    else:
        timescale, duration = struct.unpack(">II", header[12:20])
        if duration == 0xFFFFFFFF:  # "unknown" in version 0
            duration = 0
    return timescale, duration


def _fragment_duration(mvex: bytes) -> int:
    """The fragment_duration of the mehd box inside an mvex payload (fragmented MP4), else 0."""
    offset = 0
    while offset + 8 <= len(mvex):
        size, kind = struct.unpack(">I4s", mvex[offset : offset + 8])
        if kind == b"mehd":
            body = mvex[offset + 8 : offset + size]
            return int(struct.unpack(">Q", body[4:12])[0] if body[:1] == b"\x01" else struct.unpack(">I", body[4:8])[0])
        if size < 8:
            break
        offset += size
    return 0


def _sample_table_duration(stts: bytes) -> int:
    (count,) = struct.unpack(">I", stts[4:8])
    entries = struct.unpack(f">{2 * count}I", stts[8 : 8 + 8 * count])
    return sum(entries[i] * entries[i + 1] for i in range(0, len(entries), 2))


def _inspect(fileobj: BinaryIO) -> tuple[float, str | None, bool]:
    """(duration in seconds, codec of the first video track, whether there is a video track)."""
    fileobj.seek(0)
    atoms = Atoms(fileobj)
    moov = atoms[[b"moov"]]
    timescale, duration = _timescale_and_duration(_payload(moov[[b"mvhd"]], fileobj))
    if duration == 0:
        mvex = next(moov.findall(b"mvex"), None)
        duration = _fragment_duration(_payload(mvex, fileobj)) if mvex is not None else 0
    seconds = duration / timescale if timescale else 0.0
    codec: str | None = None
    has_video = False
    for trak in moov.findall(b"trak"):
        handler = _payload(trak[[b"mdia", b"hdlr"]], fileobj)[8:12]
        media_scale, media_duration = _timescale_and_duration(_payload(trak[[b"mdia", b"mdhd"]], fileobj))
        if media_scale:
            seconds = max(seconds, media_duration / media_scale)
            try:
                stts = _payload(trak[[b"mdia", b"minf", b"stbl", b"stts"]], fileobj, _SAMPLE_TABLE_BOX)
            except KeyError:
                pass
            else:
                seconds = max(seconds, _sample_table_duration(stts) / media_scale)
        if handler == b"vide" and not has_video:
            has_video = True
            try:
                stsd = _payload(trak[[b"mdia", b"minf", b"stbl", b"stsd"]], fileobj)
            except KeyError:
                continue
            codec = stsd[12:16].decode("latin-1") if len(stsd) >= 16 else None
    return seconds, codec, has_video


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    return f"{whole // 60}:{whole % 60:02d}"


def check_video(slot: SlotConfig, fileobj: BinaryIO, report: Report, names: NameMatcher) -> None:
    """Read the container, refuse it without a video track, without a length or over the limit."""
    try:
        video = MP4(fileobj)
        seconds, codec, has_video = _inspect(fileobj)
    except MemoryError:
        raise
    except Exception:  # mutagen errors, KeyError for a missing box, struct.error, _BadBox...
        report.problem("video_unreadable")
        return
    report.facts.duration_s = round(seconds, 3)
    report.facts.video_codec = codec
    if not has_video:
        report.problem("video_no_video_track")
    if seconds <= 0:
        report.problem("video_no_duration")
    elif slot.max_duration_s is not None and seconds > slot.max_duration_s + slot.limits.duration_tolerance_s:
        report.problem("video_too_long", duration=_clock(seconds), limit=_clock(slot.max_duration_s))
    if codec in _HEVC:
        report.warning("video_codec_hevc")
    tags: Any = video.tags or {}
    for key, field in _TAG_FIELDS.items():
        for value in tags.get(key, []):
            for name in names.find(value) if isinstance(value, str) else ():
                report.warning("anon_video_metadata", field=field, name=name)
