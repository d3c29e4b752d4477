"""The app's runtime role (`flask db grant-runtime`) can run the app but not empty the trail.

On PostgreSQL the audit trail's triggers refuse UPDATE, DELETE and TRUNCATE, but the
table's owner could disable them. These tests make a separate login role, grant it with
the command and connect as it.
"""

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from portfolio import create_app
from portfolio.audit.context import acting_as
from portfolio.audit.models import AuditEntry
from portfolio.auth.models import User
from portfolio.backup.services import create_backup, verify_backup
from portfolio.extensions import db
from portfolio.programmes.services import get_programme
from portfolio.risks.models import Level
from portfolio.risks.services import create_risk, get_risk, update_risk
from tests.conftest import (
    TEST_DATABASE_URL,
    FreshContextClient,
    _config,
    requires_postgres,
    sign_in,
)
from tests.roles import login_role

ON_POSTGRES = (TEST_DATABASE_URL or "").startswith("postgresql")

# What someone holding the runtime role's password might try against the trail.
ATTEMPTS = {
    "truncate": "TRUNCATE audit_entries",
    "update": "UPDATE audit_entries SET actor = 'someone else'",
    "delete": "DELETE FROM audit_entries",
    "disable triggers": "ALTER TABLE audit_entries DISABLE TRIGGER ALL",
    "disable one trigger": "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change",
    "drop the trigger": "DROP TRIGGER audit_entries_no_truncate ON audit_entries",
    "take ownership": "ALTER TABLE audit_entries OWNER TO CURRENT_USER",
    "rewind the ids": "SELECT setval(pg_get_serial_sequence('audit_entries', 'id'), 1)",
}


@pytest.fixture
def migrated(app):
    """The test database with alembic_version, as `flask db upgrade` leaves it."""
    stamp()
    yield app
    with db.engine.begin() as connection:
        # The PostgreSQL test database is shared by the whole session.
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def runtime(migrated, runner):
    """A login role granted by `flask db grant-runtime`, and the command's output."""
    with login_role(TEST_DATABASE_URL, prefix="styrbord_runtime") as role:
        role.granted_in(TEST_DATABASE_URL)
        result = runner.invoke(args=["db", "grant-runtime", role.name])
        assert result.exit_code == 0, result.output
        role.output = result.output
        yield role


def _trail(connection) -> tuple[int, list[tuple[str, str]]]:
    count = connection.scalar(sa.text("SELECT count(*) FROM audit_entries"))
    triggers = connection.execute(
        sa.text(
            "SELECT tgname, tgenabled FROM pg_trigger"
            " WHERE tgrelid = 'audit_entries'::regclass AND NOT tgisinternal ORDER BY tgname"
        )
    ).all()
    return count, [tuple(row) for row in triggers]


@requires_postgres()
def test_the_command_says_what_it_granted(runtime):
    assert f"Granted {runtime.name}: read and write on" in runtime.output
    assert "read and append only on audit_entries, read on alembic_version" in runtime.output
    assert "cannot alter a table, disable a trigger or truncate" in runtime.output


@requires_postgres()
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_runtime_role_cannot_empty_change_or_unguard_the_trail(runtime, attempt):
    with db.engine.connect() as owner:
        before = _trail(owner)
    assert before[0] > 0
    assert before[1] == [("audit_entries_no_change", "O"), ("audit_entries_no_truncate", "O")]
    engine = runtime.engine_for(TEST_DATABASE_URL)
    try:
        with (
            pytest.raises(sa.exc.ProgrammingError, match=r"permission denied|must be owner"),
            engine.begin() as connection,
        ):
            connection.exec_driver_sql(ATTEMPTS[attempt])
    finally:
        engine.dispose()
    with db.engine.connect() as owner:
        assert _trail(owner) == before


@requires_postgres()
def test_even_the_owner_cannot_truncate_the_trail(migrated):
    with db.engine.connect() as connection:
        before = _trail(connection)
    with (
        pytest.raises(sa.exc.DatabaseError, match="audit_entries is append-only"),
        db.engine.begin() as connection,
    ):
        connection.exec_driver_sql("TRUNCATE audit_entries")
    with db.engine.connect() as connection:
        assert _trail(connection) == before


