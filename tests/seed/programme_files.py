"""Helpers for the programme-file tests: export, empty the database, import."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.programmes.services import get_programme
from portfolio.seed.programme_file import export_programme, import_programmes
from tests.conftest import TEST_DATABASE_URL, _reset_postgres

SLUGS = ("ddns", "sundhedsdataprogrammet")


def export_all() -> dict[str, str]:
    """Return the programme file of each embedded programme, as exported now."""
    return {slug: export_programme(get_programme(slug)) for slug in SLUGS}


def empty_the_database() -> None:
    """Remove every row (PostgreSQL) or recreate the schema (SQLite): an empty database."""
    db.session.remove()
    if TEST_DATABASE_URL:
        _reset_postgres(None)
    else:
        db.drop_all()
        db.create_all()
    assert db.session.scalar(sa.text("SELECT count(*) FROM programmes")) == 0


def import_all(files: dict[str, str]) -> None:
    """Import the files in order, one transaction each, as the command does."""
    for text in files.values():
        import_programmes(text)
        db.session.commit()
