"""The backup file: gzip-compressed JSON Lines, one JSON value per line.

    {"type": "header", "format": "styrbord-backup", "format_version": 1, ...}
    {"type": "table", "name": "users", "columns": [...], "codecs": [...]}
    [1, "anne@example.dk", ...]                 one array per row, in primary-key order
    {"type": "table_end", "name": "users", "row_count": 1, "sha256": "..."}
    ...                                         every table, parents before children
    {"type": "end", "table_count": 29, "row_count": 412, "content_sha256": "..."}

A table's sha256 is taken over its row lines; content_sha256 over every line before the end
record except the rows, which their tables' checksums already cover. docs/backups.md has more.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata as package_metadata
from pathlib import Path
from typing import IO, Any, Protocol

import sqlalchemy as sa

from portfolio.backup.codecs import CODECS, Codec, codec_name, decode, encode
from portfolio.core.errors import DomainError
from portfolio.core.models import utcnow

FORMAT = "styrbord-backup"
FORMAT_VERSION = 1
APP_NAME = "styrbord"
BATCH_SIZE = 1000


class BackupError(DomainError):
    """A backup could not be written, read or restored; nothing was changed."""


@dataclass(frozen=True)
class TableSummary:
    """One table of a backup file: its columns and the count and checksum of its rows."""

    name: str
    columns: tuple[str, ...]
    codecs: tuple[str, ...]
    row_count: int
    sha256: str


@dataclass(frozen=True)
class BackupSummary:
    """What a backup file holds, as written, verified or restored."""

    path: Path
    format_version: int
    app: str
    app_version: str | None
    schema_revision: str | None
    created_at: dt.datetime
    dialect: str
    tables: tuple[TableSummary, ...]
    content_sha256: str
    size: int

    @property
    def table_count(self) -> int:
        return len(self.tables)

    @property
    def row_count(self) -> int:
        return sum(table.row_count for table in self.tables)

    def rows_by_table(self) -> dict[str, int]:
        """Return the number of rows of each table, in the file's order."""
        return {table.name: table.row_count for table in self.tables}


