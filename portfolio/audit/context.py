"""Who is acting right now, for the audit trail: the signed-in user, or a named CLI run."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass

from flask import g, has_request_context


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    request_id: str | None = None


_cli_actor: ContextVar[Actor | None] = ContextVar("cli_actor", default=None)


def current_actor() -> Actor:
    """Return the actor of the current request or CLI command."""
    if has_request_context():
        request_id = g.get("request_id")
        # Flask-Login keeps the loaded user here; reading it never queries the database,
        # which matters because this runs inside a flush.
        user = g.get("_login_user")
        if user is not None and getattr(user, "is_authenticated", False):
            state = user.__dict__
            return Actor(state.get("id"), state.get("email", "?"), request_id)
        return Actor(None, "anonym", request_id)
    return _cli_actor.get() or Actor(None, "system")


@contextlib.contextmanager
def acting_as(user=None, label: str | None = None):
    """Attribute changes made inside the block to a user, or to a named command."""
    actor = Actor(
        user.id if user is not None else None,
        label or (user.email if user is not None else "system"),
        None,
    )
    token = _cli_actor.set(actor)
    try:
        yield actor
    finally:
        _cli_actor.reset(token)
