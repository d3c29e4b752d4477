"""Managing metric sources and their metrics: what the admin pages call.

Sources are global (they serve every programme), so `Action.MANAGE_SOURCES` is checked
against a target without a programme: administrators, and secretariat members whose
membership covers every programme, may manage them; a programme's own secretariat may not
(one programme must not change or read the connections another programme's figures rest on).

Secrets (the adapter's `SecretStr` fields, such as an SQL source's database URL) are kept in
`MetricSource.secret_config`: written, replaced or cleared, never handed back to a page.
The audit trail redacts that column. A location with a password or an API key in it
(`https://reader:pw@host/…`, `…?api_key=…`) is a secret too: the real URL is kept in
`secret_config["location"]` and the `location` column holds it masked, which is what the
pages, the form and the audit trail see. Typing the masked URL back keeps the stored
secrets (for the same host only, see `core.credentials.restore_url_secrets`).
"""

from __future__ import annotations

import enum
import json
import types
import typing
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.audit.versions import apply_changes, check_version
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, Target, require
from portfolio.core.credentials import has_url_secrets, mask_url_secrets, restore_url_secrets
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.text import clean_text
from portfolio.extensions import db
from portfolio.indicators.disclosure import disclose
from portfolio.metrics.adapters import available_adapters, get_adapter
from portfolio.metrics.adapters.base import (
    ConnectionCheck,
    SourceConfigError,
    SourceError,
    _is_secret,
    log_source_error,
)
from portfolio.metrics.models import (
    DEFAULT_DISCLOSURE_THRESHOLD,
    LOCATION_SECRET,
    Metric,
    MetricSource,
)
from portfolio.metrics.observations import Observation, ObservationStatus
from portfolio.metrics.services import build_config, check_source, preview_source

SOURCE_FIELDS = (
    "name",
    "location",
    "timeout_seconds",
    "disclosure_threshold",
    "is_demo",
    "description",
)
METRIC_FIELDS = ("name", "unit", "is_count", "disclosure_threshold", "refresh_hours")
SOURCES = Target()  # sources belong to no programme


def require_manager(actor: User) -> None:
    """Raise PermissionDenied unless the user may manage the (global) metric sources."""
    require(actor, Action.MANAGE_SOURCES, SOURCES)


# --- the adapter's options as form fields ------------------------------------------------


@dataclass(frozen=True)
class OptionField:
    """One setting of an adapter's config schema, as the source form shows it."""

    name: str
    kind: str  # "text", "bool", "choice", "list" (comma-separated or JSON) or "json"
    required: bool
    secret: bool
    description: str
    default: str
    choices: tuple[str, ...] = ()


