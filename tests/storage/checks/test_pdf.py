"""The design document: opens, is not encrypted, pages and capped text, names in a blind round."""

import io

from pypdf import PdfWriter

from storage import samples
from storage.checks import Limits, SlotConfig

SLOT = SlotConfig(kind="pdf", max_bytes=10 * 1024 * 1024)


def ids(messages):
    return [m.id for m in messages]


def test_a_pdf_with_text_is_accepted_with_pages_and_text(check):
    data = samples.pdf_bytes(["Design of the campus errand app\n校园跑腿小程序设计", "Architecture"])
    result = check(SLOT, data)
    assert result.ok, result.problems
    assert result.facts.pages == 2
    assert "校园跑腿小程序设计" in result.facts.text and "Architecture" in result.facts.text
    assert result.facts.text_chars == len(result.facts.text) - 1  # pages are joined by a newline
    assert result.notes == []


def test_an_encrypted_pdf_is_refused(check):
    result = check(SLOT, samples.pdf_bytes(["secret"], user_password="s3cret"))
    assert ids(result.problems) == ["pdf_encrypted"]


def test_a_corrupt_pdf_is_refused(check):
    result = check(SLOT, b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    assert ids(result.problems) == ["pdf_unreadable"]


def test_a_pdf_without_pages_is_refused(check):
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    assert ids(check(SLOT, buffer.getvalue()).problems) == ["pdf_no_pages"]


def test_a_page_limit_refuses_longer_documents(check):
    slot = SlotConfig(kind="pdf", limits=Limits(max_pages=2))
    result = check(slot, samples.pdf_bytes(["1", "2", "3"]))
    assert ids(result.problems) == ["pdf_too_many_pages"]
    assert result.problems[0].params == {"pages": 3, "max_pages": 2}


def test_extracted_text_is_capped(check):
    slot = SlotConfig(kind="pdf", limits=Limits(max_text_chars=30))
    result = check(slot, samples.pdf_bytes(["a" * 25, "b" * 25, "c" * 25]))
    assert result.ok
    assert result.facts.text_chars == 30
    assert result.facts.text.startswith("a" * 25) and "b" in result.facts.text and "c" not in result.facts.text
    assert ids(result.notes) == ["pdf_text_truncated"]


def test_a_document_without_text_gets_a_note(check):
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(buffer)
    result = check(SLOT, buffer.getvalue())
    assert result.ok and ids(result.notes) == ["pdf_no_text"]


def test_names_in_the_text_and_properties_are_warned_about_once_each(check):
    data = samples.pdf_bytes(
        ["Our product", "团队：星火队 指导老师：王建国\n浙江 大学", "星火队 again"], author="Wang Jianguo"
    )
    result = check(SLOT, data, names=["星火队", "王建国", "浙江大学", "Wang Jianguo", "Li"])
    assert result.ok  # names never refuse a file
    found = [(m.id, m.params.get("page"), m.params["name"]) for m in result.warnings]
    assert found == [
        ("anon_pdf_text", 2, "星火队"),
        ("anon_pdf_text", 2, "王建国"),
        ("anon_pdf_text", 2, "浙江大学"),
        ("anon_pdf_metadata", None, "Wang Jianguo"),
    ]


def test_without_names_there_are_no_warnings(check):
    result = check(SLOT, samples.pdf_bytes(["星火队"], author="星火队"))
    assert result.ok and result.warnings == []
