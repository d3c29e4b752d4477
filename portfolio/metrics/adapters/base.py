"""The base class every metric adapter extends, its errors and its config helpers."""

from __future__ import annotations

import logging
import re
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import pydantic
from flask_babel import gettext as _

from portfolio.core.text import clean_text
from portfolio.metrics.observations import (
    FetchResult,
    Observation,
    ObservationStatus,
    apply_small_number_rule,
)

DEFAULT_TIMEOUT = 30.0
log = logging.getLogger("portfolio.metrics")


class SourceError(Exception):
    """A metric source could not be read; `message` is Danish and may be shown to users.

    `message` never repeats what the source held (no row values, file lines or response
    bodies; at most column names that look like column names, see `shown_names`), because
    it is shown on pages, stored as a metric's `last_error` and printed by the CLI, and a
    source can be pointed at things its user must not read. `detail` is the technical
    cause (in English, for logs); it may hold provider text and is only ever logged
    (`log_source_error`), never shown.
    """

    def __init__(self, message: str, detail: str | None = None):
        # A message is stored and shown: nothing in it a database, page or log cannot hold.
        message = clean_text(str(message))
        super().__init__(message)
        self.message = message
        self.detail = loggable(detail) if detail is not None else None

    def __str__(self) -> str:
        return self.message


class SourceTimeout(SourceError):
    """The source did not answer, or its answer could not be read, within the time allowed.

    `reading` is true when the answer arrived but parsing it took the rest of the time.
    """

    def __init__(self, message: str, detail: str | None = None, *, reading: bool = False):
        super().__init__(message, detail)
        self.reading = reading


class SourceConnectionError(SourceError):
    """The source could not be reached at all (refused, unknown host, broken connection)."""


class SourceHTTPError(SourceError):
    """The source answered with an HTTP error status."""

    def __init__(self, message: str, status_code: int, detail: str | None = None):
        super().__init__(message, detail)
        self.status_code = status_code


class SourceParseError(SourceError):
    """The source's answer could not be read as the expected format."""


class SourceConfigError(SourceError):
    """The source's configuration is invalid or does not match what the provider offers."""

    def __init__(self, message: str, errors: list[str] | None = None, detail: str | None = None):
        super().__init__(message, detail)
        self.errors = errors or []


class SourceAccessDenied(SourceConfigError):
    """The location is one no source may read: a file outside the allowed folders, or a
    host on an internal, reserved or cloud-metadata address (see `access.py`)."""


class UnknownAdapter(SourceConfigError):
    """No adapter is registered under the requested type."""


class AdapterUnavailable(SourceConfigError):
    """The adapter exists but cannot run here (its optional driver is not installed)."""


@dataclass(frozen=True)
class ConnectionCheck:
    """The outcome of `test_connection`: whether it worked, and a Danish message."""

    ok: bool
    message: str


class Deadline:
    """The time left of a fetch's total budget, shared by all the calls the fetch makes."""

    def __init__(self, seconds: float):
        if seconds <= 0:
            raise SourceConfigError(_("Tidsgrænsen skal være større end 0 sekunder."))
        self.seconds = seconds
        self._ends_at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Return the seconds left; raise SourceTimeout when none are."""
        left = self._ends_at - time.monotonic()
        if left <= 0:
            raise SourceTimeout(timeout_message(self.seconds))
        return left

    def expired(self) -> bool:
        """Tell whether the budget is spent."""
        return time.monotonic() >= self._ends_at

    def check_reading(self) -> None:
        """Raise SourceTimeout when the budget is spent while an answer is being parsed.

        The parsers call this every few thousand cells or rows, so that a huge answer that
        arrived in time cannot keep a request (or the refresh job) busy past its timeout.
        """
        if time.monotonic() >= self._ends_at:
            raise SourceTimeout(timeout_message(self.seconds, reading=True), reading=True)


# How many cells or rows a parser reads between two looks at the clock.
CHECK_EVERY = 4096


def check_deadline(deadline: Deadline | None, count: int) -> None:
    """Look at the deadline every CHECK_EVERY cells or rows (`count` is the position)."""
    if deadline is not None and count % CHECK_EVERY == 0:
        deadline.check_reading()


def timeout_message(seconds: float, *, reading: bool = False) -> str:
    """Return the Danish message for a source that took too long."""
    if reading:
        return _(
            "Kildens svar kunne ikke læses inden for tidsgrænsen på %(seconds)s sekunder; "
            "det er for stort. Afgræns udtrækket eller hæv tidsgrænsen.",
            seconds=f"{seconds:g}",
        )
    return _(
        "Kilden svarede ikke inden for tidsgrænsen på %(seconds)s sekunder.",
        seconds=f"{seconds:g}",
    )


def log_source_error(error: SourceError, what: str) -> None:
    """Log a source error with its technical detail and traceback, for the operator.

    The traceback (with the library exception it was raised from) says where a parser or
    driver gave up; neither it nor the detail is ever shown to a user.
    """
    # Formatted here rather than through exc_info: a library's exception in the chain may
    # hold provider text with lone surrogates, which no log handler can write.
    log.warning(
        "metric source %s failed: %s: %s | detail: %s\n%s",
        what,
        type(error).__name__,
        error.message,
        error.detail or "-",
        loggable("".join(traceback.format_exception(error)).rstrip()),
    )


def loggable(text: str) -> str:
    """Return text any log handler can write: NUL, control characters and lone surrogates
    are written as escapes (\\x00, \\ud800), so the operator still sees they were there."""
    escaped = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() or c in "\n\t" else f"\\x{ord(c):02x}" for c in escaped)


# --- names in messages -------------------------------------------------------------------

# A message may name the columns or dimensions a source has, so that a user can fix a
# mapping, but only names that look like names: short, printable, made of letters, digits
# and a little punctuation. A "header" read from a file that is no table (a line of
# /proc/self/environ, /etc/passwd, a private key) fails this test and is not repeated.
MAX_NAME_LENGTH = 40
MAX_NAMES_SHOWN = 8
_NAME = re.compile(r"[\w .,()/%&+\-–]+")


def looks_like_name(text: object) -> bool:
    """Tell whether a column or dimension name may be repeated in a message."""
    return (
        isinstance(text, str)
        and 0 < len(text) <= MAX_NAME_LENGTH
        and text.isprintable()
        and _NAME.fullmatch(text) is not None
    )


def shown_name(text: object) -> str:
    """Return a source's name for a column, dimension or sheet as a message may show it."""
    return str(text) if looks_like_name(text) else _("(et navn, der ikke kan vises)")


