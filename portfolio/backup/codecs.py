"""How each column type's values are written to a backup file as JSON, and read back exactly.

A codec is chosen from the column's SQLAlchemy type, never from the dialect, so a file made
on SQLite restores into PostgreSQL and the other way round. Each codec has a name that the
file records per column; restoring compares it with the target column's codec.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from portfolio.core.models import DecimalText, ScaledDecimal, UTCDateTime
from portfolio.core.months import Month, MonthType


class UnsupportedColumn(Exception):
    """A column's type has no codec, so its values cannot be backed up faithfully."""


@dataclass(frozen=True)
class Codec:
    """Turns one column's Python values into JSON values and back."""

    name: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]
    # What to select for the column; the default reads it through its own type.
    read: Callable[[sa.Column], sa.ColumnElement] = lambda column: column


def _expect(kind: type | tuple[type, ...], value, what: str):
    # bool is an int to Python; a boolean where a number belongs is a damaged file.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"expected {what}, found {value!r}")
    return value


def _decode_int(value) -> int:
    return _expect(int, value, "an integer")


def _decode_str(value) -> str:
    return _expect(str, value, "a string")


def _decode_bool(value) -> bool:
    return _expect(bool, value, "true or false")


def _encode_decimal(value: Decimal) -> str:
    return str(value)


def _decode_decimal(value) -> Decimal:
    try:
        number = Decimal(_decode_str(value))
    except InvalidOperation as error:
        raise ValueError(f"not a decimal number: {value!r}") from error
    if not number.is_finite():
        raise ValueError(f"not a finite decimal number: {value!r}")
    return number


# JSON has no NaN or infinities; floats that are not finite travel as these strings.
_FLOAT_WORDS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _encode_float(value: float):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float(value)


def _decode_float(value) -> float:
    if isinstance(value, str) and value in _FLOAT_WORDS:
        return _FLOAT_WORDS[value]
    return float(_expect((int, float), value, "a number"))


def _encode_datetime(value: dt.datetime) -> str:
    # Aware values are written in UTC so both databases' readings of an instant agree.
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.isoformat()


def _decode_datetime(value) -> dt.datetime:
    return dt.datetime.fromisoformat(_decode_str(value))


def _decode_utc_datetime(value) -> dt.datetime:
    moment = _decode_datetime(value)
    if moment.tzinfo is None:
        raise ValueError(f"expected a UTC time with its offset, found {value!r}")
    return moment


def _decode_date(value) -> dt.date:
    return dt.date.fromisoformat(_decode_str(value))


def _decode_time(value) -> dt.time:
    return dt.time.fromisoformat(_decode_str(value))


def _decode_month(value) -> Month:
    return Month.parse(_decode_str(value))


def _encode_bytes(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _decode_bytes(value) -> bytes:
    try:
        return base64.b64decode(_decode_str(value), validate=True)
    except binascii.Error as error:
        raise ValueError(f"not base64: {value!r}") from error


def _encode_json(text: str):
    # SQL NULL and the JSON document `null` are different values; the wrapper keeps them
    # apart (SQL NULL is a bare null, a document is {"json": document}).
    return {"json": json.loads(text)}


def _decode_json(value):
    if not isinstance(value, dict) or set(value) != {"json"}:
        raise ValueError(f"expected a JSON document wrapped as {{'json': …}}, found {value!r}")
    document = value["json"]
    return sa.JSON.NULL if document is None else document


def _decode_uuid(value) -> uuid.UUID:
    return uuid.UUID(_decode_str(value))


def _read_stored_text(column: sa.Column) -> sa.ColumnElement:
    # An enum is backed up as the text the database stores, whatever Python class it maps to.
    return sa.type_coerce(column, sa.String()).label(column.name)


def _read_json_text(column: sa.Column) -> sa.ColumnElement:
    # Read as text so that SQL NULL (None) and a stored JSON null ('null') stay distinct.
    return sa.cast(column, sa.Text()).label(column.name)


def _same(value):
    return value


CODECS: dict[str, Codec] = {
    codec.name: codec
    for codec in (
        Codec("int", int, _decode_int),
        Codec("str", str, _decode_str),
        Codec("bool", bool, _decode_bool),
        Codec("decimal", _encode_decimal, _decode_decimal),
        Codec("float", _encode_float, _decode_float),
        Codec("utc_datetime", _encode_datetime, _decode_utc_datetime),
        Codec("datetime", _encode_datetime, _decode_datetime),
        Codec("date", dt.date.isoformat, _decode_date),
        Codec("time", dt.time.isoformat, _decode_time),
        Codec("month", str, _decode_month),
        Codec("enum", _same, _decode_str, _read_stored_text),
        Codec("bytes", _encode_bytes, _decode_bytes),
        Codec("json", _encode_json, _decode_json, _read_json_text),
        Codec("uuid", str, _decode_uuid),
        Codec("uuid_text", str, _decode_str),
    )
}

# The app's own column types, whose Python values differ from what they store.
_DECORATED = {
    UTCDateTime: "utc_datetime",
    ScaledDecimal: "decimal",
    DecimalText: "decimal",
    MonthType: "month",
}


def codec_name(column: sa.Column) -> str:
    """Return the name of the codec for a column, or raise UnsupportedColumn."""
    type_ = column.type
    if isinstance(type_, sa.types.TypeDecorator):
        for decorator, name in _DECORATED.items():
            if isinstance(type_, decorator):
                return name
    # Subclasses before their bases: Enum is a String. Float is a Numeric in SQLAlchemy 2.0
    # but not in 2.1, so it is named on its own.
    elif isinstance(type_, sa.Enum):
        return "enum"
    elif isinstance(type_, sa.Boolean):
        return "bool"
    elif isinstance(type_, sa.Integer):
        return "int"
    elif isinstance(type_, sa.Float | sa.Numeric):
        return "decimal" if type_.asdecimal else "float"
    elif isinstance(type_, sa.DateTime):
        return "datetime"
    elif isinstance(type_, sa.Date):
        return "date"
    elif isinstance(type_, sa.Time):
        return "time"
    elif isinstance(type_, sa.JSON):
        return "json"
    elif isinstance(type_, sa.String):
        return "str"
    elif isinstance(type_, sa.LargeBinary):
        return "bytes"
    elif isinstance(type_, sa.Uuid):
        return "uuid" if type_.as_uuid else "uuid_text"
    raise UnsupportedColumn(
        f"column {column.table.name}.{column.name} has type {type_!r}, which backups do not"
        " know how to write exactly; add a codec for it in portfolio/backup/codecs.py"
    )


def codec_for(column: sa.Column) -> Codec:
    """Return the codec that writes and reads a column's values."""
    return CODECS[codec_name(column)]


def encode(codec: Codec, value) -> Any:
    """Write one value as JSON (None stays None: SQL NULL)."""
    return None if value is None else codec.encode(value)


def decode(codec: Codec, value) -> Any:
    """Read one JSON value back into what the column's type binds (None is SQL NULL)."""
    if value is None:
        # A JSON column needs an explicit SQL NULL, or its type would store the document null.
        return sa.null() if codec.name == "json" else None
    return codec.decode(value)
