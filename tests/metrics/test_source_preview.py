"""The "Forhåndsvis" button of the source forms: read with unsaved settings, store nothing."""

import re

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.metrics.models import MetricSource
from tests.conftest import make_app, sign_in
from tests.metrics.conftest import SAMPLES

PLEJEHJEM = SAMPLES / "ssi_dk_plejehjem_ugeoversigt_year_week_split.csv"
NEW_FILE = "/metrics/sources/new?type=file"


def _counts() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(MetricSource)),
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
    )


def _plejehjem(**extra) -> dict[str, str]:
    return {
        "key": "plejehjem",
        "name": "Plejehjem, ugeoversigt",
        "location": str(PLEJEHJEM),
        "timeout_seconds": "10",
        "disclosure_threshold": "5",
        "opt-period_columns": "År, Uge",
        "opt-value_column": "Antal tests blandt beboere",
        "opt-dimension_columns": "[]",
        "opt-thousands_separator": ".",
        **extra,
    }


def _text(response) -> str:
    return response.get_data(as_text=True)


def _preview_section(html: str) -> str:
    match = re.search(r'<section class="source-preview".*?</section>', html, re.S)
    assert match, "no preview on the page"
    return match.group(0)


def test_preview_of_a_report_table_shows_its_rules_and_saves_nothing(client, login_as):
    login_as("admin")
    before = _counts()
    response = client.post(NEW_FILE, data={**_plejehjem(), "action": "preview"})
    assert response.status_code == 200, _text(response)
    preview = _preview_section(_text(response))
    assert "152 observationer" in preview
    # The trailer row "I alt" is reported with its row number, the periods as ISO weeks.
    assert "total-rækker" in preview and "(række 154)" in preview
    assert "ISO-uge" in preview
    assert "2020-W11" in preview
    assert "De første 50 af 152 observationer" in preview
    # 119 tests in the first week, shown as the source wrote it (no decimals added).
    assert re.search(r"<td>2020-W11</td><td>–</td><td class=\"num\">119</td>", preview)
    assert "Ingen dimensioner ud over perioden." in preview
    assert _counts() == before
    # The form keeps what was typed, so Save then stores exactly the previewed settings.
    html = _text(response)
    assert 'value="Antal tests blandt beboere"' in html and f'value="{PLEJEHJEM}"' in html
    saved = client.post(NEW_FILE, data=_plejehjem())
    assert saved.status_code == 302
    source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == "plejehjem"))
    assert source.config == {
        "period_columns": ["År", "Uge"],
        "value_column": "Antal tests blandt beboere",
        "dimension_columns": [],
        "thousands_separator": ".",
    }


def test_small_values_are_withheld_in_the_preview_as_counts(client, login_as):
    login_as("admin")
    # Deaths among residents: the first week had 0 (shown), then 3 (below 5: withheld).
    data = _plejehjem(**{"opt-value_column": "Dødsfald blandt bekæftede beboere"})
    preview = _preview_section(_text(client.post(NEW_FILE, data={**data, "action": "preview"})))
    assert re.search(r"<td>2020-W11</td><td>–</td><td class=\"num\">0</td>", preview)
    week_12 = re.search(r"<td>2020-W12</td><td>–</td><td class=\"num\">(.*?)</td>", preview)
    assert week_12 and week_12.group(1) == "&lt;5"
    assert ">3<" not in preview


def test_a_source_that_cannot_be_read_is_reported_in_danish_and_nothing_is_saved(client, login_as):
    login_as("admin")
    before = _counts()
    # Without the thousands separator "1.135" may be 1135 or 1.135: the reader refuses.
    data = {**_plejehjem(), "opt-thousands_separator": "", "action": "preview"}
    response = client.post(NEW_FILE, data=data)
    assert response.status_code == 200
    preview = _preview_section(_text(response))
    assert "Kilden kunne ikke læses" in preview and "thousands_separator" in preview
    assert "<table" not in preview
    assert _counts() == before


def test_a_bad_setting_is_refused_in_danish_as_a_save_would_be(client, login_as):
    login_as("admin")
    before = _counts()
    data = {**_plejehjem(), "opt-dimension_columns": "[ikke json", "action": "preview"}
    response = client.post(NEW_FILE, data=data)
    assert response.status_code == 422
    html = _text(response)
    assert "dimension_columns skal være gyldig JSON" in html
    assert "Kilden kunne ikke læses" in _preview_section(html)
    outside = {**_plejehjem(), "location": "/etc/passwd", "action": "preview"}
    refused = _text(client.post(NEW_FILE, data=outside))
    assert "Kilden kunne ikke læses" in _preview_section(refused)
    assert "root:" not in refused
    assert _counts() == before


