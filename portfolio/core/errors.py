"""Domain errors raised by services and translated into responses at the edges."""


class DomainError(Exception):
    """Base class: a service refused to do what it was asked."""

    status_code = 400

    def __init__(self, message: str = "", **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class RuleViolation(DomainError):
    """The request breaks a rule of the domain; nothing was written."""

    status_code = 422

    def __init__(self, message: str = "", errors: dict[str, list[str]] | None = None, **details):
        super().__init__(message, **details)
        self.errors = errors or {}


class StaleEdit(DomainError):
    """The object changed after the editor loaded it; the edit was refused."""

    status_code = 409

    def __init__(self, message: str = "", changes: list | None = None, current_version=None):
        super().__init__(message)
        self.changes = changes or []
        self.current_version = current_version
