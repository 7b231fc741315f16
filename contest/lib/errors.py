"""Domain errors. Services raise these; the shell maps them once to JSON or to pages.

A message is an English template with named placeholders, e.g. "The team is full ({max} members at
most).", plus its parameters. The template is the gettext message id, so the error map translates
it into the viewer's language before filling in the parameters.
"""

from collections.abc import Callable, Mapping
from typing import Any

import msgspec


class Msg(msgspec.Struct, frozen=True):
    """A translatable message: the English template (the catalog's msgid) and its parameters."""

    text: str
    params: dict[str, Any] = {}

    def render(self, gettext: Callable[[str], str] = str, language: str = "en") -> str:
        return fill(gettext(self.text), self.params, language)

    def __str__(self) -> str:
        return self.render()

    def __contains__(self, text: str) -> bool:
        return text in self.render()


def fill(template: str, params: Mapping[str, Any], language: str = "en") -> str:
    """`template` with its {placeholders} filled; a name in both languages gives the viewer's, and a
    placeholder without a parameter stays as written rather than failing."""
    values = {key: value.pick(language) if hasattr(value, "pick") else value for key, value in params.items()}
    try:
        return template.format_map(_Keep(values))
    except (ValueError, IndexError, AttributeError):
        return template


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


Field = str | Msg


class DomainError(Exception):
    """Base: a message (template and parameters), optional per-field messages, and the HTTP status."""

    status_code = 400

    def __init__(self, message: "str | Msg", fields: Mapping[str, Field] | None = None, **params: Any) -> None:
        self.msg = message if isinstance(message, Msg) else Msg(message, params)
        self.fields = dict(fields or {})
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The message in English (logs, tests); the error map translates `msg` for people."""
        return self.msg.render()


class InvalidInput(DomainError):
    status_code = 400


class Unauthorized(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class InvalidState(DomainError):
    """The request is well-formed but the object's state (e.g. a locked roster) refuses it."""

    status_code = 409


class RateLimited(DomainError):
    status_code = 429


class Unavailable(DomainError):
    """A service we depend on (the object store, Redis) cannot be reached just now."""

    status_code = 503
