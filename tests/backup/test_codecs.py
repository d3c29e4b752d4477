"""Every column type the app uses, or may soon, survives a backup exactly, on either database."""

import datetime as dt
import enum
import math
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.backup.codecs import CODECS, UnsupportedColumn, codec_for, codec_name, decode, encode
from portfolio.backup.services import BackupError, create_backup, restore_backup
from portfolio.core.models import ScaledDecimal, UTCDateTime, enum_column
from portfolio.core.months import Month, MonthType
from portfolio.extensions import db
from tests.backup.conftest import NO_POSTGRES, ON_POSTGRES, table_contents

DIALECTS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not ON_POSTGRES, reason=NO_POSTGRES)),
]


def test_every_column_of_the_app_has_a_codec():
    """A model added with a type backups cannot write exactly fails here, not in production."""
    names = {codec_name(c) for table in db.metadata.sorted_tables for c in table.columns}
    assert names <= CODECS.keys()
    assert {"int", "str", "bool", "enum", "utc_datetime", "decimal", "month", "date"} <= names


def test_column_type_without_codec_is_refused_before_any_file_is_written(tmp_path):
    metadata = sa.MetaData()
    sa.Table(
        "waits",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("span", sa.Interval),
    )
    with pytest.raises(UnsupportedColumn, match=r"waits.span"):
        codec_name(metadata.tables["waits"].c.span)
    with pytest.raises(BackupError, match=r"waits.span has type Interval"):
        create_backup(
            tmp_path / "b.jsonl.gz", engine=sa.create_engine("sqlite://"), metadata=metadata
        )
    assert list(tmp_path.iterdir()) == []


class Colour(enum.Enum):
    RED = "rød"
    BLUE = "blå"


METADATA = sa.MetaData()
SAMPLES = sa.Table(
    "samples",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("parent_id", sa.ForeignKey("samples.id")),
    sa.Column("big", sa.BigInteger),
    sa.Column("flag", sa.Boolean),
    sa.Column("text", sa.Text),
    sa.Column("price", sa.Numeric(24, 8)),
    sa.Column("ratio", sa.Float),
    sa.Column("amount", ScaledDecimal(3)),
    sa.Column("at", UTCDateTime),
    sa.Column("naive", sa.DateTime),
    sa.Column("day", sa.Date),
    sa.Column("clock", sa.Time),
    sa.Column("month", MonthType),
    sa.Column("colour", enum_column(Colour, "colour")),
    sa.Column("blob", sa.LargeBinary),
    sa.Column("doc", sa.JSON),
    sa.Column("uid", sa.Uuid),
)
TAGS = sa.Table(
    "sample_tags",
    METADATA,
    sa.Column("sample_id", sa.ForeignKey("samples.id"), primary_key=True),
    sa.Column("tag", sa.String(20), primary_key=True),
)
ROWS = [
    {
        "id": 1,
        "parent_id": 4,  # refers forward, to a later row
        "big": 2**62 + 1,
        "flag": True,
        "text": "Æblegrød — “citat” \\ 🚀\n\tlinje 2",
        "price": Decimal("-98765.25000000"),
        "ratio": 0.1,
        "amount": Decimal("-12345678.901"),
        "at": dt.datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=dt.UTC),
        "naive": dt.datetime(2026, 10, 25, 2, 30),  # noqa: DTZ001  (a naive column)
        "day": dt.date(1999, 12, 31),
        "clock": dt.time(23, 59, 59, 1),
        "month": Month(2023, 2),
        "colour": Colour.BLUE,
        "blob": bytes(range(256)),
        "doc": {"ø": [1, 2.5, None, True, {"n": 10**20}], "": "x"},
        "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    },
    # Every value empty, and the document that is JSON null (not SQL NULL).
    {"id": 2, "doc": sa.JSON.NULL},
    {"id": 3, "ratio": math.inf, "flag": False, "amount": Decimal("0.001"), "doc": [], "text": ""},
    {"id": 4, "parent_id": 5, "ratio": 1e-300, "blob": b"", "doc": "tekst"},
    {"id": 5, "parent_id": 4},  # with row 4, a cycle: restored via NULL and an update
]


def _foreign_keys_on(engine: sa.Engine) -> sa.Engine:
    if engine.dialect.name == "sqlite":
        sa.event.listen(
            engine, "connect", lambda connection, _: connection.execute("PRAGMA foreign_keys=ON")
        )
    return engine