def shown_names(names: Iterable[object]) -> str | None:
    """Return a few of a source's names for a message, or None when they are no names.

    When any of them does not look like a name, the "names" are probably a line of
    something that is not a table, and none of them is shown.
    """
    # An empty header cell (a spreadsheet's unused column) is no content, and no name.
    names = [name for name in names if name not in (None, "")]
    if not names or not all(looks_like_name(name) for name in names):
        return None
    shown = ", ".join(str(name) for name in names[:MAX_NAMES_SHOWN])
    if len(names) > MAX_NAMES_SHOWN:
        shown += " " + _("og %(count)s flere", count=len(names) - MAX_NAMES_SHOWN)
    return shown


def short_text(text: object, length: int = MAX_NAME_LENGTH) -> str:
    """Shorten a user's own setting (a column name typed in the form) for a message."""
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass
class ParsedTable:
    """What a parser read from one response, before any rule of the caller is applied."""

    observations: list[Observation]
    revision: str | None = None
    unit: str | None = None
    notes: list[str] = field(default_factory=list)


def parse_error(reason: str, format_name: str = "JSON-stat") -> SourceParseError:
    """Return the Danish error for a response that is not what it claims to be."""
    return SourceParseError(
        _("Svaret kunne ikke læses som %(format)s: %(reason)s", format=format_name, reason=reason)
    )


def finish(
    parsed: ParsedTable,
    *,
    since_revision: str | None,
    suppress_below: Decimal | None,
    notes: list[str] | None = None,
) -> FetchResult:
    """Apply the caller's small-number rule and the unchanged check to a parsed table."""
    all_notes = [*(notes or []), *parsed.notes]
    if since_revision is not None and parsed.revision == since_revision:
        return FetchResult(
            [], revision=parsed.revision, unit=parsed.unit, notes=all_notes, unchanged=True
        )
    observations, hidden = apply_small_number_rule(parsed.observations, suppress_below)
    if hidden:
        all_notes.append(
            _(
                "%(count)s værdier under %(threshold)s er skjult (diskretionering).",
                count=hidden,
                threshold=suppress_below,
            )
        )
    return FetchResult(observations, revision=parsed.revision, unit=parsed.unit, notes=all_notes)


def _split_names(value: Any) -> Any:
    """Accept a list as is, or text as comma-separated names ("KØN, ALDER")."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


# A list of column or dimension names; from the command line "A,B" works as well as JSON.
NameList = Annotated[list[str], pydantic.BeforeValidator(_split_names)]


class AdapterConfig(pydantic.BaseModel):
    """Base of every adapter's config schema: unknown keys are refused, not ignored."""

    # Numbers become text where text is expected: `--option sheet=2024` names a sheet.
    model_config = pydantic.ConfigDict(
        extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True
    )


class CommonOptions(AdapterConfig):
    """Options shared by the adapters that read published statistics."""

    status_map: dict[str, ObservationStatus] = pydantic.Field(
        default_factory=dict,
        description='Extra or overriding provider symbols, e.g. {"x": "suppressed"}.',
    )
    suppress_below: Decimal | None = pydantic.Field(
        default=None,
        gt=0,
        description="Withhold values above 0 and below this number (a small-number rule).",
    )
    unit: str | None = pydantic.Field(
        default=None, description="Unit of the values when the source does not say."
    )


