"""The metric source admin pages: sources, options from the schema, secrets, metrics."""

import sqlite3

import pytest
import sqlalchemy as sa
from markupsafe import escape

from portfolio.core.models import utcnow
from portfolio.extensions import db
from portfolio.metrics import sources as services
from portfolio.metrics.models import Metric, MetricSource
from tests.conftest import sign_in
from tests.metrics.conftest import SAMPLES, Route

SECRET = "SuperHemmelig-42"


def _source(key="ssb") -> MetricSource:
    db.session.expire_all()
    return db.session.scalar(sa.select(MetricSource).where(MetricSource.key == key))


def _create_jsonstat(client, **extra):
    data = {
        "key": "ssb",
        "name": "SSB 05300",
        "location": str(SAMPLES / "ssb_no_05300_jsonstat2_with_status.json"),
        "timeout_seconds": "10",
        "disclosure_threshold": "5",
        "opt-status_table": "auto",
        "opt-status_map": '{"x": "suppressed"}',
        **extra,
    }
    return client.post("/metrics/sources/new?type=jsonstat", data=data)


def _register(tmp_path) -> str:
    path = tmp_path / "register.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (aar TEXT, vaerdi REAL)")
        connection.execute("INSERT INTO t VALUES ('2024', 12), ('2025', 14)")
    return f"sqlite:///{path}"


def _create_sql(client, url: str):
    return client.post(
        "/metrics/sources/new?type=sql",
        data={
            "key": "register",
            "name": "Registerdatabase",
            "timeout_seconds": "10",
            "disclosure_threshold": "5",
            "secret-url": url,
            "opt-query": "SELECT aar, vaerdi FROM t",
            "opt-period_column": "aar",
            "opt-value_column": "vaerdi",
        },
    )


