"""Message catalogs (Simplified Chinese by default, English) and language negotiation.

Catalogs are `.po` files compiled in memory at first use, so no binary `.mo` lives in the repo.
Source strings (msgids) are English.
"""

import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from contest.lib.errors import fill

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
LOCALES_DIR = Path(__file__).parent / "locales"
_CATALOG_DIR = {"zh-CN": "zh_CN", "en": "en"}
BEIJING = "Asia/Shanghai"


def _compiled(path: Path, locale: str) -> Translations:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> Translations:
    """The catalog of `lang` (an unknown language gets the default one): `messages.po` merged with
    every other `.po` of the language's folder, one per domain (checks, assignment, ranking ...)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    folder = LOCALES_DIR / _CATALOG_DIR[lang] / "LC_MESSAGES"
    merged = _compiled(folder / "messages.po", _CATALOG_DIR[lang])
    for path in sorted(folder.glob("*.po")):
        if path.name != "messages.po":
            merged.merge(_compiled(path, _CATALOG_DIR[lang]))
    return merged


def negotiate_language(cookie: str | None, accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The `lang` cookie wins, then the browser's Accept-Language (by weight), then the default."""
    if cookie in LANGUAGES:
        return cookie
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:  # q=0 means "not this one" (RFC 9110)
            weighted.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(weighted):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def format_datetime(value: datetime | None, lang: str, tz: str = "Asia/Shanghai") -> str:
    """A UTC instant shown in the contest's time zone, in the reader's language."""
    if value is None:
        return ""
    locale = Locale.parse(_CATALOG_DIR.get(lang, "zh_CN"))
    shown = babel_format_datetime(value.astimezone(ZoneInfo(tz)), "medium", locale=locale)
    # Every page's footer says times are Beijing time; another zone is named where it is used.
    return shown if tz == BEIJING else f"{shown} ({tz})"


def translate(message: Any, lang: str) -> str:
    """A message in `lang`: anything with `text` (the English template, our msgid) and `params`
    (domain errors, check results, solver explanations) or a plain msgid string."""
    text = getattr(message, "text", message)
    params = {
        k: format_datetime(v, lang) if isinstance(v, datetime) else v
        for k, v in (getattr(message, "params", None) or {}).items()
    }
    return fill(translations(lang).gettext(str(text)), params, lang)
