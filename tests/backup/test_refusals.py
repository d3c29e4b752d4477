"""A restore that cannot be done faithfully is refused before it writes anything."""

import gzip
import hashlib
import json

import pytest
import sqlalchemy as sa

from portfolio.backup.services import (
    BackupError,
    canonical_json,
    create_backup,
    restore_backup,
    verify_backup,
)
from portfolio.core.roles import grant_runtime_role
from portfolio.extensions import db
from portfolio.seed.loader import load_seed, read_seed_file
from tests.backup.conftest import app_on, head_revision, table_contents
from tests.conftest import requires_postgres
from tests.roles import login_role


def _rewrite(path, change) -> None:
    """Decompress the backup, let `change` edit its list of lines, and compress it again."""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        lines = file.read().splitlines()
    change(lines)
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")


def _stakeholder_row(lines, name: str) -> int:
    """Return the index of the line holding the stakeholder of that name."""
    table = None
    for index, line in enumerate(lines):
        value = json.loads(line)
        if isinstance(value, dict):
            table = value.get("name")
        elif table == "stakeholders" and name in value:
            return index
    raise AssertionError(f"no stakeholder {name}")


def _tamper_with_a_row(lines) -> None:
    index = _stakeholder_row(lines, "Danske Regioner")
    lines[index] = lines[index].replace("Danske Regioner", "Danske Regioner (ændret)")


def _tamper_with_the_header(lines) -> None:
    header = json.loads(lines[0])
    header["dialect"] = "oracle"
    lines[0] = json.dumps(header)


def _drop_a_row(lines) -> None:
    del lines[_stakeholder_row(lines, "Danske Regioner")]


