"""Every message template has its Simplified Chinese translation, with the same placeholders."""

import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from judging.ranking.messages import TEMPLATES, InputError, message

CATALOG = Path(__file__).resolve().parents[3] / "frontend/locales/zh_CN/LC_MESSAGES/ranking.po"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_template_is_translated_with_its_placeholders_kept():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    translated = {item.id: item.string for item in catalog if item.id}
    assert set(translated) == set(TEMPLATES.values())
    for text in TEMPLATES.values():
        chinese = translated[text]
        assert chinese and chinese != text
        assert placeholders(chinese) == placeholders(text), text
        assert not any(mark in chinese for mark in (": ", "; ", "(", ")")), chinese


def test_templates_are_distinct_so_each_msgid_names_one_message():
    assert len(set(TEMPLATES.values())) == len(TEMPLATES)


def test_a_message_renders_its_english_text_and_an_error_carries_it():
    reason = message("option_between", option="percent", low=0, high=100, value=120)
    assert reason.render() == "The option percent must be between 0 and 100, not 120."
    assert str(InputError(reason)) == reason.render()
    with pytest.raises(KeyError):
        message("no_such_message")
