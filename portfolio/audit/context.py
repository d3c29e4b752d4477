"""Who is acting right now, for the audit trail: the signed-in user, or a named CLI run."""

from __future__ import annotations

import contextlib
import getpass
import os
from contextvars import ContextVar
from dataclasses import dataclass

import click
from flask import g, has_request_context


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    request_id: str | None = None


_cli_actor: ContextVar[Actor | None] = ContextVar("cli_actor", default=None)
# Why the rows written now change: a key the trail keeps beside each row, such as
# "change_request:ÆA1" (audit/presentation.py writes it out in the reader's language).
_reason: ContextVar[str | None] = ContextVar("audit_reason", default=None)
_META_KEY = "styrbord.audit_actor"


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
    return _cli_actor.get() or _command_actor() or Actor(None, "system")


def _command_actor() -> Actor | None:
    """Name the running `flask …` command and the operating-system user who ran it.

    Every CLI command that writes is covered, whichever group it is in: the label comes
    from click's context, e.g. "cli: flask metrics refresh (os user styrbord)". Only the
    command's name is kept, never its arguments, which may hold file names or secrets.
    """
    context = click.get_current_context(silent=True)
    if context is None:
        return None
    # meta is one dict for the whole command line: worked out once, not per audit row.
    if (label := context.meta.get(_META_KEY)) is None:
        names, level = [], context
        while level.parent is not None:  # the root is the program itself, named "flask"
            names.append(level.info_name or "?")
            level = level.parent
        label = f"cli: {' '.join(['flask', *reversed(names)])} (os user {os_user()})"
        context.meta[_META_KEY] = label
    return Actor(None, label)


def os_user() -> str:
    """Return the name of the operating-system user running this process.

    The effective user id decides what the process may do, so it is named from the
    password database rather than from $USER, which anyone can set. Under sudo the user
    who called it is added, as sudo reported it.
    """
    try:
        import pwd

        name = pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):  # Windows, or a uid without an entry (containers)
        try:
            name = getpass.getuser()
        except (OSError, KeyError):
            name = f"uid {os.geteuid()}" if hasattr(os, "geteuid") else "unknown"
    caller = os.environ.get("SUDO_USER")
    return f"{name} via sudo from {caller}" if caller and caller != name else name


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


def current_reason() -> str | None:
    """Return the reason the changes made now are recorded with, if any."""
    return _reason.get()


@contextlib.contextmanager
def because(reason: str):
    """Record every change made inside the block with `reason` (e.g. "change_request:ÆA1")."""
    token = _reason.set(reason[:300])
    try:
        yield
    finally:
        _reason.reset(token)