def _unwrap(annotation):
    """Return the annotation without Optional[...] and Annotated[...]."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _kind(annotation) -> tuple[str, tuple[str, ...]]:
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return "bool", ()
    if origin is typing.Literal:
        return "choice", tuple(str(a) for a in typing.get_args(annotation))
    if origin is list and typing.get_args(annotation) in ((str,), ()):
        return "list", ()
    if origin in (list, dict) or annotation in (list, dict):
        return "json", ()
    return "text", ()


def _default_text(info) -> str:
    if info.is_required() or info.default is None:
        return ""
    default = info.get_default(call_default_factory=True)
    if default in ({}, [], None):
        return ""
    if isinstance(default, enum.Enum):
        return str(default.value)
    return str(default)


def option_fields(source_type: str) -> list[OptionField]:
    """Return the settings the form asks for: every config field but the location and files.

    When the adapter's location is itself a secret (an SQL source's database URL), it is
    asked for among the secrets, not as the plain location.
    """
    adapter = get_adapter(source_type)
    fields = []
    for name, info in adapter.config_schema.model_fields.items():
        annotation = _unwrap(info.annotation)
        secret = _is_secret(info.annotation)
        if annotation is bytes or (name == adapter.location_field and not secret):
            continue
        kind, choices = ("text", ()) if secret else _kind(info.annotation)
        fields.append(
            OptionField(
                name=name,
                kind=kind,
                required=info.is_required(),
                secret=secret,
                description=info.description or "",
                default="" if secret else _default_text(info),
                choices=choices,
            )
        )
    return fields


def has_location(source_type: str) -> bool:
    """Tell whether the form asks for a plain location (URL or path) for this type."""
    adapter = get_adapter(source_type)
    field = adapter.location_field
    if field is None:
        return False
    info = adapter.config_schema.model_fields.get(field)
    return info is None or not _is_secret(info.annotation)


def adapter_choices() -> list[tuple[str, str, bool, str | None]]:
    """Return (type, label, enabled, reason) for every registered adapter."""
    return [(a.type, a.label, a.enabled, a.reason) for a in available_adapters()]


def adapter_label(type_: str) -> str:
    """Name a source type in words ("JSON-stat (URL eller fil)"), or by its code if unknown."""
    return next((a.label for a in available_adapters() if a.type == type_), type_)


def option_value_text(field: OptionField, config: dict) -> str:
    """Return a stored (non-secret) option as the form shows it."""
    if field.secret or field.name not in config:
        return ""
    value = config[field.name]
    if field.kind == "list" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if field.kind == "bool":
        return "true" if value else ""
    return "" if value is None else str(value)


def parse_options(fields: list[OptionField], raw: dict[str, str]) -> dict[str, Any]:
    """Read the non-secret options typed into the form; empty ones are left out (defaults)."""
    options: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in fields:
        if field.secret:
            continue
        text = (raw.get(field.name) or "").strip()
        if field.kind == "bool":
            if text:
                options[field.name] = text.lower() in ("on", "true", "1", "ja", "yes")
            continue
        if not text:
            continue
        if field.kind == "json" or (field.kind == "list" and text.startswith("[")):
            try:
                options[field.name] = json.loads(text)
            except (ValueError, RecursionError):  # nested deeper than Python's limit
                errors[f"opt-{field.name}"] = [_("Skal være gyldig JSON.")]
        elif field.kind == "list":
            options[field.name] = [part.strip() for part in text.split(",") if part.strip()]
        else:
            options[field.name] = text
    if errors:
        raise RuleViolation(
            _(
                "Indstillingen %(names)s skal være gyldig JSON.",
                names=", ".join(name.removeprefix("opt-") for name in errors),
            ),
            errors=errors,
        )
    return options


def merge_secrets(
    stored: dict | None, fields: list[OptionField], typed: dict[str, str], clear: set[str]
) -> dict[str, str]:
    """Return the secrets to keep: typed ones replace, cleared ones go, the rest stay."""
    names = {f.name for f in fields if f.secret}
    secrets = {k: v for k, v in (stored or {}).items() if k in names and k not in clear}
    for name in names:
        text = (typed.get(name) or "").strip()
        if text:
            secrets[name] = text
    return secrets


def _config_errors(error: SourceConfigError) -> dict[str, list[str]]:
    placed: dict[str, list[str]] = {}
    for line in error.errors:
        name = line.partition(":")[0]
        placed.setdefault(f"opt-{name.split('.')[0].strip()}", []).append(line)
    return placed


def _split_location(typed: str, stored: str | None) -> tuple[str, str | None]:
    """Return (the location to store, the real URL to keep as a secret, if it has one).

    `stored` is the source's real location so far: where the typed URL shows the mask,
    the stored password or key is put back (only for the same scheme, host and port).
    """
    try:
        real = restore_url_secrets(typed, stored)
    except ValueError:
        raise RuleViolation(
            _("Adressen indeholder en skjult værdi (••••), som ikke kan genbruges her."),
            errors={
                "location": [
                    _(
                        "Skriv adgangskoden eller nøglen igen: en gemt værdi bruges kun til "
                        "den samme server."
                    )
                ]
            },
        ) from None
    if has_url_secrets(real):
        return mask_url_secrets(real), real
    return real, None


def _validate(source_type: str, location: str | None, options: dict, secrets: dict) -> None:
    try:
        build_config(source_type, location or None, {**options, **secrets})
    except SourceConfigError as error:
        raise RuleViolation(error.message, errors=_config_errors(error)) from None


# --- sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    source: MetricSource
    metric_count: int


def list_sources(actor: User) -> list[SourceRow]:
    """Return every source with the number of its metrics, by name."""
    require_manager(actor)
    counts = (
        sa.select(Metric.source_id, sa.func.count(Metric.id).label("n"))
        .group_by(Metric.source_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(MetricSource, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.source_id == MetricSource.id)
        .order_by(MetricSource.name, MetricSource.id)
    )
    return [SourceRow(source, count) for source, count in rows]


def get_source(actor: User, source_id: int) -> MetricSource:
    require_manager(actor)
    source = db.session.get(MetricSource, source_id)
    if source is None:
        raise NotFound(_("Kilden findes ikke."))
    return source


def _check_key_free(model, key: str, own_id: int | None = None) -> None:
    existing = db.session.scalar(sa.select(model.id).where(model.key == key))
    if existing is not None and existing != own_id:
        raise RuleViolation(
            _("Nøglen er allerede i brug."), errors={"key": [_("Vælg en anden nøgle.")]}
        )


def _check_positive(values: dict, *names: str) -> None:
    for name in names:
        value = values.get(name)
        if value is not None and value < 1:
            raise RuleViolation(
                _("Tallet skal være mindst 1."), errors={name: [_("Skal være mindst 1.")]}
            )


def create_source(
    actor: User,
    source_type: str,
    values: dict,
    raw_options: dict[str, str],
    typed_secrets: dict[str, str],
) -> MetricSource:
    """Add a source after checking its settings against its adapter's schema."""
    require_manager(actor)
    fields = option_fields(source_type)
    options = parse_options(fields, raw_options)
    secrets = merge_secrets(None, fields, typed_secrets, set())
    typed = (values.get("location") or "").strip() if has_location(source_type) else ""
    location, real_location = _split_location(typed, None)
    _check_positive(values, "timeout_seconds", "disclosure_threshold")
    _validate(source_type, real_location or location, options, secrets)
    if real_location:
        secrets[LOCATION_SECRET] = real_location
    key = (values.get("key") or "").strip()
    _check_key_free(MetricSource, key)
    source = MetricSource(
        key=key,
        type=source_type,
        config=options,
        secret_config=secrets or None,
        **{k: v for k, v in values.items() if k in SOURCE_FIELDS and v is not None},
    )
    source.location = location
    db.session.add(source)
    db.session.flush()
    return source