# SQLite keeps NUMERIC as a float (the app stores money as ScaledDecimal for this reason),
# so a decimal beyond a float's precision is only tried where both databases can hold it.
PRECISE = Decimal("1234567890123456.12345678")


def _fill(engine: sa.Engine, precise: bool) -> None:
    METADATA.create_all(engine)
    with engine.begin() as connection:
        for row in ROWS:
            connection.execute(SAMPLES.insert(), {**row, "parent_id": None})
        for row in ROWS:
            connection.execute(
                SAMPLES.update().where(SAMPLES.c.id == row["id"]),
                {"parent_id": row.get("parent_id")},
            )
        connection.execute(
            TAGS.insert(), [{"sample_id": 1, "tag": "b"}, {"sample_id": 1, "tag": "a"}]
        )
        if precise:
            connection.execute(SAMPLES.update().where(SAMPLES.c.id == 3).values(price=PRECISE))


def _raw_json(engine: sa.Engine) -> list:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(SAMPLES.c.id, sa.cast(SAMPLES.c.doc, sa.Text)).order_by(SAMPLES.c.id)
        ).all()


@pytest.mark.parametrize("target", DIALECTS)
@pytest.mark.parametrize("source", DIALECTS)
def test_every_kind_of_value_survives_a_round_trip(fresh_url, tmp_path, source, target):
    path = tmp_path / "samples.jsonl.gz"
    source_engine = _foreign_keys_on(sa.create_engine(fresh_url(source, migrated=False)))
    target_engine = _foreign_keys_on(sa.create_engine(fresh_url(target, migrated=False)))
    try:
        both_postgres = source == target == "postgresql"
        _fill(source_engine, precise=both_postgres)
        summary = create_backup(path, engine=source_engine, metadata=METADATA)
        assert summary.rows_by_table() == {"samples": 5, "sample_tags": 2}
        assert summary.schema_revision is None
        METADATA.create_all(target_engine)
        restore_backup(path, engine=target_engine, metadata=METADATA)

        expected = table_contents(source_engine, METADATA)
        assert table_contents(target_engine, METADATA) == expected
        if both_postgres:
            assert f"Decimal('{PRECISE}')" in expected["samples"][2]
        # SQL NULL stays NULL and the JSON document null stays a document.
        assert [(i, doc is None or doc.strip() == "null") for i, doc in _raw_json(target_engine)][
            :2
        ] == [(1, False), (2, True)]
        assert _raw_json(target_engine)[1][1] is not None
        assert [doc for _, doc in _raw_json(target_engine)][4] is None

        with target_engine.begin() as connection:
            new_id = connection.execute(SAMPLES.insert().values(text="ny")).inserted_primary_key[0]
        assert new_id == 6  # PostgreSQL's sequence was moved past the restored ids
    finally:
        source_engine.dispose()
        target_engine.dispose()


@pytest.mark.parametrize(
    ("name", "value", "written"),
    [
        ("float", math.nan, "NaN"),
        ("float", -math.inf, "-Infinity"),
        ("decimal", Decimal("1E+3"), "1E+3"),
        (
            "utc_datetime",
            dt.datetime(2026, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "2026-01-01T00:00:00+00:00",
        ),
        ("bytes", b"\x00\xff", "AP8="),
        ("json", "null", {"json": None}),
    ],
)
def test_values_json_cannot_hold_are_written_as_text(name, value, written):
    codec = CODECS[name]
    assert encode(codec, value) == written
    back = decode(codec, written)
    if name == "float" and math.isnan(value):
        assert math.isnan(back)
    elif name == "json":
        assert back is sa.JSON.NULL
    else:
        assert back == value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("int", "1"),
        ("int", True),
        ("bool", 1),
        ("decimal", "NaN"),
        ("decimal", 1.5),
        ("utc_datetime", "2026-01-01T00:00:00"),
        ("month", "2026-13"),
        ("bytes", "ikke base64!"),
        ("json", [1]),
    ],
)
def test_malformed_values_are_refused(name, value):
    with pytest.raises(ValueError):
        decode(CODECS[name], value)


def test_codec_is_chosen_by_column_type_not_by_name():
    assert codec_for(SAMPLES.c.amount).name == "decimal"
    assert codec_for(SAMPLES.c.month).name == "month"
    assert codec_for(SAMPLES.c.colour).name == "enum"
    assert codec_for(SAMPLES.c.flag).name == "bool"
    assert codec_for(SAMPLES.c.ratio).name == "float"
    assert codec_for(SAMPLES.c.naive).name == "datetime"