def canonical_json(value: Any) -> str:
    """Serialise a value the one way its checksum is computed over.

    Keys keep their order: it is part of a stored JSON document, and reading a line and
    writing it again gives back the same text.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class TablePlan:
    """How to read one table from the database and write its values."""

    table: sa.Table
    codec_names: tuple[str, ...]

    @classmethod
    def of(cls, table: sa.Table) -> TablePlan:
        return cls(table, tuple(codec_name(column) for column in table.columns))

    @property
    def codecs(self) -> list[Codec]:
        return [CODECS[name] for name in self.codec_names]

    def select(self) -> sa.Select:
        columns = list(self.table.columns)
        # Primary-key order makes the file (and its checksums) the same for the same data.
        order = list(self.table.primary_key.columns) or [
            c for c, name in zip(columns, self.codec_names, strict=True) if name != "json"
        ]
        reads = [codec.read(c) for c, codec in zip(columns, self.codecs, strict=True)]
        return sa.select(*reads).order_by(*order).execution_options(yield_per=BATCH_SIZE)


class RowSink(Protocol):
    """Where a reader hands the rows it has checked and decoded (a restore inserts them)."""

    def add_rows(self, name: str, columns: list[str], rows: list[list]) -> None: ...

    def end_table(self, name: str) -> None: ...


# --- Writing ---------------------------------------------------------------------------


def write_backup(
    out: IO[bytes],
    connection: sa.Connection,
    plans: list[TablePlan],
    revision: str | None,
    after_table: Callable[[str], None] | None = None,
) -> tuple[dict, list[TableSummary], str]:
    """Write the header, every table's rows read from `connection`, and the end record.

    Returns the header, the tables' summaries and the content checksum.
    """
    header = {
        "type": "header",
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app": APP_NAME,
        "app_version": _app_version(),
        "schema_revision": revision,
        "created_at": utcnow().isoformat(),
        "dialect": connection.dialect.name,
        "tables": [plan.table.name for plan in plans],
    }
    content = hashlib.sha256()

    def write_record(record: dict) -> None:
        line = (canonical_json(record) + "\n").encode()
        content.update(line)
        out.write(line)

    write_record(header)
    summaries = []
    for plan in plans:
        write_record(
            {
                "type": "table",
                "name": plan.table.name,
                "columns": [column.name for column in plan.table.columns],
                "codecs": list(plan.codec_names),
            }
        )
        codecs = plan.codecs
        digest = hashlib.sha256()
        count = 0
        for rows in connection.execute(plan.select()).partitions():
            chunk = "".join(
                canonical_json([encode(c, v) for c, v in zip(codecs, row, strict=True)]) + "\n"
                for row in rows
            ).encode()
            digest.update(chunk)
            out.write(chunk)
            count += len(rows)
        summary = TableSummary(
            plan.table.name,
            tuple(column.name for column in plan.table.columns),
            plan.codec_names,
            count,
            digest.hexdigest(),
        )
        summaries.append(summary)
        write_record(
            {
                "type": "table_end",
                "name": summary.name,
                "row_count": summary.row_count,
                "sha256": summary.sha256,
            }
        )
        if after_table is not None:
            after_table(plan.table.name)
    content_sha256 = content.hexdigest()
    out.write(
        (
            canonical_json(
                {
                    "type": "end",
                    "table_count": len(summaries),
                    "row_count": sum(s.row_count for s in summaries),
                    "content_sha256": content_sha256,
                }
            )
            + "\n"
        ).encode()
    )
    return header, summaries, content_sha256


def _app_version() -> str | None:
    try:
        return package_metadata.version(APP_NAME)
    except package_metadata.PackageNotFoundError:
        return None


def make_summary(
    path: Path, header: dict, tables: list[TableSummary], content_sha256: str
) -> BackupSummary:
    """Describe a backup file from its header and its tables' summaries."""
    return BackupSummary(
        path=path,
        format_version=header["format_version"],
        app=header["app"],
        app_version=header.get("app_version"),
        schema_revision=header["schema_revision"],
        created_at=dt.datetime.fromisoformat(header["created_at"]),
        dialect=header["dialect"],
        tables=tuple(tables),
        content_sha256=content_sha256,
        size=path.stat().st_size,
    )


# --- Reading and checking --------------------------------------------------------------


class _Damaged(Exception):
    """The file is not what a backup wrote; the message says where."""


_EOF = object()


class _RecordReader:
    """Read a backup's lines in order, keeping the checksum over its records."""

    def __init__(self, file: IO[bytes]):
        self._lines = iter(file)
        self.content = hashlib.sha256()

    def next_value(self):
        """Return the next line's JSON value, or _EOF at the end of the file."""
        line = next(self._lines, None)
        return _EOF if line is None else json.loads(line)

    def record(self, kind: str) -> dict:
        """Return the next line, which must be a record of this kind."""
        value = self.next_value()
        if value is _EOF:
            raise _Damaged(f"the file stops where the {kind} record should be")
        self.check(value, kind)
        return value

    def check(self, value, kind: str) -> None:
        """Refuse a value that is not a record of this kind; count it into the checksum."""
        if not isinstance(value, dict) or value.get("type") != kind:
            raise _Damaged(f"expected a {kind} record, found {canonical_json(value)[:80]}")
        if kind != "end":
            self.content.update((canonical_json(value) + "\n").encode())


def read_backup(path: Path, sink: RowSink | None = None) -> BackupSummary:
    """Stream through a backup, checking everything; hand each table's rows to `sink`."""
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    try:
        with gzip.open(path, "rb") as file:
            return _read_records(path, _RecordReader(file), sink)
    except _Damaged as error:
        raise BackupError(f"{path} is damaged or not a Styrbord backup: {error}.") from error
    except (OSError, EOFError, zlib.error, ValueError) as error:
        # Truncation, a failed gzip CRC, bytes that are not UTF-8 or not JSON, a bad value.
        raise BackupError(
            f"{path} is damaged or not a Styrbord backup: {type(error).__name__}: {error}."
        ) from error


