"""Traffic lights: a colour, the rule that decided it, and the numbers behind it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


class Colour(enum.Enum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NONE = "none"

    @property
    def label(self) -> str:
        return str(_COLOUR_LABELS[self])

    @property
    def rank(self) -> int:
        """Order of seriousness, so the worst of several lights can be found."""
        return _RANKS[self]


_COLOUR_LABELS = {
    Colour.GREEN: _l("Grøn"),
    Colour.YELLOW: _l("Gul"),
    Colour.RED: _l("Rød"),
    Colour.NONE: _l("Ingen vurdering"),
}
_RANKS = {Colour.NONE: 0, Colour.GREEN: 1, Colour.YELLOW: 2, Colour.RED: 3}


@dataclass(frozen=True)
class Light:
    """A light as shown to the steering group: colour, rule, reason and figures.

    `figures` are (label, value) pairs already written for reading, so that a frozen
    report shows exactly what was shown when it was made.
    """

    colour: Colour
    rule: str
    reason: str
    figures: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "colour": self.colour.value,
            "rule": self.rule,
            "reason": self.reason,
            "figures": [list(pair) for pair in self.figures],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Light:
        return cls(
            colour=Colour(data["colour"]),
            rule=data["rule"],
            reason=data["reason"],
            figures=tuple(tuple(pair) for pair in data.get("figures", ())),
        )


def worst(lights) -> Colour:
    """Return the most serious colour among the lights (NONE if there are none)."""
    return max((light.colour for light in lights), key=lambda c: c.rank, default=Colour.NONE)
