"""Sample entry files made from nothing, for the tests of storage.checks, the demo seed and the benchmarks.

Each is real enough for the checks and the browser's file pickers, no more: the MP4 has a correct
container and duration but no playable frames, the mini-program project has the manifests of a
WeChat project and a page, the PDF has real text (in a CJK font every viewer substitutes).
"""

import io
import json
import random
import struct
import zipfile
from collections.abc import Sequence
from typing import BinaryIO, Literal

import numpy
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, TextStringObject

# --- PDF -------------------------------------------------------------------------------------------


def _cjk_font() -> DictionaryObject:
    """A Type0 font over Adobe's predefined STSong-Light with UCS-2 codes: any text of the Basic
    Multilingual Plane, Chinese included, with nothing embedded."""
    descendant = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/CIDFontType0"),
            NameObject("/BaseFont"): NameObject("/STSong-Light"),
            NameObject("/CIDSystemInfo"): DictionaryObject(
                {
                    NameObject("/Registry"): TextStringObject("Adobe"),
                    NameObject("/Ordering"): TextStringObject("GB1"),
                    NameObject("/Supplement"): NumberObject(2),
                }
            ),
        }
    )
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type0"),
            NameObject("/BaseFont"): NameObject("/STSong-Light-UniGB-UCS2-H"),
            NameObject("/Encoding"): NameObject("/UniGB-UCS2-H"),
            NameObject("/DescendantFonts"): ArrayObject([descendant]),
        }
    )


def pdf_bytes(
    pages: Sequence[str],
    *,
    title: str | None = None,
    author: str | None = None,
    user_password: str | None = None,
) -> bytes:
    """A PDF with one A4 page per string of `pages` (lines split on newlines), optionally with
    document properties and encrypted with a password needed to open it."""
    writer = PdfWriter()
    font = _cjk_font()
    for text in pages:
        page = writer.add_blank_page(595, 842)
        lines = "".join(f"<{line.encode('utf-16-be').hex()}> Tj T*\n" for line in text.split("\n"))
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 16 TL 56 780 Td\n{lines}ET\n".encode("ascii"))
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        page.replace_contents(ArrayObject([stream]))
    info = {key: value for key, value in (("/Title", title), ("/Author", author)) if value}
    if info:
        writer.add_metadata(info)
    if user_password is not None:
        writer.encrypt(user_password, algorithm="RC4-128")  # RC4 needs no crypto library
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- MP4 -------------------------------------------------------------------------------------------


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *payload)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def _moov(duration_s: float, codec: bytes, width: int, height: int) -> bytes:
    timescale = 1000
    duration = round(duration_s * timescale)
    mvhd = _full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">5I", 0, 0, timescale, duration, 0x10000),
        struct.pack(">H10x", 0x100),
        _MATRIX,
        bytes(24),
        struct.pack(">I", 2),
    )
    tkhd = _full_box(
        b"tkhd",
        0,
        3,
        struct.pack(">5I", 0, 0, 1, 0, duration),
        bytes(8),
        struct.pack(">hhhH", 0, 0, 0, 0),
        _MATRIX,
        struct.pack(">II", width << 16, height << 16),
    )
    mdhd = _full_box(b"mdhd", 0, 0, struct.pack(">4I", 0, 0, timescale, duration), struct.pack(">HH", 0x55C4, 0))
    hdlr = _full_box(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"VideoHandler\x00")
    sample_entry = _box(
        codec,
        bytes(6),
        struct.pack(">H", 1),
        bytes(16),
        struct.pack(">HH", width, height),
        struct.pack(">II", 0x480000, 0x480000),
        bytes(4),
        struct.pack(">H", 1),
        bytes(32),
        struct.pack(">Hh", 0x18, -1),
    )
    frames = max(1, round(duration_s * 25))  # one table entry: `frames` samples of 40 ms each
    stbl = _box(
        b"stbl",
        _full_box(b"stsd", 0, 0, struct.pack(">I", 1), sample_entry),
        _full_box(b"stts", 0, 0, struct.pack(">III", 1, frames, timescale // 25)),
        _full_box(b"stsc", 0, 0, struct.pack(">I", 0)),
        _full_box(b"stsz", 0, 0, struct.pack(">II", 0, 0)),
        _full_box(b"stco", 0, 0, struct.pack(">I", 0)),
    )
    minf = _box(
        b"minf",
        _full_box(b"vmhd", 0, 1, bytes(8)),
        _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1))),
        stbl,
    )
    trak = _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf))
    return _box(b"moov", mvhd, trak)


def write_mp4(
    out: BinaryIO,
    *,
    duration_s: float,
    size: int = 0,
    codec: bytes = b"avc1",
    brand: bytes = b"isom",
    width: int = 1280,
    height: int = 720,
) -> int:
    """Write an MP4 container (ftyp, moov with a video track of `duration_s`, mdat) of at least
    `size` bytes, the media data being filler written in chunks; returns the bytes written."""
    head = _box(b"ftyp", brand, struct.pack(">I", 0x200), b"isomiso2avc1mp41") + _moov(duration_s, codec, width, height)
    filler = max(0, size - len(head) - 8)
    out.write(head + struct.pack(">I4s", 8 + filler, b"mdat"))
    chunk = bytes(range(256)) * 4096  # 1 MiB
    left = filler
    while left:
        piece = chunk[: min(left, len(chunk))]
        out.write(piece)
        left -= len(piece)
    return len(head) + 8 + filler


