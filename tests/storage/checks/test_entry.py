"""check_file before the kind-specific checks: size, checksum, real type by content."""

import io

import pytest
from blake3 import blake3

from storage import samples
from storage.checks import DEFAULT_SLOTS, SlotConfig, check_appid, check_file, check_path
from storage.checks.messages import TEXTS


def problem_ids(result):
    return [m.id for m in result.problems]


def test_a_png_named_pdf_is_refused_by_its_content(check):
    result = check("design_document", samples.qr_png("x"), filename="design.pdf")
    assert not result.ok
    assert problem_ids(result) == ["file_wrong_type"]
    assert result.problems[0].params == {"detected": "PNG", "expected": "PDF"}
    assert result.facts.detected_type == "png"


def test_a_text_file_named_mp4_is_refused_as_text(check):
    result = check("demo_video", "这不是视频，只是一段文字。\n".encode() * 20, filename="demo.mp4")
    assert problem_ids(result) == ["file_text_type"]
    assert result.problems[0].params == {"expected": "MP4"}


def test_bytes_of_no_known_type_are_refused(check):
    result = check("code_image", bytes(range(256)) * 4)
    assert problem_ids(result) == ["file_unknown_type"]
    assert result.problems[0].params == {"expected": "PNG/JPEG"}


def test_other_containers_are_named_in_the_refusal(check):
    rar = b"Rar!\x1a\x07\x01\x00" + bytes(100)
    assert check("code_package", rar).problems[0].params["detected"] == "RAR"
    mov = samples.mp4_bytes(10, brand=b"qt  ")
    assert check("demo_video", mov).problems[0].params["detected"] == "QuickTime (MOV)"


class Unreadable(io.BytesIO):
    def read(self, *args):
        raise AssertionError("an oversize file must be refused before it is read")


def test_an_oversize_file_is_refused_without_reading_it():
    slot = SlotConfig(kind="pdf", max_bytes=10 * 1024 * 1024)
    result = check_file(slot, Unreadable(), 10 * 1024 * 1024 + 1)
    assert problem_ids(result) == ["file_too_large"]
    assert result.problems[0].params == {"size_mb": 10.1, "max_mb": 10.0}  # never shown as equal to the limit
    assert result.facts.size == 10 * 1024 * 1024 + 1 and result.facts.digest is None


def test_an_empty_file_is_refused(check):
    assert problem_ids(check("design_document", b"")) == ["file_empty"]


def test_a_stored_object_shorter_than_announced_is_refused():
    data = samples.pdf_bytes(["hello"])
    result = check_file(DEFAULT_SLOTS["design_document"], io.BytesIO(data), len(data) + 10)
    assert problem_ids(result) == ["file_size_mismatch"]
    assert result.problems[0].params == {"actual": len(data), "expected": len(data) + 10}


def test_checksum_and_size_are_recorded(check):
    data = samples.pdf_bytes(["hello"])
    result = check("design_document", data)
    assert result.ok
    assert result.facts.digest == f"blake3:{blake3(data).hexdigest()}"
    assert result.facts.size == len(data)


def test_the_file_name_is_linted_for_names(check):
    data = samples.pdf_bytes(["nothing to see"])
    result = check("design_document", data, filename="浙江大学-星火队-设计文档.pdf", names=["浙江大学", "星火队", "李"])
    assert result.ok
    assert [(m.id, m.params["name"]) for m in result.warnings] == [
        ("anon_filename", "浙江大学"),
        ("anon_filename", "星火队"),
    ]


def test_check_path_reads_a_local_file(tmp_path):
    path = tmp_path / "video.mp4"
    path.write_bytes(samples.mp4_bytes(30, size=5000))
    result = check_path(DEFAULT_SLOTS["demo_video"], path)
    assert result.ok and result.facts.size == 5000 and result.facts.duration_s == 30


def test_an_appid_slot_is_not_a_file():
    with pytest.raises(ValueError):
        check_file(DEFAULT_SLOTS["appid"], io.BytesIO(b"wx0123456789abcdef"), 18)
    assert check_appid("wx0123456789abcdef").ok


def test_every_template_is_a_filled_in_message():
    from storage.checks.messages import message

    for id, text in TEXTS.items():
        names = {part.split("}")[0] for part in text.split("{")[1:]}
        rendered = message(id, **dict.fromkeys(names, "X")).render()
        assert "{" not in rendered and "}" not in rendered, id
