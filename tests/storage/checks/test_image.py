"""The mini-program code image: a real PNG/JPEG, no decompression bomb, its QR content recorded when
it decodes, accepted with a note when it does not (the round 小程序码)."""

import io
import struct
import zlib

from PIL import Image

from storage import samples
from storage.checks import Limits, SlotConfig

SLOT = SlotConfig(kind="image", max_bytes=5 * 1024 * 1024)


def ids(messages):
    return [m.id for m in messages]


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares `width` x `height` pixels: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(4096))) + chunk(b"IEND", b"")
    )


def reencoded(png: bytes, fmt: str, mode: str | None = None) -> bytes:
    image = Image.open(io.BytesIO(png))
    if mode:
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def test_a_qr_code_is_read_and_recorded(check):
    result = check(SLOT, samples.qr_png("https://example.com/team/42"))
    assert result.ok
    assert result.facts.qr_content == "https://example.com/team/42"
    assert [(m.id, m.params) for m in result.notes] == [("image_qr_read", {"content": "https://example.com/team/42"})]
    assert result.facts.width == result.facts.height and result.facts.width > 0


def test_a_jpeg_qr_code_is_read(check):
    result = check(SLOT, reencoded(samples.qr_png("wx-demo"), "JPEG", "RGB"))
    assert result.ok and result.facts.detected_type == "jpeg" and result.facts.qr_content == "wx-demo"


def test_a_qr_code_on_a_transparent_background_is_read(check):
    gray = Image.open(io.BytesIO(samples.qr_png("transparent")))
    clear = Image.new("RGBA", gray.size, (0, 0, 0, 0))
    clear.putalpha(gray.point(lambda value: 255 - value))  # dark modules opaque, the rest see-through
    buffer = io.BytesIO()
    clear.save(buffer, "PNG")
    assert check(SLOT, buffer.getvalue()).facts.qr_content == "transparent"


def test_a_round_code_that_does_not_decode_is_accepted_with_a_note(check):
    result = check(SLOT, samples.sun_code_png())
    assert result.ok and result.problems == [] and ids(result.notes) == ["image_no_qr"]
    assert result.facts.qr_content is None


def test_a_png_decompression_bomb_is_refused_before_decoding(check):
    bomb = png_header_only(100_000, 100_000)  # ten billion pixels in a few kilobytes
    assert len(bomb) < 1000
    result = check(SLOT, bomb)
    assert ids(result.problems) == ["image_too_many_pixels"]
    assert result.problems[0].params == {"max_megapixels": 40.0}


def test_an_image_over_our_limit_but_under_pillows_is_refused(check):
    result = check(SLOT, png_header_only(8000, 6000))
    assert ids(result.problems) == ["image_too_many_pixels"]
    assert (result.facts.width, result.facts.height) == (8000, 6000)


def test_the_pixel_limit_is_a_setting(check):
    slot = SlotConfig(kind="image", limits=Limits(max_pixels=100 * 100))
    assert ids(check(slot, samples.qr_png("x", scale=20)).problems) == ["image_too_many_pixels"]


def test_a_damaged_image_is_refused(check):
    data = samples.sun_code_png()
    assert ids(check(SLOT, data[: len(data) // 2]).problems) == ["image_unreadable"]
    assert ids(check(SLOT, png_header_only(100, 100)).problems) == ["image_unreadable"]  # too little pixel data


def test_a_gif_is_not_a_png_or_jpeg(check):
    result = check(SLOT, reencoded(samples.qr_png("x"), "GIF"))
    assert ids(result.problems) == ["file_wrong_type"] and result.problems[0].params["detected"] == "GIF"
