"""The demo video: MP4 container, a video track, duration within the slot's limit (all of the
headers that state a duration are believed, the longest wins)."""

import io
import struct

from mutagen.mp4 import MP4

from storage import samples
from storage.checks import SlotConfig

SLOT = SlotConfig(kind="video", max_bytes=300 * 1024 * 1024, max_duration_s=180)


def ids(messages):
    return [m.id for m in messages]


def patch(data: bytes, box: bytes, offset: int, value: int) -> bytes:
    """Overwrite a 32-bit field `offset` bytes into the payload of the first `box`."""
    at = data.index(box) + 4 + offset
    return data[:at] + struct.pack(">I", value) + data[at + 4 :]


def with_durations(seconds: float, *, mvhd: float | None = None, mdhd: float | None = None, frames: int | None = None):
    data = samples.mp4_bytes(seconds)
    if mvhd is not None:
        data = patch(data, b"mvhd", 16, round(mvhd * 1000))
    if mdhd is not None:
        data = patch(data, b"mdhd", 16, round(mdhd * 1000))
    if frames is not None:
        data = patch(data, b"stts", 8, frames)
    return data


def add_to_moov(data: bytes, box: bytes) -> bytes:
    start = data.index(b"moov") - 4
    (size,) = struct.unpack(">I", data[start : start + 4])
    end = start + size
    return data[:start] + struct.pack(">I", size + len(box)) + data[start + 4 : end] + box + data[end:]


def test_a_two_minute_mp4_is_accepted(check):
    result = check(SLOT, samples.mp4_bytes(120, size=200_000))
    assert result.ok, result.problems
    assert result.facts.duration_s == 120 and result.facts.video_codec == "avc1"
    assert result.facts.detected_type == "mp4"


def test_a_four_minute_video_is_refused(check):
    result = check(SLOT, samples.mp4_bytes(240))
    assert ids(result.problems) == ["video_too_long"]
    assert result.problems[0].params == {"duration": "4:00", "limit": "3:00"}


def test_an_export_rounded_to_three_minutes_passes_but_a_second_more_does_not(check):
    assert check(SLOT, samples.mp4_bytes(180.5)).ok
    assert ids(check(SLOT, samples.mp4_bytes(181.5)).problems) == ["video_too_long"]


def test_understating_the_movie_header_does_not_help(check):
    result = check(SLOT, with_durations(240, mvhd=60))
    assert ids(result.problems) == ["video_too_long"] and result.facts.duration_s == 240


def test_understating_every_header_does_not_help_either(check):
    # The sample table still holds 6000 frames of 40 ms.
    result = check(SLOT, with_durations(240, mvhd=60, mdhd=60))
    assert ids(result.problems) == ["video_too_long"] and result.facts.duration_s == 240


def test_a_video_without_a_stated_length_is_refused(check):
    result = check(SLOT, with_durations(60, mvhd=0, mdhd=0, frames=0))
    assert ids(result.problems) == ["video_no_duration"]


def test_a_fragmented_mp4_gives_its_length_in_the_movie_extends_header(check):
    mehd = struct.pack(">I4sII", 16, b"mehd", 0, 200_000)  # 200 s at the movie's 1000 units per second
    data = add_to_moov(with_durations(1, mvhd=0, mdhd=0, frames=0), struct.pack(">I4s", 8 + len(mehd), b"mvex") + mehd)
    result = check(SLOT, data)
    assert result.facts.duration_s == 200 and ids(result.problems) == ["video_too_long"]


def test_a_file_without_a_video_track_is_refused(check):
    result = check(SLOT, samples.mp4_bytes(60).replace(b"vide", b"text", 1))
    assert ids(result.problems) == ["video_no_video_track"]


def test_a_container_without_a_movie_box_is_refused(check):
    data = samples.mp4_bytes(60, size=10_000)
    ftyp_end = struct.unpack(">I", data[:4])[0]
    mdat_start = data.index(b"mdat") - 4
    assert ids(check(SLOT, data[:ftyp_end] + data[mdat_start:]).problems) == ["video_unreadable"]


def test_a_truncated_movie_box_is_refused(check):
    data = samples.mp4_bytes(60)
    assert ids(check(SLOT, data[: data.index(b"stsd")]).problems) == ["video_unreadable"]


def test_hevc_gets_a_warning_not_a_refusal(check):
    result = check(SLOT, samples.mp4_bytes(60, codec=b"hvc1"))
    assert result.ok and ids(result.warnings) == ["video_codec_hevc"] and result.facts.video_codec == "hvc1"


def test_names_in_the_video_properties_are_warned_about(check):
    buffer = io.BytesIO(samples.mp4_bytes(60))
    video = MP4(buffer)
    video.add_tags()
    video.tags["©nam"] = ["星火队 演示"]
    video.tags["©ART"] = ["Zhang Wei"]
    video.save(buffer)
    result = check(SLOT, buffer.getvalue(), names=["星火队", "Zhang Wei"])
    assert result.ok
    assert [(m.params["field"], m.params["name"]) for m in result.warnings] == [
        ("title", "星火队"),
        ("artist", "Zhang Wei"),
    ]
