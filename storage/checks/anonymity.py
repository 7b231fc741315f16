"""Names that would tell the judges of a blind round whose entry they read.

Matching is case-insensitive on NFKC-normalised text (full-width letters match half-width ones),
ignores the spaces, dots, hyphens and underscores that text extraction or file naming puts between
the parts of a name, and skips names too short to mean anything (under 2 CJK characters or under 4
Latin letters and digits).
"""

import re
import unicodedata
from collections.abc import Iterable

_CJK_CLASS = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
_CJK = re.compile(_CJK_CLASS)
_LATIN = re.compile(r"[0-9a-z\u00c0-\u024f]")
# A unit is one CJK character or a run of other letters and digits; gaps between units are free.
_UNIT = re.compile(_CJK_CLASS + r"|(?:(?!" + _CJK_CLASS + r")[^\W_])+")
_GAP = r"[\s_.\-·•]*"


def normalise(text: str) -> str:
    """NFKC (full-width to half-width) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _long_enough(key: str) -> bool:
    return len(_CJK.findall(key)) >= 2 or len(_LATIN.findall(key)) >= 4


def _pattern(key: str) -> re.Pattern[str]:
    units = _UNIT.findall(key)
    body = _GAP.join(re.escape(unit) for unit in units)
    # A Latin name must not be part of a longer word ("Anna" in "Annapolis"); CJK has no word breaks.
    before = r"(?<![0-9a-z\u00c0-\u024f])" if _LATIN.match(units[0][0]) else ""
    after = r"(?![0-9a-z\u00c0-\u024f])" if _LATIN.match(units[-1][-1]) else ""
    return re.compile(before + body + after)


class NameMatcher:
    """Finds which of the given names (team, members, advisor, university) a text carries."""

    def __init__(self, names: Iterable[str]) -> None:
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        seen: set[str] = set()
        for name in names:
            key = normalise(name).strip()
            if key in seen or not _long_enough(key):
                continue
            seen.add(key)
            self._patterns.append((name.strip(), _pattern(key)))

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def find(self, text: str) -> list[str]:
        """The names (as given) that occur in `text`."""
        if not self._patterns or not text:
            return []
        normal = normalise(text)
        return [name for name, pattern in self._patterns if pattern.search(normal)]
