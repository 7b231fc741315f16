"""A file's real type from its first bytes (magic numbers), whatever its name says."""

import codecs

HEAD_BYTES = 4096

# Type code -> how a message names it (codes are what slots list in allowed_types).
LABELS = {
    "pdf": "PDF",
    "png": "PNG",
    "jpeg": "JPEG",
    "gif": "GIF",
    "webp": "WebP",
    "tiff": "TIFF",
    "heic": "HEIC",
    "avif": "AVIF",
    "mp4": "MP4",
    "mov": "QuickTime (MOV)",
    "m4a": "M4A",
    "3gp": "3GP",
    "avi": "AVI",
    "webm": "WebM/MKV",
    "flv": "FLV",
    "zip": "ZIP",
    "rar": "RAR",
    "7z": "7z",
    "gzip": "gzip",
    "ole": "DOC/XLS/PPT",
}

_PREFIXES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\x1a\x45\xdf\xa3", "webm"),
    (b"FLV\x01", "flv"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
)

# ISO-BMFF major brands that are not an MP4 video.
_BRANDS = {
    b"qt  ": "mov",
    b"M4A ": "m4a",
    b"M4B ": "m4a",
    b"M4P ": "m4a",
    b"heic": "heic",
    b"heix": "heic",
    b"heim": "heic",
    b"heis": "heic",
    b"hevc": "heic",
    b"hevx": "heic",
    b"mif1": "heic",
    b"msf1": "heic",
    b"avif": "avif",
    b"avis": "avif",
}


def detect_type(head: bytes) -> str:
    """The type code of a file starting with `head`, "text" for plain text, else "unknown"."""
    for prefix, kind in _PREFIXES:
        if head.startswith(prefix):
            return kind
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"AVI "):
        return "webp" if head[8:12] == b"WEBP" else "avi"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"3g"):
            return "3gp"
        return _BRANDS.get(brand, "mp4")
    # Readers accept a PDF header anywhere in the first kilobyte (some tools write junk before it).
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if _is_text(head):
        return "text"
    return "unknown"


def _is_text(head: bytes) -> bool:
    if not head or any(byte < 0x20 and byte not in b"\t\n\r\f" for byte in head):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False