def _read_records(path: Path, reader: _RecordReader, sink: RowSink | None) -> BackupSummary:
    header = reader.record("header")
    if header.get("format") != FORMAT:
        raise _Damaged(f"the header names format {header.get('format')!r}, not {FORMAT!r}")
    if header.get("format_version") != FORMAT_VERSION:
        raise _Damaged(
            f"it has format version {header.get('format_version')!r}; this Styrbord reads"
            f" version {FORMAT_VERSION}"
        )
    names = header.get("tables")
    if (
        not isinstance(names, list)
        or not all(isinstance(name, str) for name in names)
        or len(set(names)) != len(names)
    ):
        raise _Damaged("the header's list of tables is malformed")
    try:
        dt.datetime.fromisoformat(header.get("created_at"))
    except (TypeError, ValueError) as error:
        raise _Damaged("the header's creation time is malformed") from error

    tables = [_read_table(reader, name, sink) for name in names]

    end = reader.record("end")
    if end.get("content_sha256") != reader.content.hexdigest():
        raise _Damaged("the header or a table's summary does not match the file's checksum")
    if end.get("table_count") != len(tables) or end.get("row_count") != sum(
        t.row_count for t in tables
    ):
        raise _Damaged("the totals at the end do not match the tables")
    # Reading on to the end of the file also makes gzip check its own CRC and length.
    if reader.next_value() is not _EOF:
        raise _Damaged("there is data after the end record")
    return make_summary(path, header, tables, end["content_sha256"])


def _read_table(reader: _RecordReader, name: str, sink: RowSink | None) -> TableSummary:
    start = reader.record("table")
    columns, codec_names = start.get("columns"), start.get("codecs")
    if (
        start.get("name") != name
        or not isinstance(columns, list)
        or not isinstance(codec_names, list)
        or len(columns) != len(codec_names)
        or len(set(columns)) != len(columns)
    ):
        raise _Damaged(f"the record that starts table {name} is malformed")
    unknown = sorted({str(c) for c in codec_names if c not in CODECS})
    if unknown:
        raise _Damaged(f"table {name} has value types this Styrbord does not know: {unknown}")
    codecs = [CODECS[c] for c in codec_names]

    digest = hashlib.sha256()
    count = 0
    batch: list[list] = []
    while isinstance(row := reader.next_value(), list):
        count += 1
        if len(row) != len(columns):
            raise _Damaged(f"row {count} of table {name} has {len(row)} values")
        digest.update((canonical_json(row) + "\n").encode())
        values = [
            _decoded(name, count, column, codec, value)
            for column, codec, value in zip(columns, codecs, row, strict=True)
        ]
        if sink is not None:
            batch.append(values)
            if len(batch) >= BATCH_SIZE:
                sink.add_rows(name, columns, batch)
                batch = []
    if row is _EOF:
        raise _Damaged(f"the file ends inside table {name}")
    reader.check(row, "table_end")
    if row.get("name") != name:
        raise _Damaged(f"table {name} is closed by the summary of {row.get('name')!r}")
    if row.get("row_count") != count:
        raise _Damaged(f"table {name} should have {row.get('row_count')} rows, it has {count}")
    if row.get("sha256") != digest.hexdigest():
        raise _Damaged(f"the rows of table {name} do not match their checksum")
    if sink is not None:
        if batch:
            sink.add_rows(name, columns, batch)
        sink.end_table(name)
    return TableSummary(name, tuple(columns), tuple(codec_names), count, row["sha256"])


def _decoded(table: str, row_number: int, column: str, codec: Codec, value):
    try:
        return decode(codec, value)
    except (TypeError, ValueError) as error:
        raise _Damaged(f"row {row_number} of table {table}, column {column}: {error}") from error
