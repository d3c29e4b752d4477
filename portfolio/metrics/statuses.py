"""Provider status symbols and how they map onto `ObservationStatus`.

Each provider family has its own symbols, and some clash: ":" is "confidential" in the
Nordic PX tables (Statistics Norway) but "not available" at Eurostat. The tables below are
documented in docs/metrics.md; change the two together.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from portfolio.metrics.observations import NO_VALUE_STATUSES, Observation, ObservationStatus

S = ObservationStatus

# The PX symbol for an absolute zero (DATASYMBOLNIL): the cell is 0, nothing is missing.
PX_NIL = "-"

# The Nordic PX tables (Statistics Norway, Statistics Denmark, Statistics Sweden):
# "." cannot occur, ".." not available, "..." / ":" not published for confidentiality,
# "-" a true nil: the value is 0 (`resolve` writes it when the provider sent no number).
PX_SYMBOLS: dict[str, ObservationStatus] = {
    PX_NIL: S.OK,
    ".": S.NOT_APPLICABLE,
    "..": S.MISSING,
    "...": S.SUPPRESSED,
    ":": S.SUPPRESSED,
    "*": S.PROVISIONAL,
    "|": S.BREAK,
}

# Eurostat's flags. Several may be combined ("bp", "ep"); see `lookup_symbol`.
EUROSTAT_FLAGS: dict[str, ObservationStatus] = {
    ":": S.MISSING,
    "b": S.BREAK,
    "c": S.SUPPRESSED,
    "d": S.OK,  # definition differs
    "e": S.ESTIMATED,
    "f": S.ESTIMATED,  # forecast
    "n": S.OK,  # not significant
    "p": S.PROVISIONAL,
    "r": S.OK,  # revised
    "s": S.ESTIMATED,  # Eurostat estimate
    "u": S.OK,  # low reliability
    "z": S.NOT_APPLICABLE,
}

# JSON-stat without labels for its symbols: the Nordic symbols, plus Eurostat's letters
# (which do not clash with them).
DEFAULT_JSONSTAT_SYMBOLS: dict[str, ObservationStatus] = {
    **{k: v for k, v in EUROSTAT_FLAGS.items() if k != ":"},
    **PX_SYMBOLS,
}

# SDMX cross-domain code list CL_OBS_STATUS. "M" is officially "data cannot exist", but
# providers (BIS among them) use it for any missing cell, so it maps to missing.
SDMX_OBS_STATUS: dict[str, ObservationStatus] = {
    "A": S.OK,  # normal value
    "B": S.BREAK,
    "D": S.OK,  # definition differs
    "E": S.ESTIMATED,
    "F": S.ESTIMATED,  # forecast
    "G": S.OK,  # experimental
    "H": S.NOT_APPLICABLE,  # missing: holiday or weekend
    "I": S.ESTIMATED,  # imputed
    "K": S.NOT_APPLICABLE,  # included in another category
    "L": S.MISSING,  # exists but was not collected
    "M": S.MISSING,
    "N": S.OK,  # not significant
    "O": S.MISSING,
    "P": S.PROVISIONAL,
    "Q": S.SUPPRESSED,  # missing: suppressed
    "U": S.OK,  # low reliability
    "V": S.PROVISIONAL,  # unvalidated
}

# SDMX CL_CONF_STATUS: only "F" (free) is publishable; every other code withholds the cell.
SDMX_CONF_FREE = frozenset({"F"})

# Words in a provider's own label for a symbol, checked in this order.
_LABEL_WORDS: tuple[tuple[ObservationStatus, tuple[str, ...]], ...] = (
    (S.SUPPRESSED, ("confidential", "konfidensi", "diskretion", "suppress", "fortrolig")),
    (
        S.NOT_APPLICABLE,
        ("not applicable", "cannot occur", "kan ikke forekomme", "ikke mulig", "cannot exist"),
    ),
    (
        S.MISSING,
        ("not available", "missing", "mangler", "ikke tilgængelig", "foreligger ikke"),
    ),
    (S.BREAK, ("break", "brudd", "brud ")),
    (S.PROVISIONAL, ("provisional", "foreløpig", "foreløbig", "preliminary")),
    (S.ESTIMATED, ("estimat", "forecast", "skøn", "anslått")),
)

_PRECEDENCE = (
    S.SUPPRESSED,
    S.NOT_APPLICABLE,
    S.MISSING,
    S.BREAK,
    S.PROVISIONAL,
    S.ESTIMATED,
    S.OK,
)


def status_from_label(label: str) -> ObservationStatus | None:
    """Guess a status from a provider's description of a symbol ("not available")."""
    text = f" {label.lower()} "
    for status, words in _LABEL_WORDS:
        if any(word in text for word in words):
            return status
    return None


def lookup_symbol(symbol: str, table: Mapping[str, ObservationStatus]) -> ObservationStatus | None:
    """Return the status a symbol stands for in `table`, or None when it is unknown.

    A symbol that is not in the table but is made of letters that each are (Eurostat's
    combined flags such as "bp") takes the weightiest of their statuses.
    """
    symbol = symbol.strip()
    if symbol in table:
        return table[symbol]
    if len(symbol) > 1 and symbol.isalpha() and all(ch in table for ch in symbol):
        found = {table[ch] for ch in symbol}
        return next(status for status in _PRECEDENCE if status in found)
    return None


def resolve(
    value: Decimal | None, raw_status: str | None, status: ObservationStatus | None
) -> tuple[Decimal | None, ObservationStatus]:
    """Settle a cell's value and status from what the provider sent.

    A symbol meaning "no number here" wins over any number sent with it (some providers
    write 0 in suppressed cells); PX's "-" without a number is 0; a cell with no number
    and no such symbol is missing.
    """
    if status in NO_VALUE_STATUSES:
        return None, status
    if value is None and status is ObservationStatus.OK and (raw_status or "").strip() == PX_NIL:
        # PX's absolute zero: the provider says the cell is 0 without writing the 0.
        return Decimal(0), status
    if value is None:
        return None, ObservationStatus.MISSING
    return value, status or ObservationStatus.OK


def make_observation(
    dimensions: dict[str, str],
    period: str,
    value: Decimal | None,
    raw_status: str | None,
    status: ObservationStatus | None,
    unit: str | None = None,
) -> Observation:
    """Build an observation after settling its value and status with `resolve`."""
    value, status = resolve(value, raw_status, status)
    return Observation(
        dimensions=dimensions,
        period=period,
        value=value,
        status=status,
        raw_status=raw_status,
        unit=unit,
    )
