"""Domain errors raised by services; views and CLI commands turn them into messages."""
from __future__ import annotations


class DomainError(Exception):
    """Base class. ``fields`` maps a field name to a message for forms and JSON errors."""

    status_code = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(DomainError):
    status_code = 422


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    status_code = 409


class AuthError(DomainError):
    status_code = 401


class PermissionDenied(DomainError):
    status_code = 403
