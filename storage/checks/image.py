"""The mini-program code image: a real PNG or JPEG of bounded pixel count, and its QR content when it
has one. The round 小程序码 does not decode with open libraries, so an image without a readable
code is accepted with a note, never refused.
"""

import warnings
from typing import BinaryIO

import zxingcpp
from PIL import Image

from storage.checks.messages import Report
from storage.checks.slots import SlotConfig

_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
_DECODE_SIDE = 1600  # a QR code stays readable at this size, and decoding stays fast


def check_image(slot: SlotConfig, fileobj: BinaryIO, report: Report) -> None:
    """Open by header, refuse a decompression bomb before decoding, verify, decode, look for a QR code."""
    formats = [_PIL_FORMATS[t] for t in slot.types() if t in _PIL_FORMATS]
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its limit raises) on big images; our own limit decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            fileobj.seek(0)
            with Image.open(fileobj, formats=formats) as probe:
                width, height = probe.size
                report.facts.width, report.facts.height = width, height
                if width * height > slot.limits.max_pixels:
                    report.problem("image_too_many_pixels", max_megapixels=round(slot.limits.max_pixels / 1e6, 1))
                    return
                probe.verify()
            fileobj.seek(0)
            with Image.open(fileobj, formats=formats) as image:
                image.load()
                content = _qr_content(image)
    except Image.DecompressionBombError:
        report.problem("image_too_many_pixels", max_megapixels=round(slot.limits.max_pixels / 1e6, 1))
        return
    except MemoryError:
        raise
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... on damaged images
        report.problem("image_unreadable")
        return
    if content is None:
        report.note("image_no_qr")
    else:
        report.facts.qr_content = content
        report.note("image_qr_read", content=content)


def _qr_content(image: Image.Image) -> str | None:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Codes are often saved on a transparent background, which reads as black without this.
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, "white")
        image = Image.alpha_composite(white, rgba)
    gray = image.convert("L")
    gray.thumbnail((_DECODE_SIDE, _DECODE_SIDE))
    codes = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return codes[0].text if codes else None