def update_source(
    actor: User,
    source: MetricSource,
    values: dict,
    raw_options: dict[str, str],
    typed_secrets: dict[str, str],
    clear_secrets: set[str],
    expected_version: int | None = None,
) -> list[str]:
    """Change a source's settings; a secret left empty keeps its stored value."""
    require_manager(actor)
    check_version(source, expected_version)
    fields = option_fields(source.type)
    options = parse_options(fields, raw_options)
    secrets = merge_secrets(source.secret_config, fields, typed_secrets, clear_secrets)
    typed = (values.get("location") or "").strip() if has_location(source.type) else ""
    location, real_location = _split_location(typed, source.fetch_settings()[0])
    _check_positive(values, "timeout_seconds", "disclosure_threshold")
    _validate(source.type, real_location or location, options, secrets)
    if real_location:
        secrets[LOCATION_SECRET] = real_location
    changes = {k: v for k, v in values.items() if k in SOURCE_FIELDS and v is not None}
    changes["location"] = location
    changes["config"] = options
    changes["secret_config"] = secrets or None
    return apply_changes(source, changes)


def test_source(actor: User, source: MetricSource) -> ConnectionCheck:
    """Try to read the source with its stored settings; changes nothing."""
    require_manager(actor)
    location, options = source.fetch_settings()
    return check_source(source.type, location, options, timeout=float(source.timeout_seconds))


# --- a preview of typed, unsaved settings -------------------------------------------------

