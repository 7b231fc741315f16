"""One entry point for every entry file: size, streamed checksum, real type, then the check of its kind.

The checksum is BLAKE3, recorded self-described as `blake3:<hex>` (`b3sum` computes it): a
cryptographic digest like SHA-256, at several times its speed, so hashing a 300 MB video costs
less than reading it from S3 does (SHA-256 made the whole check about twice as slow as the read).
"""

import os
from collections.abc import Sequence
from typing import BinaryIO

import blake3

from storage.checks.anonymity import NameMatcher
from storage.checks.archive import check_zip
from storage.checks.image import check_image
from storage.checks.messages import CheckResult, Report, megabytes
from storage.checks.pdf import check_pdf
from storage.checks.slots import SlotConfig
from storage.checks.sniff import HEAD_BYTES, LABELS, detect_type
from storage.checks.video import check_video

_HASH_CHUNK = 1 << 20
DIGEST_ALGORITHM = "blake3"


def file_digest(fileobj: BinaryIO, size: int) -> tuple[int, str]:
    """Read `fileobj` from its start to its end (or just past `size`): the bytes counted and the
    digest ("blake3:<hex>"). Pure streaming, no parsing: it needs no sandbox."""
    digest = blake3.blake3()
    counted = 0
    fileobj.seek(0)
    while counted <= size and (chunk := fileobj.read(_HASH_CHUNK)):
        digest.update(chunk)
        counted += len(chunk)
    return counted, f"{DIGEST_ALGORITHM}:{digest.hexdigest()}"


def check_file(
    slot: SlotConfig,
    fileobj: BinaryIO,
    size: int,
    *,
    names: Sequence[str] = (),
    filename: str | None = None,
    checksum: bool = True,
) -> CheckResult:
    """Check an uploaded file of `size` bytes (as the store reports it) against its slot.

    `fileobj` is any seekable binary file (a local file, or a RangedReader over S3); `names` are the
    team's, members', advisor's and university's names to warn about in a blind round (empty
    otherwise); `filename` is the name the team gave the file. Synchronous and CPU-bound: run it
    in a worker, under `storage.sandbox.run_bounded` when the file is untrusted. Without `checksum`
    the caller counts and hashes the file itself (`file_digest`, beside the check).
    """
    if slot.kind == "appid":
        raise ValueError("an AppID is text, not a file: use check_appid")
    report = Report()
    report.facts.size = size
    matcher = NameMatcher(names)
    for name in matcher.find(filename or ""):
        report.warning("anon_filename", filename=filename, name=name)
    if size <= 0:
        report.problem("file_empty")
        return report.result()
    if slot.max_bytes is not None and size > slot.max_bytes:
        report.problem("file_too_large", size_mb=megabytes(size, up=True), max_mb=megabytes(slot.max_bytes))
        return report.result()

    # The head first: for a file in S3 its block is then cached when the checksum pass starts.
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    if checksum:
        counted, report.facts.digest = file_digest(fileobj, size)
        if counted != size:
            report.facts.digest = None
            report.problem("file_size_mismatch", actual=counted, expected=size)
            return report.result()

    detected = detect_type(head)
    report.facts.detected_type = detected
    allowed = slot.types()
    if detected not in allowed:
        expected = "/".join(LABELS.get(kind, kind.upper()) for kind in allowed)
        if detected == "text":
            report.problem("file_text_type", expected=expected)
        elif detected == "unknown":
            report.problem("file_unknown_type", expected=expected)
        else:
            report.problem("file_wrong_type", detected=LABELS[detected], expected=expected)
        return report.result()

    fileobj.seek(0)
    if slot.kind == "pdf":
        check_pdf(slot, fileobj, report, matcher)
    elif slot.kind == "video":
        check_video(slot, fileobj, report, matcher)
    elif slot.kind == "zip":
        check_zip(slot, fileobj, size, report, matcher)
    else:
        check_image(slot, fileobj, report)
    return report.result()


def check_path(
    slot: SlotConfig, path: str | os.PathLike[str], *, names: Sequence[str] = (), filename: str | None = None
) -> CheckResult:
    """`check_file` on a local file; its arguments pickle, so it can run under `run_bounded`."""
    with open(path, "rb") as handle:
        return check_file(slot, handle, os.fstat(handle.fileno()).st_size, names=names, filename=filename)
