"""A backup restored into an empty database gives back every row, on and across both databases."""

import datetime as dt
import gzip
import hashlib
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.audit.context import acting_as
from portfolio.audit.models import AuditEntry
from portfolio.backup.services import (
    FORMAT,
    FORMAT_VERSION,
    create_backup,
    restore_backup,
    schema_revision,
    verify_backup,
)
from portfolio.extensions import db
from portfolio.organisation.models import Attitude, GovernanceBody, Stakeholder
from portfolio.organisation.services import create_stakeholder
from portfolio.programmes.services import get_programme
from portfolio.seed.loader import load_seed, read_seed_file
from tests.backup.conftest import (
    NO_POSTGRES,
    ON_POSTGRES,
    app_on,
    make_history,
    stored_contents,
    table_contents,
)
from tests.conftest import Users

TARGETS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not ON_POSTGRES, reason=NO_POSTGRES)),
]


def _restore_and_compare(path, url, expected, expected_stored=None):
    """Restore `path` into the empty database at `url` and check it holds exactly `expected`."""
    with app_on(url):
        restored = restore_backup(path)
        actual = table_contents(db.engine)
        restore_entries = db.session.execute(
            sa.select(
                AuditEntry.actor,
                AuditEntry.entity,
                AuditEntry.user_id,
                AuditEntry.entity_label,
                AuditEntry.new_value,
            ).where(AuditEntry.action == "restore")
        ).all()
        stored = stored_contents(db.engine) if expected_stored is not None else None

    # Restored history made no audit rows of its own: one entry, the restore, is new.
    assert len(actual["audit_entries"]) == len(expected["audit_entries"]) + 1
    actual["audit_entries"].pop()
    assert actual.keys() == expected.keys()
    for name in expected:
        assert actual[name] == expected[name], name
    if expected_stored is not None:
        stored["audit_entries"].pop()
        assert stored == expected_stored

    [(actor, entity, user_id, label, new_value)] = restore_entries
    assert (actor, entity, user_id, label) == ("system", "database", None, path.name)
    details = json.loads(new_value)
    assert details["file"] == path.name
    assert details["content_sha256"] == restored.content_sha256
    assert details["rows"] == {name: len(rows) for name, rows in expected.items()}
    return restored


@pytest.mark.parametrize("target", TARGETS)
def test_round_trip_keeps_every_row_of_every_table(source, fresh_url, tmp_path, target):
    path = tmp_path / "styrbord.jsonl.gz"
    written = create_backup(path)
    expected = table_contents(db.engine)
    same_dialect = db.engine.dialect.name == target
    expected_stored = stored_contents(db.engine) if same_dialect else None

    # The comparison means something: the edits, history and every kind of value are there.
    assert written.table_count == len(db.metadata.tables)
    assert written.row_count == sum(len(rows) for rows in expected.values())
    assert any("'Søren Æbelø'" in row for row in expected["audit_entries"])
    assert any("'Danske Regioner'" in row for row in expected["stakeholders"])
    amounts = [v for row in expected["budget_lines"] for v in row if v.startswith("Decimal(")]
    assert any(not amount.endswith(".000')") for amount in amounts)
    assert any("Month(year=2023" in value for row in expected["programmes"] for value in row)
    assert any("tzinfo=datetime.timezone.utc" in v for row in expected["users"] for v in row)
    bodies = db.session.execute(sa.select(GovernanceBody.id, GovernanceBody.parent_id)).all()
    assert any(parent is not None and parent > body for body, parent in bodies)

    restored = _restore_and_compare(path, fresh_url(target), expected, expected_stored)
    assert restored.content_sha256 == written.content_sha256


@pytest.mark.skipif(not ON_POSTGRES, reason=NO_POSTGRES)
def test_sqlite_backup_restores_into_postgresql(fresh_url, tmp_path):
    path = tmp_path / "from-sqlite.jsonl.gz"
    with app_on(fresh_url("sqlite")):
        load_seed(read_seed_file())
        db.session.commit()
        make_history()
        create_backup(path)
        expected = table_contents(db.engine)
    assert verify_backup(path).dialect == "sqlite"
    _restore_and_compare(path, fresh_url("postgresql"), expected)