@requires_postgres()
def test_the_app_works_as_the_runtime_role(runtime, users, tmp_path):
    # Read before the runtime app is current: an object of the owner's session loading an
    # attribute then would borrow a connection of the runtime app's engine.
    user_id = users.make("secretariat").id
    runtime_app = create_app(_config(runtime.url_for(TEST_DATABASE_URL)))
    runtime_app.test_client_class = FreshContextClient
    try:
        with runtime_app.app_context():
            assert db.session.scalar(sa.select(sa.func.current_user())) == runtime.name
            user = db.session.get(User, user_id)
            ddns = get_programme("ddns")
            with acting_as(user):
                risk = create_risk(
                    user,
                    ddns,
                    {
                        "title": "Driftsleverandøren skifter",
                        "probability": Level.MEDIUM,
                        "consequence": Level.HIGH,
                    },
                )
                db.session.commit()
                code = risk.code
                update_risk(user, risk, {"owner": "Eva"}, expected_version=risk.version)
                db.session.commit()
            assert get_risk(ddns, code).owner == "Eva"
            actions = db.session.execute(
                sa.select(AuditEntry.action, AuditEntry.actor).where(
                    AuditEntry.entity == "risks", AuditEntry.entity_label == code
                )
            ).all()
            assert sorted(actions) == [("create", user.email), ("update", user.email)]

            client = runtime_app.test_client()
            sign_in(client, user)
            page = client.get("/programmes/ddns/risks/")
            assert page.status_code == 200
            assert "Driftsleverandøren skifter" in page.get_data(as_text=True)

            # The nightly backup runs as the runtime role too: it only reads.
            summary = create_backup(tmp_path / "nightly.jsonl.gz")
            assert verify_backup(summary.path).row_count == summary.row_count
    finally:
        with runtime_app.app_context():
            db.session.remove()
            db.engine.dispose()


@requires_postgres()
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("SUPERUSER", "is a superuser, which no privilege or trigger binds"),
        ("CREATEROLE", "can create roles, and so could make itself a member of the owner"),
        ("IN ROLE postgres", "owns alembic_version (or is a member of its owner)"),
    ],
    ids=["superuser", "createrole", "member of the owner"],
)
def test_a_role_that_could_undo_it_is_refused(migrated, runner, options, message):
    owner = db.session.scalar(sa.text("SELECT tableowner FROM pg_tables WHERE tablename = 'risks'"))
    options = options.replace("postgres", f'"{owner}"')
    with login_role(TEST_DATABASE_URL, options, prefix="styrbord_runtime") as role:
        result = runner.invoke(args=["db", "grant-runtime", role.name])
        assert result.exit_code == 1
        assert message in result.output and "nothing was granted" in result.output.lower()
        granted = db.session.scalar(
            sa.text("SELECT has_table_privilege(:role, 'risks', 'SELECT')"), {"role": role.name}
        )
        # A superuser or a member of the owner has every privilege anyway; the others none.
        assert granted is (options != "CREATEROLE")


@requires_postgres()
def test_a_role_that_does_not_exist_is_refused(migrated, runner):
    result = runner.invoke(args=["db", "grant-runtime", "styrbord_nobody"])
    assert result.exit_code == 1
    assert "There is no role 'styrbord_nobody'. Create it first" in result.output


@requires_postgres()
def test_an_unmigrated_database_is_refused(app, runner):
    with login_role(TEST_DATABASE_URL, prefix="styrbord_runtime") as role:
        result = runner.invoke(args=["db", "grant-runtime", role.name])
        assert result.exit_code == 1
        assert "lacks 1 of the app's tables (for example alembic_version)" in result.output
        assert "run `flask --app app db upgrade` as the owner first" in result.output


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite answer; PostgreSQL's are tested above")
def test_sqlite_has_no_roles_to_grant(runner):
    result = runner.invoke(args=["db", "grant-runtime", "styrbord_app"])
    assert result.exit_code == 1
    assert "sqlite has no roles" in result.output
    assert "grant-runtime is for PostgreSQL" in result.output
