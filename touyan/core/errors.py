"""Domain errors raised by services and selectors.

Views and the API turn them into responses: InvalidInput → 422 with a message
per field, NotFound → 404, Forbidden → 403, Conflict → 409.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise


class DomainError(Exception):
    status = 400

    def __init__(self, message: str | Promise = "", *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field

    def field_errors(self) -> dict[str, list[str]]:
        return {self.field or "__all__": [self.message]}

    def text(self) -> str:
        """Every message in one line (a job's result, a batch report)."""
        return ";".join(m for msgs in self.field_errors().values() for m in msgs) or self.message


class InvalidInput(DomainError):
    """Bad input; `errors` maps each offending field to its messages."""

    status = 422

    def __init__(
        self,
        message: str | Promise = "",
        *,
        field: str | None = None,
        errors: Mapping[str, list[str] | str] | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.errors: dict[str, list[str]] = {}
        if errors:
            for name, msgs in errors.items():
                self.errors[name] = [str(msgs)] if isinstance(msgs, (str, Promise)) else [str(m) for m in msgs]
        if message and not self.errors:
            self.errors[field or "__all__"] = [str(message)]
        if not self.message:
            self.message = "; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items())

    def field_errors(self) -> dict[str, list[str]]:
        return self.errors


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class TooManyAttempts(DomainError):
    """Locked out after repeated wrong passwords (django-axes): 429."""

    status = 429