def test_backup_file_is_gzipped_json_lines_with_a_header_and_checksums(source, tmp_path):
    path = tmp_path / "styrbord.jsonl.gz"
    summary = create_backup(path)
    with db.engine.connect() as connection:
        revision = schema_revision(connection)
    with gzip.open(path, "rb") as file:
        lines = file.read().decode("utf-8").splitlines(keepends=True)

    header = json.loads(lines[0])
    assert header["type"] == "header"
    assert (header["format"], header["format_version"], header["app"]) == (
        FORMAT,
        FORMAT_VERSION,
        "styrbord",
    )
    assert header["schema_revision"] == revision is not None
    assert header["dialect"] == db.engine.dialect.name
    created_at = dt.datetime.fromisoformat(header["created_at"])
    assert created_at.utcoffset() == dt.timedelta(0)
    assert header["tables"] == [table.name for table in db.metadata.sorted_tables]

    position = 1
    for table in db.metadata.sorted_tables:
        start = json.loads(lines[position])
        assert start["type"] == "table"
        assert start["name"] == table.name
        assert start["columns"] == [column.name for column in table.columns]
        with db.engine.connect() as connection:
            count = connection.scalar(sa.select(sa.func.count()).select_from(table))
        rows = lines[position + 1 : position + 1 + count]
        end = json.loads(lines[position + 1 + count])
        assert end == {
            "type": "table_end",
            "name": table.name,
            "row_count": count,
            "sha256": hashlib.sha256("".join(rows).encode()).hexdigest(),
        }
        values = {
            name: [json.loads(row)[i] for row in rows] for i, name in enumerate(start["columns"])
        }
        if table.name == "budget_lines":
            assert all(isinstance(v, str) and Decimal(v) >= 0 for v in values["amount"])
            assert set(values["kind"]) <= {"baseline", "forecast", "actual"}
        if table.name == "programmes":
            assert "2023-01" in values["start_month"]
        if table.name == "audit_entries":
            assert all(at.endswith("+00:00") for at in values["at"])
        if table.name == "users":
            assert values["is_admin"] == [False]
        position += count + 2

    end = json.loads(lines[position])
    assert end["type"] == "end"
    assert (end["table_count"], end["row_count"]) == (summary.table_count, summary.row_count)
    assert end["content_sha256"] == summary.content_sha256
    assert len(lines) == position + 1

    checked = verify_backup(path)
    assert checked.rows_by_table() == summary.rows_by_table()
    assert checked.content_sha256 == summary.content_sha256
    assert path.stat().st_mode & 0o777 == 0o600  # it holds password hashes


def test_restored_database_takes_new_rows_and_keeps_its_trail_append_only(
    source, fresh_url, tmp_path
):
    path = tmp_path / "styrbord.jsonl.gz"
    create_backup(path)
    highest = db.session.scalar(sa.select(sa.func.max(Stakeholder.id)))
    with app_on(fresh_url(db.engine.dialect.name)):
        restore_backup(path)
        secretariat = Users().make("secretariat")  # restored, not created again
        programme = get_programme("ddns")
        with acting_as(secretariat):
            stakeholder = create_stakeholder(
                secretariat, programme, {"name": "KL", "attitude": Attitude.POSITIVE}
            )
        db.session.commit()
        assert stakeholder.id == highest + 1
        entry = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.entity == "stakeholders")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert (entry.action, entry.entity_id, entry.actor) == (
            "create",
            str(stakeholder.id),
            "secretariat@example.dk",
        )
        for statement in ("UPDATE audit_entries SET actor = 'x'", "DELETE FROM audit_entries"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as c:
                c.execute(sa.text(statement))


@pytest.mark.skipif(not ON_POSTGRES, reason=NO_POSTGRES)
def test_an_old_sqlite_audit_row_with_nul_restores_into_postgresql_as_an_escape(
    fresh_url, tmp_path
):
    # Issue 11, finding 6: SQLite kept NUL from a provider's message before text was
    # cleaned; the append-only trail still has it, and PostgreSQL's text cannot hold it.
    path = tmp_path / "nul.jsonl.gz"
    with app_on(fresh_url("sqlite")):
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_entries (at, actor, action, entity, entity_id,"
                    " entity_label, new_value) VALUES ('2026-01-01 00:00:00', 'cli', 'update',"
                    " 'metrics', '1', 'm', :value)"
                ),
                {"value": "Kilden svarede\x00 forkert"},
            )
        create_backup(path)
    with app_on(fresh_url("postgresql")):
        restore_backup(path, actor="test")
        values = db.session.scalars(
            sa.select(AuditEntry.new_value).where(AuditEntry.entity == "metrics")
        ).all()
    assert values == ["Kilden svarede\\x00 forkert"]
