"""The entry rules alone: how a file goes up, its key and type, the parts that make it, names, gaps."""

import pytest

from contest.rounds.schemas import SlotOut
from contest.submissions.rules import (
    MIB,
    PartFacts,
    Plan,
    anonymity_names,
    content_type_for,
    display_name,
    gaps,
    max_bytes,
    object_key,
    parts_problem,
    plan_upload,
    slot_config,
)


def slot(id=1, code="demo_video", kind="video", required=True, max_mb=300, duration=180, pages=None):
    return SlotOut(
        id=id,
        code=code,
        kind=kind,
        name_zh="演示视频",
        name_en="",
        required=required,
        max_mb=max_mb,
        max_duration_s=duration,
        max_pages=pages,
        sort_order=0,
    )


def test_small_files_go_in_one_post_and_large_ones_in_parts():
    assert plan_upload(8 * MIB, 8 * MIB) == Plan("post", 8 * MIB, 1)
    assert plan_upload(8 * MIB + 1, 8 * MIB) == Plan("multipart", 8 * MIB, 2)
    huge = plan_upload(100_000 * MIB, 8 * MIB)  # 10,000 parts of 8 MiB would not hold it
    assert huge.part_count <= 10_000 and huge.part_size * huge.part_count >= 100_000 * MIB


def test_keys_are_made_by_the_app_and_types_are_the_slots():
    key = object_key(1, 2, 3, "design_document", "tok", content_type_for("pdf", "text/html"))
    assert key == "entries/c1/r2/t3/design_document/tok.pdf"
    assert content_type_for("image", "image/jpeg") == "image/jpeg"
    assert content_type_for("image", "image/svg+xml") == "image/png"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\设计文档.pdf", "设计文档.pdf"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ("a\nb.pdf", "ab.pdf"),
        ("", "file"),
    ],
)
def test_display_names_keep_only_the_last_part_and_no_control_characters(given, shown):
    assert display_name(given) == shown


def test_parts_must_make_exactly_the_file_announced():
    plan = plan_upload(12 * MIB, 5 * MIB)  # 5 + 5 + 2
    whole = [PartFacts(1, 5 * MIB), PartFacts(2, 5 * MIB), PartFacts(3, 2 * MIB)]
    assert parts_problem(whole, plan, 12 * MIB, 300 * MIB) is None
    assert parts_problem(whole[:2], plan, 12 * MIB, 300 * MIB) == ("missing", 1)
    assert parts_problem([*whole[:2], PartFacts(3, 3 * MIB)], plan, 12 * MIB, 300 * MIB)[0] == "mismatch"
    assert parts_problem([*whole, PartFacts(4, MIB)], plan, 12 * MIB, 300 * MIB)[0] == "mismatch"
    grown = [PartFacts(1, 5 * MIB), PartFacts(2, 5 * MIB), PartFacts(3, 500 * MIB)]
    assert parts_problem(grown, plan, 12 * MIB, 300 * MIB) == ("too_large", 510 * MIB)


def test_a_slot_becomes_the_checks_config():
    config = slot_config(slot(kind="pdf", max_mb=None, duration=None, pages=30))
    assert config.kind == "pdf" and config.max_bytes == 10 * MIB and config.limits.max_pages == 30
    assert max_bytes(slot(max_mb=50)) == 50 * MIB


def test_gaps_of_an_entry():
    slots = [slot(1, "design_document"), slot(2, "demo_video"), slot(3, "poster", required=False)]
    found = gaps(slots, {1: 10, 2: 20, 3: 30}, {10: "accepted", 20: "checking", 30: "rejected"})
    # An optional slot's failed file is reported, and left out: it does not hold the entry back.
    assert (found.missing, found.failed, found.checking, found.ready) == ([], ["poster"], ["demo_video"], True)
    found = gaps(slots, {1: 10, 2: 20}, {10: "rejected", 20: "accepted"})
    assert (found.missing, found.failed, found.ready) == ([], ["design_document"], False)
    found = gaps(slots, {2: 20}, {20: "accepted"})
    assert (found.missing, found.ready) == (["design_document"], False)
    assert gaps(slots, {1: 10, 2: 20}, {10: "accepted", 20: "accepted"}).ready


def test_anonymity_names_skip_empty_ones():
    assert anonymity_names("星火队", ["张三", ""], ("清华大学", "")) == ["星火队", "张三", "清华大学"]
