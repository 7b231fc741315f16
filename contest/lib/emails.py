"""The one e-mail normaliser: every look-up, limit and stored address goes through it."""

import unicodedata

from email_validator import EmailNotValidError, validate_email

from contest.lib.errors import InvalidInput


def normalise_email(email: str) -> str:
    """The canonical form of an address: NFKC (full-width "ｄｅｍｏ＠…" is "demo@…"), validated,
    lower-cased. Raises InvalidInput naming the field."""
    folded = unicodedata.normalize("NFKC", email).strip()
    try:
        return validate_email(folded, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidInput("This is not a valid e-mail address.", {"email": "invalid"}) from None


def canonical_or_none(email: str) -> str | None:
    """The canonical address, or None for something that is not one (log-in and reset forms answer
    the same either way)."""
    try:
        return normalise_email(email)
    except InvalidInput:
        return None
