"""Catalogs: every message a person can see has a Chinese translation."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontend.i18n import format_datetime, negotiate_language, translations

ROOT = Path(__file__).resolve().parents[2]
ERRORS = (
    r"\b(?:InvalidInput|Conflict|Forbidden|NotFound|InvalidState|Unauthorized|RateLimited|Unavailable|DomainError"
    r"|ValidationException|Msg|RowError\([\w.]+,|_status\(\d+,|message_page\(request,|Message|raise ImportRefused)"
)


def visible_messages() -> set[str]:
    """Template strings, menu labels, page titles, notices, and the messages and field messages of
    domain errors (every one is an English template: f-strings would not be found, nor translated)."""
    found: set[str] = set()
    for path in (ROOT / "frontend" / "templates").rglob("*.html"):
        found |= {
            m.group(3) for m in re.finditer(r"""(^|[^\w])t?_?\((["'])(.+?)\2[,)]""", path.read_text()) if m.group(3)
        }
    for path in (ROOT / "frontend").rglob("*.py"):
        text = path.read_text()
        found |= set(re.findall(r'NavItem\("([^"]+)"', text))
        found |= set(re.findall(r'"(?:title|message|link_label)": "([^"]+)"', text))
        found |= set(re.findall(r'notice="([^"]+)"', text))
        found |= set(re.findall(r'\),\s*"([A-Z][^"]+\.)",?\s*\)', text))  # the notices of the team page's actions
    for path in [*(ROOT / "contest").rglob("*.py"), *(ROOT / "frontend").rglob("*.py")]:
        text = path.read_text()
        found |= set(re.findall(ERRORS + r'\(?\s*"([^"\n]+)"', text))
        # Field messages: {"field": "message"} in a raise, or a problem assigned to a field.
        found |= set(re.findall(r'(?:Input|Conflict|Forbidden|NotFound|State)\([^\n]*\{"[\w ]+": "([^"{}]+)"\}', text))
        found |= set(re.findall(r'problems\["\w+"\] = "([^"]+)"', text))
        found |= set(re.findall(r'(?:^|[\s(])return "([A-Z][^"]+[.!?])"', text, re.M))
    return {m for m in found if not m.startswith(("contest.", "team.", "/"))}


def test_every_visible_message_is_translated():
    catalog = translations("zh-CN")
    untranslated = sorted(m for m in visible_messages() if catalog.gettext(m) == m)
    assert untranslated == []


HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][,:;?!()]|[,:;?!(][\u4e00-\u9fff]|[\u4e00-\u9fff] ?\.$")


def test_chinese_copy_uses_full_width_punctuation_and_one_form_of_you():
    catalog = translations("zh-CN")
    texts = [catalog.gettext(m) for m in visible_messages()]
    texts += [m.string for m in _po_messages() if isinstance(m.string, str)]
    assert [t for t in texts if HALF_WIDTH_IN_CHINESE.search(t)] == []
    assert [t for t in texts if "您" in t] == []


def _po_messages():
    from babel.messages.pofile import read_po

    for path in (ROOT / "frontend" / "locales" / "zh_CN" / "LC_MESSAGES").glob("*.po"):
        with path.open("rb") as handle:
            yield from read_po(handle)


def test_english_shows_the_source_text():
    assert translations("en").gettext("Sign in") == "Sign in"
    assert translations("zh-CN").gettext("Sign in") == "登录"


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        ("en", "zh-CN,zh;q=0.9", "en"),
        (None, "en-US,en;q=0.9,zh;q=0.8", "en"),
        (None, "fr-FR,zh-TW;q=0.5", "zh-CN"),
        (None, "de;q=1.0,en;q=0.2", "en"),
        (None, "en;q=0,de", "zh-CN"),
        (None, None, "zh-CN"),
        ("klingon", "", "zh-CN"),
    ],
)
def test_language_negotiation(cookie, header, expected):
    assert negotiate_language(cookie, header) == expected


def test_times_are_shown_in_the_contest_zone():
    instant = datetime(2027, 4, 1, 16, 0, tzinfo=UTC)
    assert "2027" in format_datetime(instant, "zh-CN") and "00:00" in format_datetime(instant, "zh-CN")
    assert "Apr" in format_datetime(instant, "en")


def test_templates_glue_no_punctuation_to_translated_text():
    """A colon or bracket written after {{ _("...") }} stays half-width in Chinese: put it in the
    message ("Reason: {reason}") so each language punctuates its own way."""
    glued = re.compile(r"""_\((["']).+?\1\) ?\}\}[:(（：]""")
    offenders = [p.name for p in (ROOT / "frontend" / "templates").rglob("*.html") if glued.search(p.read_text())]
    assert offenders == []
