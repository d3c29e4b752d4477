"""A backup shows the database at one moment, and a backup file is never left half-written."""

import gzip
import json
import threading
import time

import pytest
import sqlalchemy as sa

from portfolio.audit.context import acting_as
from portfolio.audit.models import AuditEntry
from portfolio.backup.services import BackupError, create_backup
from portfolio.core.models import utcnow
from portfolio.extensions import db
from portfolio.organisation.models import Attitude, Stakeholder
from portfolio.organisation.services import create_stakeholder
from portfolio.programmes.services import get_programme
from tests.backup.conftest import ON_POSTGRES
from tests.conftest import Users

NEW_NAMES = ("Interessent A (under backup)", "Interessent B (under backup)")


def _rows(path) -> dict[str, list[list]]:
    """Return each table's rows as the backup file holds them."""
    tables: dict[str, list[list]] = {}
    current = ""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        for line in file:
            value = json.loads(line)
            if isinstance(value, list):
                tables[current].append(value)
            elif value["type"] == "table":
                current = value["name"]
                tables[current] = []
    return tables


def _counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def _mentions(rows: list[list], text: str) -> bool:
    return any(text in str(value) for row in rows for value in row)


def _first_of(*names: str) -> str:
    order = [table.name for table in db.metadata.sorted_tables]
    return min(names, key=order.index)


def test_backup_shows_the_database_as_it_was_when_it_started(app, tmp_path):
    """Another connection commits a change to two tables between the backup's reads of them."""
    if db.engine.dialect.name == "sqlite":
        # WAL lets a writer commit while a reader keeps its snapshot, as PostgreSQL does.
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode=WAL").scalar() == "wal"
    secretariat = Users().make("secretariat")
    programme = get_programme("ddns")
    before = _counts()
    # The change writes stakeholders and their audit rows; the hook runs after the first
    # of the two tables is in the file and before the other is read.
    hook_after = _first_of("stakeholders", "audit_entries")
    called = []

    def commit_a_change(table: str) -> None:
        called.append(table)
        if table == hook_after:
            with acting_as(secretariat):
                for name in NEW_NAMES:
                    create_stakeholder(
                        secretariat, programme, {"name": name, "attitude": Attitude.POSITIVE}
                    )
            db.session.commit()

    path = tmp_path / "during.jsonl.gz"
    create_backup(path, after_table=commit_a_change)

    assert called == [table.name for table in db.metadata.sorted_tables]
    after = _counts()
    assert after["stakeholders"] == before["stakeholders"] + 2  # the change did commit
    assert after["audit_entries"] > before["audit_entries"]
    rows = _rows(path)
    assert {name: len(rows[name]) for name in rows} == before  # … but after the backup began
    assert not any(_mentions(rows[t], name) for t in rows for name in NEW_NAMES)

    later = tmp_path / "after.jsonl.gz"
    create_backup(later)
    rows = _rows(later)
    assert {name: len(rows[name]) for name in rows} == after
    assert all(_mentions(rows["stakeholders"], name) for name in NEW_NAMES)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's locking; PostgreSQL's snapshot is tested above")
def test_on_sqlite_without_wal_a_writer_waits_for_the_running_backup(app, tmp_path):
    """The default rollback journal lets no one commit while the backup's read lasts."""
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    writer = sa.create_engine(db.engine.url, connect_args={"timeout": 30})
    written, errors = threading.Event(), []

    def write() -> None:
        try:
            with writer.begin() as connection:
                connection.execute(
                    Stakeholder.__table__.insert(),
                    [
                        {
                            "programme_id": 1,
                            "position": 100 + i,
                            "name": name,
                            "attitude": "neutral",
                        }
                        for i, name in enumerate(NEW_NAMES)
                    ],
                )
                connection.execute(
                    AuditEntry.__table__.insert(),
                    [
                        {
                            "at": utcnow(),
                            "actor": "test",
                            "action": "create",
                            "entity": "stakeholders",
                            "entity_id": "?",
                            "entity_label": name,
                        }
                        for name in NEW_NAMES
                    ],
                )
                written.set()
        except Exception as error:
            errors.append(error)
            written.set()

    thread = threading.Thread(target=write)
    before = _counts()

    def start_writer(table: str) -> None:
        if table == _first_of("stakeholders", "audit_entries"):
            thread.start()
            assert written.wait(10)
            time.sleep(0.3)
            assert thread.is_alive()  # its COMMIT waits for the backup's read lock

    path = tmp_path / "during.jsonl.gz"
    try:
        create_backup(path, after_table=start_writer)
    finally:
        thread.join(30)
        writer.dispose()
    assert errors == []
    assert _counts()["stakeholders"] == before["stakeholders"] + 2
    rows = _rows(path)
    assert {name: len(rows[name]) for name in rows} == before
    assert not any(_mentions(rows[t], name) for t in rows for name in NEW_NAMES)


def test_failed_backup_leaves_no_file(app, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "styrbord.jsonl.gz"

    def fail(table: str) -> None:
        if table == "programmes":
            raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError, match="disk pulled out"):
        create_backup(path, after_table=fail)
    assert list(folder.iterdir()) == []

    broken = sa.MetaData()
    sa.Table("no_such_table", broken, sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(BackupError, match="Could not read the database; no backup was written"):
        create_backup(path, metadata=broken)
    assert list(folder.iterdir()) == []


def test_existing_file_is_never_overwritten(app, tmp_path):
    path = tmp_path / "styrbord.jsonl.gz"
    path.write_bytes(b"an older backup")
    with pytest.raises(BackupError, match="already exists"):
        create_backup(path)
    assert path.read_bytes() == b"an older backup"
    with pytest.raises(BackupError, match="does not exist"):
        create_backup(tmp_path / "missing" / "styrbord.jsonl.gz")
