"""Administrators import a programme file from the web: preview, then confirm."""

from __future__ import annotations

import io

import sqlalchemy as sa
import yaml

from portfolio import models as m
from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.programmes.services import get_programme
from portfolio.seed.programme_file import export_programme


def _audit_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def _new_programme_file() -> str:
    data = yaml.safe_load(export_programme(get_programme("ddns")))
    programme = data["programmes"][0]
    programme.update(slug="tredje", name="Et tredje program", short_name="Tredje")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _upload(client, text: str):
    return client.post(
        "/admin/programme-file",
        data={"file": (io.BytesIO(text.encode()), "program.yaml")},
        content_type="multipart/form-data",
    )


def test_preview_shows_what_will_be_created_and_writes_nothing(client, login_as):
    login_as("admin")
    before = _audit_rows()
    response = _upload(client, _new_programme_file())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Det vil filen gøre" in page
    assert "Programmer i filen: tredje." in page
    assert "Oprettes" in page and "Indlæs filen" in page
    assert db.session.scalar(sa.select(m.Programme).filter_by(slug="tredje")) is None
    assert _audit_rows() == before


def test_confirm_imports_the_programme(client, login_as):
    login_as("admin")
    text = _new_programme_file()
    response = client.post("/admin/programme-file/confirm", data={"text": text})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/programmes/tredje")
    programme = db.session.scalar(sa.select(m.Programme).filter_by(slug="tredje"))
    assert programme.name == "Et tredje program"
    assert len(programme.tracks) == 4
    again = _upload(client, text)
    assert "der er intet at indlæse" in again.get_data(as_text=True)


def test_a_bad_file_lists_its_problems_and_changes_nothing(client, login_as):
    login_as("admin")
    text = _new_programme_file().replace("status: active", "status: '<b>x</b>'", 1)
    response = _upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Filen blev ikke indlæst, og intet er ændret." in page
    assert "programmes[0].status" in page
    assert "<b>x</b>" not in page
    assert db.session.scalar(sa.select(m.Programme).filter_by(slug="tredje")) is None


def test_a_non_admin_cannot_import(client, login_as):
    login_as("secretariat")
    assert client.get("/admin/programme-file").status_code == 403
    response = client.post("/admin/programme-file/confirm", data={"text": _new_programme_file()})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(m.Programme).filter_by(slug="tredje")) is None
