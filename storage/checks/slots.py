"""Entry-file slots: what each kind of file must be, with the contest's defaults."""

from typing import Literal

import msgspec

MIB = 1024 * 1024

SlotKind = Literal["pdf", "video", "zip", "image", "appid"]

# Detected types (see sniff.py) each kind accepts unless the slot says otherwise.
DEFAULT_TYPES: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "video": ("mp4",),
    "zip": ("zip",),
    "image": ("png", "jpeg"),
    "appid": (),
}


class ZipLimits(msgspec.Struct, frozen=True, kw_only=True):
    """Bounds on an archive, judged from its directory first and again while unpacking it."""

    max_entries: int = 20_000
    max_directory_bytes: int = 8 * MIB
    max_uncompressed_bytes: int = 512 * MIB
    max_ratio: float = 100.0
    # Entries (and archives) smaller than this are not judged by ratio: a small file of spaces
    # compresses a thousand times and harms nobody.
    ratio_floor_bytes: int = MIB


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    """Operator bounds that keep a check fast and small; the contest rules live in SlotConfig."""

    zip: ZipLimits = ZipLimits()
    max_json_bytes: int = MIB  # project.config.json, app.json
    max_pages: int | None = None
    max_text_chars: int = 100_000
    max_pixels: int = 40_000_000
    duration_tolerance_s: float = 1.0  # editors round: a "3:00" export may last 180.02 s


class SlotConfig(msgspec.Struct, frozen=True, kw_only=True):
    """One slot of a round's entry: its kind and the limits a file in it must keep."""

    kind: SlotKind
    max_bytes: int | None = None
    max_duration_s: float | None = None
    allowed_types: tuple[str, ...] = ()  # empty: DEFAULT_TYPES of the kind
    limits: Limits = Limits()

    def types(self) -> tuple[str, ...]:
        """The detected types (sniff.py codes) this slot accepts."""
        return self.allowed_types or DEFAULT_TYPES[self.kind]


DEFAULT_SLOTS: dict[str, SlotConfig] = {
    "design_document": SlotConfig(kind="pdf", max_bytes=10 * MIB),
    "demo_video": SlotConfig(kind="video", max_bytes=300 * MIB, max_duration_s=180),
    "code_package": SlotConfig(kind="zip", max_bytes=100 * MIB),
    "code_image": SlotConfig(kind="image", max_bytes=5 * MIB),
    "appid": SlotConfig(kind="appid"),
}
