"""Domain exceptions. Services raise these; the shell maps them once to JSON or HTML."""

from collections.abc import Mapping


class DomainError(Exception):
    """Base: a human message, optional per-field details, and the HTTP status it maps to."""

    status_code = 400

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


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
