"""What an irreversible step will lock, and what is still missing, said before it is taken."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Confirmation:
    """The lines of a confirmation step (templates/_confirm.html), in the user's language."""

    locked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
