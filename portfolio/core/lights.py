"""Traffic lights: a colour, the rule that decided it, and the numbers behind it."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
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
    report shows exactly what was shown when it was made. `demo` says the colour was
    decided by figures from the demo data platform, not real ones.
    """

    colour: Colour
    rule: str
    reason: str
    figures: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    demo: bool = False

    def to_dict(self) -> dict:
        return {
            "colour": self.colour.value,
            "rule": self.rule,
            "reason": self.reason,
            "figures": [list(pair) for pair in self.figures],
            "demo": self.demo,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Light:
        return cls(
            colour=Colour(data["colour"]),
            rule=data["rule"],
            reason=data["reason"],
            figures=tuple(tuple(pair) for pair in data.get("figures", ())),
            demo=bool(data.get("demo", False)),  # reports frozen before the flag: False
        )


def worst(lights) -> Colour:
    """Return the most serious colour among the lights (NONE if there are none)."""
    return max((light.colour for light in lights), key=lambda c: c.rank, default=Colour.NONE)


@dataclass(frozen=True)
class Rollup:
    """Several lights summed up, never claiming more than they know.

    `colour` is the worst of the assessed lights, or NONE when more than half of the
    lights have no assessment; `unknown` of `total` lights have none. `demo` says that an
    assessed light's colour comes from demo data.
    """

    colour: Colour
    unknown: int
    total: int
    demo: bool = False

    @property
    def label(self) -> str:
        return rollup_label(self.colour, self.unknown, self.total)

    def to_dict(self) -> dict[str, object]:
        return {
            "colour": self.colour.value,
            "unknown": self.unknown,
            "total": self.total,
            "demo": self.demo,
            "label": self.label,
            "rule": rollup_rule(),
        }


def rollup_label(colour: Colour | str, unknown: int, total: int) -> str:
    """Return a roll-up in words: "Gul – 2 af 5 lys uden vurdering", "Ingen samlet vurdering"."""
    colour = Colour(colour)
    head: str = _("Ingen samlet vurdering") if colour is Colour.NONE else colour.label
    if not unknown:
        return head
    return str(
        _(
            "%(head)s – %(unknown)d af %(total)d lys uden vurdering",
            head=head,
            unknown=unknown,
            total=total,
        )
    )


def rollup_rule() -> str:
    """Return the roll-up rule as the pages state it."""
    return str(
        _(
            "Det samlede lys er det værste af de vurderede lys. Et lys uden vurdering tæller "
            "aldrig som grønt: er mere end halvdelen af lysene uden vurdering, gives ingen "
            "samlet vurdering; ellers står det ved lyset, hvor mange lys der er uden vurdering."
        )
    )


def roll_up(given: Iterable[Light]) -> Rollup:
    """Sum up lights: the worst assessed colour, unless most of them are unassessed."""
    lights = list(given)
    assessed = [light for light in lights if light.colour is not Colour.NONE]
    unknown = len(lights) - len(assessed)
    if not assessed or unknown * 2 > len(lights):
        return Rollup(Colour.NONE, unknown, len(lights))
    colour = worst(assessed)
    return Rollup(colour, unknown, len(lights), demo=any(light.demo for light in assessed))
