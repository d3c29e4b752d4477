"""`flask backup create | verify | restore`: what an operator sees, and the exit codes."""

import gzip
import os
import pwd

import pytest
import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from tests.backup.conftest import head_revision, table_contents


@pytest.fixture
def backup_file(source, tmp_path):
    path = tmp_path / "styrbord.jsonl.gz"
    result = source.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    return path, result.output


def _total_rows() -> int:
    with db.engine.connect() as connection:
        return sum(
            connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        )


def test_create_reports_file_tables_rows_and_size(backup_file):
    path, output = backup_file
    tables = len(db.metadata.tables)
    assert output.startswith(f"Wrote {path}: {tables} tables, {_total_rows()} rows, ")
    assert " KiB." in output.splitlines()[0]
    assert f"Schema revision {head_revision()}; content SHA-256" in output


def test_create_refuses_an_existing_file(backup_file, source):
    path, _ = backup_file
    before = path.read_bytes()
    result = source.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 1
    assert "already exists; choose a new file name" in result.output
    assert path.read_bytes() == before


def test_verify_lists_every_table_with_its_rows(backup_file, source):
    path, _ = backup_file
    result = source.test_cli_runner().invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path} is intact: {len(db.metadata.tables)} tables, {_total_rows()} rows" in (
        result.output
    )
    with db.engine.connect() as connection:
        users = connection.scalar(
            sa.select(sa.func.count()).select_from(db.metadata.tables["users"])
        )
    assert any(line.split() == ["users", str(users)] for line in result.output.splitlines())


def test_verify_reports_a_damaged_file(backup_file, source):
    path, _ = backup_file
    path.write_bytes(path.read_bytes()[:-20])
    result = source.test_cli_runner().invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 1
    assert "is damaged or not a Styrbord backup" in result.output


def test_restore_into_an_empty_database(backup_file, target, monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)
    path, _ = backup_file
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Restored {path}: {len(db.metadata.tables)} tables, ")
    actor = f"cli: flask backup restore (os user {pwd.getpwuid(os.geteuid()).pw_name})"
    assert f"Added one audit entry (action 'restore', by '{actor}')" in result.output
    recorded = db.session.scalar(sa.select(AuditEntry.actor).where(AuditEntry.action == "restore"))
    assert recorded == actor
    assert table_contents(db.engine)["risks"]


def _truncate(path) -> None:
    path.write_bytes(path.read_bytes()[:500])


def _seed_target(_path) -> None:
    from portfolio.seed.loader import load_seed, read_seed_file

    load_seed(read_seed_file())
    db.session.commit()


def _other_revision(_path) -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda path: path.unlink(), "There is no backup file at"),
        (_truncate, "is damaged or not a Styrbord backup"),
        (lambda path: path.write_bytes(gzip.compress(b"{}\n")), "expected a header record"),
        (_other_revision, "the database is at ffff"),
        (_seed_target, "The database is not empty: audit_entries"),
    ],
    ids=["missing", "truncated", "not a backup", "other revision", "not empty"],
)
def test_restore_refusal_exits_non_zero_and_writes_nothing(backup_file, target, prepare, message):
    path, _ = backup_file
    prepare(path)
    before = table_contents(db.engine)
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.startswith("Error: ")
    assert table_contents(db.engine) == before