PREVIEW_ROWS = 50  # observations shown in the preview table
PREVIEW_CODES = 6  # codes shown per dimension


def status_label(status: ObservationStatus) -> str:
    """Name an observation's status in words."""
    labels = {
        ObservationStatus.OK: _("ok"),
        ObservationStatus.SUPPRESSED: _("diskretioneret"),
        ObservationStatus.MISSING: _("mangler"),
        ObservationStatus.NOT_APPLICABLE: _("kan ikke forekomme"),
        ObservationStatus.PROVISIONAL: _("foreløbig"),
        ObservationStatus.ESTIMATED: _("skønnet"),
        ObservationStatus.BREAK: _("databrud"),
    }
    return str(labels[status])


@dataclass(frozen=True)
class PreviewRow:
    """One observation as the preview table shows it, its value after disclosure control."""

    period: str
    dimensions: tuple[tuple[str, str], ...]
    shown: str
    status: str
    raw_status: str | None


@dataclass(frozen=True)
class PreviewDimension:
    """A dimension found in the source: how many codes it has, and the first of them."""

    name: str
    count: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class SourcePreview:
    """What reading a source with typed settings gave, or the Danish reason it failed."""

    threshold: int
    count: int = 0
    rows: tuple[PreviewRow, ...] = ()
    dimensions: tuple[PreviewDimension, ...] = ()
    statuses: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()
    unit: str | None = None
    revision: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _places(observation: Observation) -> int:
    """The decimals a value is written with, so the preview shows it as the source does."""
    if observation.value is None:
        return 0
    exponent = observation.value.as_tuple().exponent
    return min(6, max(0, -exponent)) if isinstance(exponent, int) else 0


def _preview_row(observation: Observation, threshold: int) -> PreviewRow:
    # No metric says yet whether these are counts: every value is treated as one, so a
    # preview never shows a small number that a count metric would withhold.
    cell = disclose(
        observation.value,
        observation.status,
        is_count=True,
        threshold=threshold,
        decimals=_places(observation),
    )
    return PreviewRow(
        period=clean_text(observation.period),
        dimensions=tuple((clean_text(k), clean_text(v)) for k, v in observation.dimensions.items()),
        shown=cell.shown,
        status=status_label(cell.status),
        raw_status=clean_text(observation.raw_status) if observation.raw_status else None,
    )


def _dimensions(observations: list[Observation]) -> tuple[PreviewDimension, ...]:
    codes: dict[str, dict[str, None]] = {}
    for observation in observations:
        for name, code in observation.dimensions.items():
            codes.setdefault(name, {})[code] = None
    return tuple(
        PreviewDimension(
            clean_text(name),
            len(found),
            tuple(clean_text(code) for code in list(found)[:PREVIEW_CODES]),
        )
        for name, found in codes.items()
    )


def preview_settings(
    actor: User,
    source_type: str,
    values: dict[str, Any],
    raw_options: dict[str, str],
    typed_secrets: dict[str, str],
    clear_secrets: set[str],
    source: MetricSource | None = None,
) -> SourcePreview:
    """Read a source with the settings typed into its form, and store nothing.

    The settings are read exactly as `create_source` (no `source`) or `update_source`
    would read them, so a stored secret left empty is used and a cleared one is not; a
    setting they would refuse raises the same RuleViolation. The source is then fetched
    through its adapter like a refresh (the same allowed hosts and file roots, size and
    time limits, the typed time limit), and its values pass the small-number rule with the
    typed disclosure threshold as if they were all counts. A source that cannot be read
    gives a preview with the Danish `error`, never with what the source held.
    """
    require_manager(actor)
    fields = option_fields(source_type)
    options = parse_options(fields, raw_options)
    stored_secrets = source.secret_config if source is not None else None
    secrets = merge_secrets(stored_secrets, fields, typed_secrets, clear_secrets)
    typed = (values.get("location") or "").strip() if has_location(source_type) else ""
    stored_location = source.fetch_settings()[0] if source is not None else None
    location, real_location = _split_location(typed, stored_location)
    _check_positive(values, "timeout_seconds", "disclosure_threshold")
    _validate(source_type, real_location or location, options, secrets)
    threshold = int(values.get("disclosure_threshold") or DEFAULT_DISCLOSURE_THRESHOLD)
    timeout = float(values.get("timeout_seconds") or 30)
    try:
        result = preview_source(
            source_type, real_location or location or None, {**options, **secrets}, timeout=timeout
        )
    except SourceError as error:
        log_source_error(error, f"{source_type} preview")
        return SourcePreview(threshold=threshold, error=clean_text(error.message))
    observations = result.observations
    return SourcePreview(
        threshold=threshold,
        count=len(observations),
        rows=tuple(_preview_row(o, threshold) for o in observations[:PREVIEW_ROWS]),
        dimensions=_dimensions(observations),
        statuses=tuple((status_label(status), n) for status, n in result.status_counts().items()),
        notes=tuple(clean_text(note) for note in result.notes),
        unit=clean_text(result.unit) if result.unit else None,
        revision=clean_text(result.revision) if result.revision else None,
    )