def mp4_bytes(duration_s: float, *, size: int = 0, codec: bytes = b"avc1", brand: bytes = b"isom") -> bytes:
    """`write_mp4` into memory, for small files."""
    buffer = io.BytesIO()
    write_mp4(buffer, duration_s=duration_s, size=size, codec=codec, brand=brand)
    return buffer.getvalue()


# --- Mini-program code package ----------------------------------------------------------------------

Layout = Literal["plain", "folder", "taro", "uniapp", "game"]

_APP_JSON = {"pages": ["pages/index/index"], "window": {"navigationBarTitleText": "Demo"}}


def _project_files(layout: Layout, project_name: str, appid: str) -> dict[str, bytes]:
    page = {
        "pages/index/index.js": b"Page({ data: { greeting: 'hello' } })\n",
        "pages/index/index.wxml": b"<view>{{greeting}}</view>\n",
        "pages/index/index.wxss": b"view { padding: 16px; }\n",
        "pages/index/index.json": b"{}\n",
    }

    def dumps(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False, indent=2).encode()

    config: dict[str, object] = {"appid": appid, "projectname": project_name, "compileType": "miniprogram"}
    if layout in ("plain", "folder"):
        files = {"app.json": dumps(_APP_JSON), "app.js": b"App({})\n", **page}
    elif layout == "game":
        config["compileType"] = "game"
        files = {"game.json": dumps({"deviceOrientation": "portrait"}), "game.js": b"wx.createCanvas()\n"}
    else:
        # Taro builds into dist/, uni-app's CLI into dist/build/mp-weixin/; the sources stay beside them.
        root = "dist/" if layout == "taro" else "dist/build/mp-weixin/"
        config["miniprogramRoot"] = root
        sources = {"src/app.config.ts": b"export default {}\n"} if layout == "taro" else {"src/pages.json": b"{}\n"}
        files = {
            "package.json": dumps({"name": "demo", "private": True}),
            **sources,
            root + "app.json": dumps(_APP_JSON),
            root + "app.js": b"App({})\n",
            **{root + name: content for name, content in page.items()},
        }
    files["project.config.json"] = dumps(config)
    if layout == "folder":
        files = {f"{project_name}/{name}": content for name, content in files.items()}
    return files


def write_miniprogram_zip(
    out: BinaryIO,
    *,
    layout: Layout = "plain",
    project_name: str = "demo",
    appid: str = "wx0123456789abcdef",
    padding_bytes: int = 0,
    seed: int = 0,
) -> None:
    """A zipped WeChat mini-program project in one of the layouts teams upload (a bare project, the
    same in one top folder, a Taro or uni-app build naming its miniprogramRoot, a mini-game), plus
    `padding_bytes` of incompressible assets (stored, written in chunks) to reach a given size."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _project_files(layout, project_name, appid).items():
            archive.writestr(name, content)
        if padding_bytes:
            noise = random.Random(seed)
            prefix = f"{project_name}/" if layout == "folder" else ""
            with archive.open(zipfile.ZipInfo(prefix + "assets/video-poster.bin"), "w", force_zip64=True) as member:
                left = padding_bytes
                while left:
                    piece = noise.randbytes(min(left, 1 << 20))
                    member.write(piece)
                    left -= len(piece)


def miniprogram_zip(
    layout: Layout = "plain", *, project_name: str = "demo", appid: str = "wx0123456789abcdef", padding_bytes: int = 0
) -> bytes:
    """`write_miniprogram_zip` into memory."""
    buffer = io.BytesIO()
    write_miniprogram_zip(buffer, layout=layout, project_name=project_name, appid=appid, padding_bytes=padding_bytes)
    return buffer.getvalue()


# --- Code images -------------------------------------------------------------------------------------


def qr_png(content: str, *, scale: int = 8) -> bytes:
    """A PNG of a QR code holding `content` (what a team uploads when its code is a plain QR code)."""
    code = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.QRCode)
    image = Image.fromarray(numpy.asarray(code.to_image(scale=scale)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def sun_code_png(*, size: int = 430) -> bytes:
    """A PNG shaped like the round 小程序码 (rays around a disc), which no open decoder reads: the
    stand-in for the code image most teams upload."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    centre, outer = size / 2, size * 0.48
    rays = random.Random(size)
    for ray in range(72):
        inner = size * 0.22
        length = inner + (outer - inner) * rays.uniform(0.4, 1.0)
        draw.pieslice(
            (centre - length, centre - length, centre + length, centre + length),
            ray * 5,
            ray * 5 + 2.5,
            fill="black",
        )
    draw.ellipse((centre - size * 0.2, centre - size * 0.2, centre + size * 0.2, centre + size * 0.2), fill="white")
    draw.ellipse((centre - size * 0.15, centre - size * 0.15, centre + size * 0.15, centre + size * 0.15), fill="green")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
