"""Catalogs: every message a person can see has a Chinese translation."""

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontend.i18n import format_datetime, negotiate_language, translations

ROOT = Path(__file__).resolve().parents[2]
# Calls whose first argument is a message people read (an English template, the catalog's msgid),
# and whose `fields` (a dict of field messages) people read too.
SPEAKERS = frozenset(
    {
        "InvalidInput",
        "Conflict",
        "Forbidden",
        "NotFound",
        "InvalidState",
        "Unauthorized",
        "RateLimited",
        "Unavailable",
        "DomainError",
        "ValidationException",
        "Msg",
        "Message",
        "UnreadableFile",
        "RowError",
        "message_page",
        "_status",
    }
)


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def spoken(source: str) -> set[str]:
    """Messages in Python source, read from its syntax tree (so strings written over several lines
    count as one): the templates of errors and messages, their field messages, page titles and
    notices, problems assigned to a field, refusals rules return."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            texts = [t for t in map(_text, node.args) if t] if name in SPEAKERS else []
            found |= set(texts[:1] if name not in {"RowError", "_status", "message_page"} else texts[:2])
            for keyword in node.keywords:
                if keyword.arg in {"notice", "title", "message"} and _text(keyword.value):
                    found.add(str(_text(keyword.value)))
            for argument in [*node.args, *(k.value for k in node.keywords)] if name in SPEAKERS else []:
                if isinstance(argument, ast.Dict):
                    found |= {t for t in map(_text, argument.values) if t}
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and _text(key) in {"title", "message", "link_label"} and _text(value):
                    found.add(str(_text(value)))
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0].value
            if isinstance(target, ast.Name) and target.id == "problems" and _text(node.value):
                found.add(str(_text(node.value)))
        elif isinstance(node, ast.Return) and node.value is not None:
            text = _text(node.value)
            if text and text[:1].isupper() and text.rstrip()[-1:] in ".!?":
                found.add(text)
    return found


def visible_messages() -> set[str]:
    """Template strings, menu labels, page titles, notices, and the messages and field messages of
    domain errors in every package (every one is an English template: an f-string would not be
    found, nor translated)."""
    found: set[str] = set()
    for path in (ROOT / "frontend" / "templates").rglob("*.html"):
        found |= {
            m.group(3) for m in re.finditer(r"""(^|[^\w])t?_?\((["'])(.+?)\2[,)]""", path.read_text()) if m.group(3)
        }
    for path in (ROOT / "frontend").rglob("*.py"):
        text = path.read_text()
        found |= set(re.findall(r'NavItem\("([^"]+)"', text))
        found |= set(re.findall(r'\),\s*"([A-Z][^"]+\.)",?\s*\)', text))  # the notices of the team page's actions
    for package in ("contest", "judging", "frontend"):
        for path in (ROOT / package).rglob("*.py"):
            if "piccolo_migrations" not in path.parts:
                found |= spoken(path.read_text())
    return {m for m in found if not m.startswith(("contest.", "team.", "/")) and m.strip()}


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