def resume_source(
    actor: User, source: MetricSource, expected_version: int | None = None
) -> MetricSource:
    """Let the refresh job read a paused source again, with its failure count reset."""
    require_manager(actor)
    if not source.is_paused:
        raise RuleViolation(_("Kilden er ikke sat på pause."))
    apply_changes(source, {"paused_at": None, "failure_count": 0}, expected_version)
    return source


# --- metrics -----------------------------------------------------------------------------


def parse_filters(text: str) -> dict[str, str]:
    """Read a metric's filters, one `dimension=code` per line."""
    filters: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        dimension, sep, code = line.partition("=")
        if not sep or not dimension.strip() or not code.strip():
            raise RuleViolation(
                _("Filtrene kunne ikke læses."),
                errors={
                    "filters": [
                        _("Linje %(number)s: skriv dimension=kode, fx KOMK=101.", number=number)
                    ]
                },
            )
        if dimension.strip() in filters:
            raise RuleViolation(
                _("Filtrene kunne ikke læses."),
                errors={
                    "filters": [
                        _(
                            "Dimensionen %(name)s står der to gange.",
                            name=dimension.strip(),
                        )
                    ]
                },
            )
        filters[dimension.strip()] = code.strip()
    return filters


def filters_text(filters: dict | None) -> str:
    return "\n".join(f"{k}={v}" for k, v in (filters or {}).items())


def get_metric(actor: User, source: MetricSource, metric_id: int) -> Metric:
    require_manager(actor)
    metric = db.session.get(Metric, metric_id)
    if metric is None or metric.source_id != source.id:
        raise NotFound(_("Metrikken findes ikke."))
    return metric


def create_metric(actor: User, source: MetricSource, values: dict) -> Metric:
    """Add a metric: one series of the source, chosen by its filters."""
    require_manager(actor)
    filters = parse_filters(values.get("filters") or "")
    _check_positive(values, "refresh_hours", "disclosure_threshold")
    key = (values.get("key") or "").strip()
    _check_key_free(Metric, key)
    metric = Metric(
        source=source,
        key=key,
        filters=filters,
        **{k: v for k, v in values.items() if k in METRIC_FIELDS},
    )
    db.session.add(metric)
    db.session.flush()
    return metric


def update_metric(
    actor: User, metric: Metric, values: dict, expected_version: int | None = None
) -> list[str]:
    """Change a metric's name, filters, unit, disclosure and refresh interval."""
    require_manager(actor)
    check_version(metric, expected_version)
    filters = parse_filters(values.get("filters") or "")
    _check_positive(values, "refresh_hours", "disclosure_threshold")
    changes = {k: v for k, v in values.items() if k in METRIC_FIELDS}
    changes["filters"] = filters
    key = (values.get("key") or "").strip()
    if key and key != metric.key:
        _check_key_free(Metric, key, metric.id)
        changes["key"] = key
    return apply_changes(metric, changes)
