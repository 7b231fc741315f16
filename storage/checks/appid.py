"""The AppID a team types: "wx" and 16 lower-case hexadecimal digits, told precisely what is wrong."""

import unicodedata

from storage.checks.messages import CheckResult, Report

_HEX = frozenset("0123456789abcdef")


def check_appid(value: str) -> CheckResult:
    """Trim, turn full-width characters half-width (with a note), then check prefix, length and digits."""
    report = Report()
    typed = value.strip()
    appid = unicodedata.normalize("NFKC", typed).strip()
    rest = appid[2:]
    if not appid:
        report.problem("appid_empty")
    elif any(ch.isspace() for ch in appid):
        report.problem("appid_inner_space", value=appid)
    elif appid[:2].lower() != "wx":
        report.problem("appid_prefix", value=appid)
    elif len(rest) != 16:
        report.problem("appid_length", value=appid, count=len(rest))
    elif appid != appid.lower() and set(rest.lower()) <= _HEX:
        report.problem("appid_uppercase", suggestion=appid.lower())
    elif not set(rest) <= _HEX:
        report.problem("appid_not_hex", value=appid, chars="".join(sorted(set(rest) - _HEX)))
    if not report.problems:
        report.facts.appid = appid
        if appid != typed:
            report.note("appid_normalised", value=appid)
    return report.result()