def _truncate(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_a_byte(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _cut_before_the_end(path) -> None:
    _rewrite(path, lambda lines: lines.pop())


def _not_a_backup(path) -> None:
    path.write_text("id;name\n1;DDNS\n")


DAMAGE = {
    "changed row": (lambda path: _rewrite(path, _tamper_with_a_row), "do not match their checksum"),
    "removed row": (lambda path: _rewrite(path, _drop_a_row), "should have 11 rows, it has 10"),
    "changed header": (
        lambda path: _rewrite(path, _tamper_with_the_header),
        "does not match the file's checksum",
    ),
    "truncated gzip": (_truncate, "EOFError"),
    "flipped byte": (_flip_a_byte, "damaged"),
    "no end record": (_cut_before_the_end, "stops where the end record should be"),
    "not a backup": (_not_a_backup, "damaged or not a Styrbord backup"),
    "missing file": (lambda path: path.unlink(), "There is no backup file"),
}


@pytest.fixture
def backup(source, tmp_path):
    path = tmp_path / "styrbord.jsonl.gz"
    create_backup(path)
    return path


def _state(engine) -> tuple:
    with engine.connect() as connection:
        revision = connection.scalars(sa.text("SELECT version_num FROM alembic_version")).all()
    return revision, table_contents(engine)


@pytest.mark.parametrize("damage", DAMAGE.keys())
def test_damaged_file_is_refused_and_the_database_left_as_it_was(backup, target, damage):
    spoil, message = DAMAGE[damage]
    spoil(backup)
    before = _state(db.engine)
    with pytest.raises(BackupError, match=message):
        verify_backup(backup)
    with pytest.raises(BackupError, match=message):
        restore_backup(backup)
    assert _state(db.engine) == before
    assert not any(before[1].values())


def test_database_with_rows_is_refused(backup, target):
    load_seed(read_seed_file())
    db.session.commit()
    before = _state(db.engine)
    with pytest.raises(BackupError, match="not empty: audit_entries, portfolios, programmes"):
        restore_backup(backup)
    assert _state(db.engine) == before


def test_database_at_another_revision_is_refused(backup, target):
    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
    before = _state(db.engine)
    with pytest.raises(BackupError, match=rf"revision {head_revision()}, the database is at ffff"):
        restore_backup(backup)
    assert _state(db.engine) == before


def test_database_that_was_never_migrated_is_refused(backup, fresh_url, app):
    with app_on(fresh_url(db.engine.dialect.name, migrated=False)):
        db.create_all()
        with pytest.raises(BackupError, match=r"the database is at \(none\)"):
            restore_backup(backup)
        assert not any(table_contents(db.engine).values())


def test_backup_of_another_schema_is_refused(backup, target):
    """Same revision but a table the database lacks: a mislabelled backup writes nothing."""

    def add_table(lines) -> None:
        header = json.loads(lines[0])
        header["tables"].append("extra")
        lines[0] = json.dumps(header)
        end = json.loads(lines.pop())
        end["table_count"] += 1
        lines.append(
            json.dumps({"type": "table", "name": "extra", "columns": ["id"], "codecs": ["int"]})
        )
        lines.append(json.dumps({"type": "table_end", "name": "extra", "row_count": 0}))
        lines.append(json.dumps(end))

    _rewrite(backup, add_table)
    _reseal(backup)
    verify_backup(backup)
    before = _state(db.engine)
    with pytest.raises(BackupError, match="not in this database: extra"):
        restore_backup(backup)
    assert _state(db.engine) == before


def test_restore_failing_half_way_writes_nothing(backup, target):
    """A row the database rejects at the end undoes the rows already inserted."""

    def break_last_row(lines) -> None:
        # The last row of the file is made to refer to a row that does not exist, in the
        # first column of its table that is a foreign key.
        table = None
        last = None
        for index, line in enumerate(lines):
            value = json.loads(line)
            if isinstance(value, dict) and value.get("type") == "table":
                table = value
            elif isinstance(value, list):
                last = (index, table)
        index, table = last
        foreign_keys = {
            column.name
            for column in db.metadata.tables[table["name"]].columns
            if column.foreign_keys
        }
        position = next(i for i, name in enumerate(table["columns"]) if name in foreign_keys)
        row = json.loads(lines[index])
        row[position] = 999_999
        lines[index] = json.dumps(row)

    _rewrite(backup, break_last_row)
    # Re-seal the file so only the database, not the checksum, can object.
    _reseal(backup)
    before = _state(db.engine)
    with pytest.raises(BackupError, match="failed; nothing was written"):
        restore_backup(backup)
    assert _state(db.engine) == before


def _reseal(path) -> None:
    """Recompute every checksum of a deliberately edited backup, as a forger would."""

    def seal(lines) -> None:
        content = hashlib.sha256()
        digest = None
        for index, line in enumerate(lines):
            value = json.loads(line)
            if isinstance(value, list):
                digest.update((canonical_json(value) + "\n").encode())
                continue
            if value["type"] == "table":
                digest = hashlib.sha256()
            elif value["type"] == "table_end":
                value["sha256"] = digest.hexdigest()
            elif value["type"] == "end":
                value["content_sha256"] = content.hexdigest()
            if value["type"] != "end":
                content.update((canonical_json(value) + "\n").encode())
            lines[index] = json.dumps(value)

    _rewrite(path, seal)


@requires_postgres()
def test_restore_as_the_runtime_role_is_refused_and_as_the_owner_done(backup, target):
    """The runtime role may not lock the tables or set the id sequences: the owner restores."""
    url = db.engine.url.render_as_string(hide_password=False)
    with login_role(url, prefix="styrbord_runtime") as role:
        grant_runtime_role(role.name)
        db.session.commit()
        role.granted_in(url)
        before = _state(db.engine)
        engine = role.engine_for(url)
        try:
            with pytest.raises(
                BackupError,
                match=rf"The role {role.name} does not own annexes and \d+ more tables: restore"
                " as the role that owns the tables, the one migrations run as",
            ):
                restore_backup(backup, engine=engine)
        finally:
            engine.dispose()
        assert _state(db.engine) == before
    summary = restore_backup(backup)
    with db.engine.connect() as connection:
        restored = connection.scalar(sa.text("SELECT count(*) FROM audit_entries"))
    assert restored == summary.rows_by_table()["audit_entries"] + 1
