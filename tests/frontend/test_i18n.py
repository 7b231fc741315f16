"""Catalogs: every message a person can see has a Chinese translation."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontend.i18n import format_datetime, negotiate_language, translations

ROOT = Path(__file__).resolve().parents[2]
ERRORS = r"(?:InvalidInput|Conflict|Forbidden|NotFound|InvalidState|Unauthorized|RateLimited|ValidationException)"


def visible_messages() -> set[str]:
    """Template strings, menu labels, page titles and domain error messages (not f-strings)."""
    found: set[str] = set()
    for path in (ROOT / "frontend" / "templates").rglob("*.html"):
        found |= {m.group(2) for m in re.finditer(r"""_\((["'])(.+?)\1\)""", path.read_text())}
    for path in (ROOT / "frontend").rglob("*.py"):
        text = path.read_text()
        found |= set(re.findall(r'NavItem\("([^"]+)"', text))
        found |= set(re.findall(r'"(?:title|message|link_label)": "([^"]+)"', text))
    for path in [*(ROOT / "contest").rglob("*.py"), *(ROOT / "frontend").rglob("*.py")]:
        found |= set(re.findall(ERRORS + r'\(\s*"([^"]+)"', path.read_text()))
    return found


def test_every_visible_message_is_translated():
    catalog = translations("zh-CN")
    untranslated = sorted(m for m in visible_messages() if catalog.gettext(m) == m)
    assert untranslated == []


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