def test_admin_creates_a_source_with_options_from_its_schema(client, login_as):
    login_as("admin")
    chooser = client.get("/metrics/sources/new").get_data(as_text=True)
    assert "type=jsonstat" in chooser and "type=sql" in chooser
    form = client.get("/metrics/sources/new?type=jsonstat").get_data(as_text=True)
    assert 'name="opt-status_table"' in form and 'name="opt-dataset"' in form
    response = _create_jsonstat(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    source = _source()
    assert source.type == "jsonstat"
    assert source.config == {"status_table": "auto", "status_map": {"x": "suppressed"}}
    assert source.location.endswith("ssb_no_05300_jsonstat2_with_status.json")
    listing = client.get("/metrics/sources/").get_data(as_text=True)
    assert "SSB 05300" in listing and "jsonstat" in listing


def test_an_invalid_option_is_refused_in_danish_and_nothing_is_stored(client, login_as):
    login_as("admin")
    response = _create_jsonstat(client, **{"opt-status_table": "nej"})
    assert response.status_code == 422
    assert "Ugyldig konfiguration" in response.get_data(as_text=True)
    bad_json = _create_jsonstat(client, **{"opt-status_map": "{ikke json"})
    assert bad_json.status_code == 422
    assert "status_map skal være gyldig JSON" in bad_json.get_data(as_text=True)
    assert _source() is None


def test_test_connection_reports_in_danish_and_changes_nothing(client, login_as):
    login_as("admin")
    _create_jsonstat(client)
    source = _source()
    version = source.version
    ok = client.post(
        f"/metrics/sources/{source.id}/test", data={"version": version}, follow_redirects=True
    )
    assert "Forbindelsen virker" in ok.get_data(as_text=True)
    source.location = "/findes/ikke.json"
    db.session.commit()
    failed = client.post(
        f"/metrics/sources/{source.id}/test",
        data={"version": source.version},
        follow_redirects=True,
    )
    assert "Forbindelsen fejlede" in failed.get_data(as_text=True)
    source = _source()
    assert source.version == version + 1  # only our own change above
    assert source.last_error is None and source.failure_count == 0


def test_a_stored_secret_never_appears_in_any_response(client, login_as, tmp_path):
    login_as("admin")
    url = _register(tmp_path)
    # A password has no meaning to SQLite, but the URL carries it as a real one would.
    secret_url = url.replace("sqlite:///", f"sqlite://reader:{SECRET}@/")
    assert _create_sql(client, url).status_code == 302
    source = _source("register")
    assert source.secret_config == {"url": url}
    assert source.location == "" and "url" not in source.config
    # Replace the stored URL with one holding a password; leaving the field empty keeps it.
    edit = {
        "version": source.version,
        "key": "register",
        "name": "Registerdatabase",
        "timeout_seconds": "10",
        "disclosure_threshold": "5",
        "opt-query": "SELECT aar, vaerdi FROM t",
        "opt-period_column": "aar",
        "opt-value_column": "vaerdi",
        "secret-url": secret_url,
    }
    client.post(f"/metrics/sources/{source.id}/edit", data=edit)
    source = _source("register")
    assert source.secret_config == {"url": secret_url}
    kept = {**edit, "version": source.version, "secret-url": "", "name": "Nyt navn"}
    assert client.post(f"/metrics/sources/{source.id}/edit", data=kept).status_code == 302
    source = _source("register")
    assert source.name == "Nyt navn" and source.secret_config == {"url": secret_url}
    bodies = [
        client.get("/metrics/sources/"),
        client.get(f"/metrics/sources/{source.id}"),
        client.get(f"/metrics/sources/{source.id}/edit"),
        client.post(
            f"/metrics/sources/{source.id}/test",
            data={"version": source.version},
            follow_redirects=True,
        ),
        client.get("/admin/audit"),
        client.get("/admin/audit.csv"),
    ]
    edit_page = bodies[2].get_data(as_text=True)
    assert "•••• gemt" in edit_page and 'name="clear-url"' in edit_page
    for response in bodies:
        assert response.status_code == 200
        assert SECRET not in response.get_data(as_text=True)
    # Clearing the secret leaves the source without its required URL: refused.
    cleared = {**kept, "version": source.version, "clear-url": "1"}
    refused = client.post(f"/metrics/sources/{source.id}/edit", data=cleared)
    assert refused.status_code == 422
    assert SECRET not in refused.get_data(as_text=True)
    assert _source("register").secret_config == {"url": secret_url}


def test_a_paused_source_is_resumed(client, login_as):
    login_as("admin")
    _create_jsonstat(client)
    source = _source()
    source.paused_at = utcnow()
    source.failure_count = 5
    db.session.commit()
    page = client.get(f"/metrics/sources/{source.id}").get_data(as_text=True)
    assert "Genoptag kilden" in page
    client.post(f"/metrics/sources/{source.id}/resume", data={"version": source.version})
    source = _source()
    assert source.paused_at is None and source.failure_count == 0


def test_metrics_of_a_source_with_filters(client, login_as):
    login_as("admin")
    _create_jsonstat(client)
    source = _source()
    url = f"/metrics/sources/{source.id}/metrics/new"
    bad = client.post(url, data={"key": "m", "name": "M", "filters": "KOMK", "refresh_hours": 24})
    assert bad.status_code == 422
    assert "skriv dimension=kode" in bad.get_data(as_text=True)
    response = client.post(
        url,
        data={
            "key": "ssb.andel",
            "name": "Andel",
            "filters": "Region=0\n ContentsCode = Personer \n",
            "unit": "%",
            "is_count": "y",
            "refresh_hours": "12",
        },
    )
    assert response.status_code == 302
    metric = db.session.scalar(sa.select(Metric).where(Metric.key == "ssb.andel"))
    assert metric.filters == {"Region": "0", "ContentsCode": "Personer"}
    assert metric.is_count and metric.refresh_hours == 12 and metric.threshold == 5
    page = client.get(f"/metrics/sources/{source.id}").get_data(as_text=True)
    assert "ssb.andel" in page and "Region=0" in page
    edit_url = f"/metrics/sources/{source.id}/metrics/{metric.id}/edit"
    form = client.get(edit_url).get_data(as_text=True)
    assert "Region=0\nContentsCode=Personer" in form
    changed = {
        "version": metric.version,
        "key": "ssb.andel",
        "name": "Andel",
        "filters": "Region=1",
        "refresh_hours": "24",
        "disclosure_threshold": "3",
    }
    assert client.post(edit_url, data=changed).status_code == 302
    stale = client.post(edit_url, data={**changed, "name": "Gammel"})
    assert stale.status_code == 409
    db.session.expire_all()
    assert metric.filters == {"Region": "1"} and metric.threshold == 3 and metric.name == "Andel"


@pytest.mark.parametrize("role", ["secretariat", "benefit_owner"])
def test_a_programme_secretariat_cannot_manage_the_global_sources(client, users, role):
    sign_in(client, users.make(role))
    assert 'href="/metrics/sources/"' not in client.get("/").get_data(as_text=True)
    assert client.get("/metrics/sources/").status_code == 403
    assert _create_jsonstat(client).status_code == 403
    assert _source() is None


def test_a_secretariat_covering_every_programme_manages_sources(client, users):
    from portfolio.auth import services as auth_services
    from portfolio.auth.models import Role

    user = auth_services.create_user("portefolje@example.dk", "et langt og sikkert kodeord")
    auth_services.grant_role(user, Role.SECRETARIAT)
    db.session.commit()
    sign_in(client, user)
    assert 'href="/metrics/sources/"' in client.get("/").get_data(as_text=True)
    assert client.get("/metrics/sources/").status_code == 200
    assert _create_jsonstat(client).status_code == 302


def test_option_fields_follow_the_adapter_schema(app):
    fields = {f.name: f for f in services.option_fields("sql")}
    assert fields["url"].secret and fields["url"].required
    assert fields["query"].kind == "text" and fields["parameters"].kind == "json"
    assert fields["dimension_columns"].kind == "list"
    assert not services.has_location("sql")
    file_fields = {f.name for f in services.option_fields("file")}
    assert "content" not in file_fields and "location" not in file_fields
    assert services.has_location("file")


# --- secrets written into a source's URL -------------------------------------------------

URL_PASSWORD = "Url-Kodeord-77"
URL_KEY = "nøgle0123456789"


def _source_form(source, location, **extra):
    return {
        "version": source.version,
        "key": source.key,
        "name": source.name,
        "location": location,
        "timeout_seconds": "10",
        "disclosure_threshold": "5",
        **extra,
    }


def _pages(client, source):
    return [
        client.get("/metrics/sources/"),
        client.get(f"/metrics/sources/{source.id}"),
        client.get(f"/metrics/sources/{source.id}/edit"),
        client.get("/admin/audit"),
        client.get("/admin/audit.csv"),
    ]


def test_a_password_and_a_key_in_a_source_url_are_kept_secret(client, login_as, http_server):
    login_as("admin")
    host, port = http_server.httpd.server_address[:2]
    query = "api_key=nøgle0123456789&lang=da"
    http_server.routes["/data?" + query.replace("ø", "%C3%B8")] = Route(
        body=(SAMPLES / "ssb_no_05300_jsonstat2_with_status.json").read_bytes()
    )
    real = f"http://reader:{URL_PASSWORD}@{host}:{port}/data?{query}"
    created = client.post(
        "/metrics/sources/new?type=jsonstat",
        data={
            "key": "ssb",
            "name": "SSB",
            "location": real,
            "timeout_seconds": "10",
            "disclosure_threshold": "5",
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    source = _source()
    masked = f"http://reader:••••@{host}:{port}/data?api_key=••••&lang=da"
    assert source.location == masked
    assert source.secret_config == {"location": real}

    # The real URL is what the source is read with (password as HTTP Basic auth).
    tested = client.post(
        f"/metrics/sources/{source.id}/test",
        data={"version": source.version},
        follow_redirects=True,
    )
    assert "Forbindelsen virker" in tested.get_data(as_text=True)
    assert http_server.headers[-1]["Authorization"].startswith("Basic ")
    assert URL_KEY.replace("ø", "%C3%B8") in http_server.requests[-1][1]

    pages = _pages(client, source)
    shown = str(escape(masked))
    # The list names the host only; the source's page shows the masked address.
    assert f'<td class="history__value">{host}</td>' in pages[0].get_data(as_text=True)
    assert shown in pages[1].get_data(as_text=True)
    assert f'value="{shown}"' in pages[2].get_data(as_text=True)  # so does the edit form
    for response in [*pages, tested]:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert URL_PASSWORD not in text and URL_KEY not in text

    # Saving the form as shown keeps the stored password and key.
    kept = client.post(
        f"/metrics/sources/{source.id}/edit", data=_source_form(source, masked, name="Nyt navn")
    )
    assert kept.status_code == 302
    source = _source()
    assert source.name == "Nyt navn" and source.secret_config == {"location": real}

    # The masked password is never sent to another server.
    elsewhere = masked.replace(f"{host}:{port}", "collector.example.net")
    edit_url = f"/metrics/sources/{source.id}/edit"
    refused = client.post(edit_url, data=_source_form(source, elsewhere))
    assert refused.status_code == 422
    assert "kun til den samme server" in refused.get_data(as_text=True)
    assert _source().secret_config == {"location": real}

    # A URL without secrets replaces the stored one, and the secret goes.
    plain = f"http://{host}:{port}/data"
    assert (
        client.post(
            f"/metrics/sources/{source.id}/edit", data=_source_form(_source(), plain)
        ).status_code
        == 302
    )
    source = _source()
    assert source.location == plain and source.secret_config is None
    for response in _pages(client, source):
        text = response.get_data(as_text=True)
        assert URL_PASSWORD not in text and URL_KEY not in text


def test_a_url_password_stored_before_it_was_split_off_is_masked(client, login_as):
    # A source saved by an earlier version holds its password in the location column.
    login_as("admin")
    legacy = f"https://reader:{URL_PASSWORD}@stats.example.net/table.json"
    source = MetricSource(key="gammel", name="Gammel", type="jsonstat", location=legacy, config={})
    db.session.add(source)
    db.session.commit()
    for response in _pages(client, source):
        assert response.status_code == 200
        assert URL_PASSWORD not in response.get_data(as_text=True)
    # Saving it moves the real URL to the secrets.
    masked = "https://reader:••••@stats.example.net/table.json"
    saved = client.post(f"/metrics/sources/{source.id}/edit", data=_source_form(source, masked))
    assert saved.status_code == 302
    source = _source("gammel")
    assert source.location == masked and source.secret_config == {"location": legacy}
    for response in _pages(client, source):
        assert URL_PASSWORD not in response.get_data(as_text=True)