def _is_secret(annotation: Any) -> bool:
    if annotation is pydantic.SecretStr or annotation is pydantic.SecretBytes:
        return True
    return any(_is_secret(arg) for arg in getattr(annotation, "__args__", ()) or ())


_ERROR_TEXTS = {
    "missing": "skal udfyldes",
    "extra_forbidden": "er ikke en kendt indstilling",
    "string_type": "skal være tekst",
    "int_parsing": "skal være et helt tal",
    "int_type": "skal være et helt tal",
    "float_parsing": "skal være et tal",
    "decimal_parsing": "skal være et tal",
    "decimal_type": "skal være et tal",
    "bool_parsing": "skal være true eller false",
    "list_type": "skal være en liste",
    "dict_type": "skal være et objekt (JSON)",
    "enum": "har en ugyldig værdi",
    "literal_error": "har en ugyldig værdi",
    "greater_than": "er for lille",
    "greater_than_equal": "er for lille",
    "less_than_equal": "er for stor",
    "string_too_short": "må ikke være tom",
}


def describe_validation_error(error: pydantic.ValidationError) -> list[str]:
    """Turn pydantic's errors into short Danish lines naming the field."""
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or _("konfigurationen")
        kind = item["type"]
        if kind == "value_error":
            # Our own validators raise ValueError with a Danish text.
            text = str(item.get("ctx", {}).get("error", item["msg"]))
        else:
            text = _ERROR_TEXTS.get(kind, item["msg"])
        if kind in ("enum", "literal_error") and item.get("ctx", {}).get("expected"):
            expected = str(item["ctx"]["expected"]).replace("' or '", "' eller '")
            text = f"{text} (forventet {expected})"
        lines.append(f"{where}: {text}")
    return lines


class MetricAdapter:
    """Base class: reads one kind of metric source and returns normalised observations.

    Subclasses set `type` (the registry key), `label` (Danish, for the UI), `config_schema`
    (a pydantic model; secrets as `SecretStr`) and `location_field` (the config field that
    `preview_source` fills from its location argument), and implement `fetch`. Adapters are
    stateless: every call gets its config.
    """

    type: ClassVar[str]
    label: ClassVar[str]
    config_schema: ClassVar[type[AdapterConfig]]
    location_field: ClassVar[str | None] = "location"
    # Modules that must be importable for the adapter to run; a missing one disables it.
    requirements: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def secret_fields(cls) -> set[str]:
        """Return the names of config fields holding secrets, which a UI must never show."""
        return {
            name
            for name, info in cls.config_schema.model_fields.items()
            if _is_secret(info.annotation)
        }

    @classmethod
    def public_config(cls, config: AdapterConfig | dict) -> dict:
        """Return the config as a dict with every secret field left out."""
        model = cls.parse_config(config)
        return model.model_dump(mode="json", exclude=cls.secret_fields())

    @classmethod
    def config_from_location(cls, location: str | None, options: dict) -> dict:
        """Merge a location (URL, path, database URL) into raw options as a raw config."""
        config = dict(options)
        if location:
            if cls.location_field is None:
                raise SourceConfigError(
                    _("Kildetypen '%(type)s' bruger ingen adresse.", type=cls.type)
                )
            if cls.location_field in config and config[cls.location_field] != location:
                raise SourceConfigError(
                    _(
                        "Adressen er angivet to gange (som adresse og som %(field)s).",
                        field=cls.location_field,
                    )
                )
            config[cls.location_field] = location
        return config

    @classmethod
    def parse_config(cls, config: AdapterConfig | dict) -> Any:
        """Validate a raw config against the schema; raise SourceConfigError in Danish."""
        if isinstance(config, cls.config_schema):
            return config
        if isinstance(config, pydantic.BaseModel):
            config = config.model_dump()
        try:
            return cls.config_schema.model_validate(config)
        except pydantic.ValidationError as error:
            lines = describe_validation_error(error)
            raise SourceConfigError(
                _("Ugyldig konfiguration: %(problems)s", problems="; ".join(lines)),
                errors=lines,
                detail=str(error),
            ) from None

    def test_connection(
        self, config: AdapterConfig | dict, *, timeout: float = DEFAULT_TIMEOUT
    ) -> ConnectionCheck:
        """Check that the source can be read with this config, without raising."""
        try:
            result = self.fetch(config, timeout=timeout)
        except SourceError as error:
            log_source_error(error, f"{self.type} connection test")
            return ConnectionCheck(ok=False, message=error.message)
        return ConnectionCheck(
            ok=True,
            message=_(
                "Kilden kunne læses: %(count)s observationer.", count=len(result.observations)
            ),
        )

    def fetch(
        self,
        config: AdapterConfig | dict,
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Read the source and return its observations, all within `timeout` seconds.

        When the provider reports a revision equal to `since_revision`, an adapter may skip
        the download and return an empty result with `unchanged=True`.
        """
        raise NotImplementedError
