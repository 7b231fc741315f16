"""Every message the timetable can produce has its Simplified Chinese translation, placeholders intact."""

import string
from pathlib import Path

from babel.messages.pofile import read_po

from judging.schedule.timetable import TEMPLATES

CATALOG = Path(__file__).parents[3] / "frontend/locales/zh_CN/LC_MESSAGES/schedule.po"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_template_is_translated_with_the_same_placeholders():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    translated = {message.id: message.string for message in catalog if message.id}
    assert set(translated) == set(TEMPLATES.values())
    for text in TEMPLATES.values():
        chinese = translated[text]
        assert chinese and placeholders(chinese) == placeholders(text), text
        assert not any(mark in chinese for mark in (",", ";", ":", "(", ")")), chinese  # full-width in Chinese


def test_every_message_renders_in_both_languages():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    for text in TEMPLATES.values():
        params = {name: 1 for name in placeholders(text)}
        assert text.format(**params) and catalog[text].string.format(**params)
