"""The design document: a PDF that opens without a password, its page count and (capped) text."""

from typing import Any, BinaryIO

from pypdf import PdfReader

from storage.checks.anonymity import NameMatcher
from storage.checks.messages import Report
from storage.checks.slots import SlotConfig

_METADATA_FIELDS = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator")


def check_pdf(slot: SlotConfig, fileobj: BinaryIO, report: Report, names: NameMatcher) -> None:
    """Open the PDF, refuse it when encrypted or pageless, count pages and extract text up to the cap."""
    try:
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted:
            report.problem("pdf_encrypted")
            return
        pages = len(reader.pages)
    except MemoryError:
        raise
    except Exception:  # pypdf raises many kinds (PdfReadError, ValueError, KeyError...) on a damaged file
        report.problem("pdf_unreadable")
        return
    report.facts.pages = pages
    if pages == 0:
        report.problem("pdf_no_pages")
        return
    max_pages = slot.limits.max_pages
    if max_pages is not None and pages > max_pages:
        report.problem("pdf_too_many_pages", pages=pages, max_pages=max_pages)

    cap = slot.limits.max_text_chars
    texts: list[str] = []
    total = 0
    found: set[str] = set()
    for number in range(1, pages + 1):
        if total >= cap:
            report.note("pdf_text_truncated", chars=cap)
            break
        try:
            text = reader.pages[number - 1].extract_text()
        except MemoryError:
            raise
        except Exception:  # one unreadable page does not make the document unreadable
            continue
        text = text[: cap - total]
        texts.append(text)
        total += len(text)
        for name in names.find(text):
            if name not in found:
                found.add(name)
                report.warning("anon_pdf_text", page=number, name=name)
    report.facts.text = "\n".join(texts)
    report.facts.text_chars = total
    if not any(t.strip() for t in texts):
        report.note("pdf_no_text")

    if names:
        metadata: Any
        try:
            metadata = reader.metadata or {}
        except MemoryError:
            raise
        except Exception:
            metadata = {}
        for field in _METADATA_FIELDS:
            value = metadata.get(field)
            for name in names.find(str(value)) if value else ():
                report.warning("anon_pdf_metadata", field=field.lstrip("/"), name=name)
