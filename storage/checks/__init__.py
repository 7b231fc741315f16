"""Content checks of uploaded entry files (issue 10): each file is verified (size, checksum, real
type, content) before it counts, and every failure is a message the team reads in its language.

    result = check_file(DEFAULT_SLOTS["demo_video"], fileobj, size, names=[...], filename="demo.mp4")
    result = check_appid(" wx0123456789abcdef ")
"""

from storage.checks.anonymity import NameMatcher
from storage.checks.appid import check_appid
from storage.checks.entry import check_file, check_path
from storage.checks.messages import TEXTS, CheckResult, Facts, FileRefused, Message
from storage.checks.ranged import RangedReader
from storage.checks.slots import DEFAULT_SLOTS, Limits, SlotConfig, SlotKind, ZipLimits

__all__ = [
    "DEFAULT_SLOTS",
    "TEXTS",
    "CheckResult",
    "Facts",
    "FileRefused",
    "Limits",
    "Message",
    "NameMatcher",
    "RangedReader",
    "SlotConfig",
    "SlotKind",
    "ZipLimits",
    "check_appid",
    "check_file",
    "check_path",
]
