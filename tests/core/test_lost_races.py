"""When a save loses a race anyway, the user is told so in Danish and keeps what they typed.

The turn-taking (core/locking.py) keeps parallel saves from colliding; these tests make a
collision happen on purpose, at the worst moment, to check what remains: a colleague's
commit landing between the check and the write, a name taken between the check and the
insert, and a database too busy to wait for. None of them may give a 500.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.organisation.models import Stakeholder
from portfolio.risks.models import MitigationAction, Risk
from tests.conftest import TEST_DATABASE_URL, make_app, sign_in


def _other_engine() -> sa.Engine:
    """A second connection to the test database: a colleague's request, committing its own."""
    return sa.create_engine(db.engine.url.render_as_string(hide_password=False))


@contextlib.contextmanager
def _colleague_commits_first(table: str, statement: str):
    """Just before this request's first UPDATE of `table`, commit `statement` elsewhere."""
    other = _other_engine()
    done = []

    def before(conn, cursor, sql, parameters, context, executemany):
        if not done and sql.lstrip().upper().startswith(f"UPDATE {table.upper()} "):
            done.append(True)
            with other.begin() as connection:
                connection.execute(sa.text(statement))

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield done
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
        other.dispose()


def _without_the_locked_check(monkeypatch):
    """Check versions as the app did before it took turns, so the race can happen."""
    monkeypatch.setattr("portfolio.audit.versions.stored_version", lambda obj: obj.version)


def test_an_edit_overtaken_at_the_write_is_a_conflict_with_the_text_kept(
    app, client, login_as, monkeypatch
):
    login_as("secretariat")
    _without_the_locked_check(monkeypatch)
    url = "/programmes/ddns/risks/R2/edit"
    form = {"title": "Nøgleressourcer", "owner": "Min egen ejer", "track_id": "", "version": "1"}
    bump = "UPDATE risks SET version = version + 1, owner = 'Kollegaens ejer' WHERE code = 'R2'"
    with _colleague_commits_first("risks", bump) as happened:
        response = client.post(url, data=form)
    assert happened, "the colleague's commit did not come between check and write"

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Nogen gemte en ændring samtidig med dig" in html
    assert 'value="Min egen ejer"' in html  # what was typed is still in the form
    db.session.expire_all()
    risk = db.session.scalar(sa.select(Risk).where(Risk.code == "R2"))
    assert (risk.owner, risk.version, risk.title) == ("Kollegaens ejer", 2, risk.title)
    assert risk.title != "Nøgleressourcer"


def test_a_change_outside_a_form_overtaken_at_the_write_is_the_409_page(app, client, login_as):
    login_as("secretariat")
    added = client.post(
        "/programmes/ddns/risks/R1/actions",
        data={"description": "Kortlæg datahuller", "owner": "", "due_on": "", "status": "planned"},
    )
    assert added.status_code == 302
    db.session.expire_all()
    action = db.session.scalar(sa.select(MitigationAction))
    bump = f"UPDATE mitigation_actions SET version = version + 1 WHERE id = {int(action.id)}"
    with _colleague_commits_first("mitigation_actions", bump) as happened:
        response = client.post(
            f"/programmes/ddns/risks/R1/actions/{action.id}", data={"status": "done"}
        )
    assert happened
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Nogen gemte en ændring samtidig med dig" in html and "Traceback" not in html
    db.session.expire_all()
    assert db.session.get(MitigationAction, action.id).status.value == "planned"


def test_a_name_taken_between_check_and_insert_is_a_conflict(app, client, login_as, monkeypatch):
    login_as("secretariat")
    # The check passes, as it would for a request that read just before a colleague's insert.
    monkeypatch.setattr("portfolio.organisation.services._check_name_free", lambda *a: None)
    response = client.post(
        "/programmes/ddns/stakeholders/new",
        data={
            "name": "KL og kommuner",
            "attitude": "neutral",
            "involvement": "Mine noter om inddragelsen",
        },
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "samme navn eller kode" in html
    assert "Mine noter om inddragelsen" in html
    db.session.expire_all()
    names = db.session.scalars(sa.select(Stakeholder.name)).all()
    assert names.count("KL og kommuner") == 1


@contextlib.contextmanager
def _database_held_by_someone_else():
    """Hold what a new risk needs (the write lock on SQLite, the programme's row on
    PostgreSQL) from another connection, as a long save or import would."""
    if TEST_DATABASE_URL:
        other = _other_engine()
        with other.connect() as connection:
            connection.execute(sa.text("SELECT id FROM programmes WHERE slug = 'ddns' FOR UPDATE"))
            yield
            connection.rollback()
        other.dispose()
    else:
        connection = sqlite3.connect(Path(db.engine.url.database), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()


def test_a_busy_database_asks_to_save_again_and_keeps_the_form(
    tmp_path, _sqlite_template, _postgres_schema, users
):
    app = make_app(
        tmp_path, _sqlite_template, snapshot=_postgres_schema, DATABASE_LOCK_TIMEOUT_MS=200
    )
    with app.app_context():
        client = app.test_client()
        sign_in(client, users.make("secretariat"))
        form = {
            "title": "Risiko skrevet mens databasen var optaget",
            "track_id": "",
            "probability": "low",
            "consequence": "low",
        }
        with _database_held_by_someone_else():
            response = client.post("/programmes/ddns/risks/new", data=form)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        html = response.get_data(as_text=True)
        assert "Databasen var optaget" in html and "ikke gemt" in html
        assert 'value="Risiko skrevet mens databasen var optaget"' in html
        db.session.expire_all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Risk)) == 4

        # Once the other writer is done, the same form saves.
        again = client.post("/programmes/ddns/risks/new", data=form)
        assert again.status_code == 302
        db.session.remove()
