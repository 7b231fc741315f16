"""Finding a university the way people type it: 浙江大学, 浙大, zhejiang, zjdx, zju or Zhejiang
University all find 浙江大学. Pure: names in, search keys and ranks out."""

import re
import unicodedata

from pypinyin import lazy_pinyin

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"^[a-z0-9 ]+$")


def search_keys(name_zh: str) -> tuple[str, str]:
    """(full pinyin, syllable initials) of a Chinese name, e.g. ("zhejiangdaxue", "zjdx"); pypinyin
    reads polyphones in context (重庆 chongqing, 厦门 xiamen)."""
    syllables = [s.lower() for s in lazy_pinyin(name_zh) if s.strip()]
    full = "".join(re.sub(r"[^a-z0-9]", "", s) for s in syllables)
    initials = "".join(s[0] for s in syllables if s and s[0].isalnum())
    return full, initials


def normalise_query(query: str) -> str:
    """Full-width letters and digits folded (ｚｊｕ is zju), case and outer spaces dropped."""
    return unicodedata.normalize("NFKC", query).strip().lower()


def like_patterns(query: str) -> dict[str, str]:
    """SQL LIKE patterns that select candidates (a superset of the matches `rank` accepts).
    `%` and `_` typed by a person are dropped, never obeyed."""
    q = re.sub(r"[%_]", "", query)
    if not q:
        return {}
    patterns = {"name_zh": f"%{q}%", "name_en": f"%{q}%"}
    if _CJK.search(q):
        # An abbreviation keeps the name's characters in order: 浙大 is 浙江大学, 北航 北京航空航天大学.
        patterns["name_zh_abbrev"] = "%".join(q) + "%"
    compact = q.replace(" ", "")
    if compact and _LATIN.match(q):
        patterns["pinyin"] = f"%{compact}%"
        patterns["initials"] = f"{compact}%"
        # English-style initials such as zju or sjtu: letters in order through the pinyin.
        patterns["pinyin_abbrev"] = "%".join(compact) + "%"
    return patterns


def rank(query: str, name_zh: str, name_en: str, pinyin: str, initials: str) -> int | None:
    """How well `query` names this university (lower is better), or None when it does not."""
    q = query
    compact = q.replace(" ", "")
    en = name_en.lower()
    if q in (name_zh, en):
        return 0
    if name_zh.startswith(q) or en.startswith(q):
        return 1
    if q in name_zh or (len(q) >= 2 and q in en):
        return 2
    if _LATIN.match(q) and compact:
        if pinyin.startswith(compact) or initials.startswith(compact):
            return 3
        if compact in pinyin:
            return 4
        if len(compact) >= 2 and compact[0] == pinyin[:1] and _in_order(compact, pinyin):
            return 6
    if _CJK.search(q) and len(q) >= 2 and name_zh.startswith(q[0]) and _in_order(q, name_zh):
        return 5
    return None


def _in_order(needle: str, haystack: str) -> bool:
    """Every character of `needle` appears in `haystack`, in order."""
    position = 0
    for char in needle:
        position = haystack.find(char, position)
        if position < 0:
            return False
        position += 1
    return True