def test_preview_on_the_edit_page_uses_the_typed_settings_not_the_stored(client, login_as):
    login_as("admin")
    assert client.post(NEW_FILE, data=_plejehjem()).status_code == 302
    source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == "plejehjem"))
    version, before = source.version, _counts()
    typed = _plejehjem(
        version=str(version),
        name="Et nyt navn",
        **{"opt-value_column": "Plejehjem med testede beboere", "action": "preview"},
    )
    response = client.post(f"/metrics/sources/{source.id}/edit", data=typed)
    assert response.status_code == 200
    preview = _preview_section(_text(response))
    assert re.search(r"<td>2020-W11</td><td>–</td><td class=\"num\">107</td>", preview)
    assert _counts() == before
    db.session.expire_all()
    source = db.session.get(MetricSource, source.id)
    assert source.version == version and source.name == "Plejehjem, ugeoversigt"
    assert source.config["value_column"] == "Antal tests blandt beboere"


def test_a_viewer_may_not_preview(client, login_as):
    login_as("viewer")
    before = _counts()
    response = client.post(NEW_FILE, data={**_plejehjem(), "action": "preview"})
    assert response.status_code == 403
    assert "observationer" not in _text(response)
    assert _counts() == before


def test_preview_needs_the_csrf_token(tmp_path, _sqlite_template, _postgres_schema, users):
    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema, WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = users.make("admin")
        client = app.test_client()
        sign_in(client, admin)
        response = client.post(NEW_FILE, data={**_plejehjem(), "action": "preview"})
        assert response.status_code == 400
        assert "observationer" not in _text(response)
        db.session.remove()


def test_preview_lists_the_dimensions_and_the_providers_status_symbols(client, login_as):
    login_as("admin")
    data = {
        "key": "ssb",
        "name": "SSB 05300",
        "location": str(SAMPLES / "ssb_no_05300_jsonstat2_with_status.json"),
        "timeout_seconds": "10",
        "disclosure_threshold": "5",
        "action": "preview",
    }
    response = client.post("/metrics/sources/new?type=jsonstat", data=data)
    assert response.status_code == 200
    preview = _preview_section(_text(response))
    assert "432 observationer" in preview
    assert "kan ikke forekomme: 20" in preview and "mangler: 8" in preview
    assert "<strong>Avstand1</strong>: 6 koder (01, 02, 03, 04, 05, 06)" in preview
    assert "<strong>Kulturtilbud</strong>: 8 koder (01, 02, 03, 04, 05, 06, …)" in preview
    assert "Enhed: prosent" in preview
    assert "Ingen regler har sprunget rækker over" in preview


def test_preview_uses_a_stored_secret_without_showing_it(client, login_as, tmp_path):
    import sqlite3

    login_as("admin")
    path = tmp_path / "register.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (aar TEXT, vaerdi REAL)")
        connection.execute("INSERT INTO t VALUES ('2024', 12), ('2025', 3)")
    secret_url = f"sqlite://reader:SuperHemmelig-42@/{path}"
    data = {
        "key": "register",
        "name": "Registerdatabase",
        "timeout_seconds": "10",
        "disclosure_threshold": "5",
        "secret-url": secret_url,
        "opt-query": "SELECT aar, vaerdi FROM t",
        "opt-period_column": "aar",
        "opt-value_column": "vaerdi",
    }
    typed = client.post("/metrics/sources/new?type=sql", data={**data, "action": "preview"})
    html = _text(typed)
    assert "2 observationer" in _preview_section(html)
    assert "SuperHemmelig" not in html
    assert "Hemmelige værdier vises ikke igen" in html
    assert client.post("/metrics/sources/new?type=sql", data=data).status_code == 302
    source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == "register"))
    before = _counts()
    kept = {**data, "version": str(source.version), "secret-url": "", "action": "preview"}
    response = client.post(f"/metrics/sources/{source.id}/edit", data=kept)
    preview = _preview_section(_text(response))
    assert "2 observationer" in preview
    assert re.search(r"<td>2025</td><td>–</td><td class=\"num\">&lt;5</td>", preview)
    assert "SuperHemmelig" not in _text(response)
    cleared = {**kept, "clear-url": "1"}
    refused = _text(client.post(f"/metrics/sources/{source.id}/edit", data=cleared))
    assert "Kilden kunne ikke læses" in _preview_section(refused)
    assert _counts() == before
