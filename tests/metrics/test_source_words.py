"""The source list names each type in words and shows where a source reads without its
connection string: no user, path or query, only the kind of place and its host or file."""

from tests.metrics.test_source_admin import _create_jsonstat, _create_sql, _register, _source


def test_list_shows_types_in_words_and_no_connection_strings(client, login_as, tmp_path):
    login_as("admin")
    url = _register(tmp_path)
    assert _create_sql(client, url).status_code == 302
    assert _create_jsonstat(client).status_code == 302
    listing = client.get("/metrics/sources/").get_data(as_text=True)
    assert "SQL-forespørgsel (dataplatform)" in listing
    assert "JSON-stat (URL eller fil)" in listing
    assert "Fil ssb_no_05300_jsonstat2_with_status.json" in listing
    assert "sqlite://" not in listing and str(tmp_path) not in listing
    assert "<td>sql</td>" not in listing and "<td>jsonstat</td>" not in listing


def test_database_on_a_server_shows_kind_and_host_only(app):
    from portfolio.metrics.models import MetricSource

    source = MetricSource(location="postgresql+psycopg://reader:••••@db.example.dk:5432/dwh?x=1")
    assert source.location_summary == "Database (postgresql) på db.example.dk"
    web = MetricSource(location="https://api.statbank.dk/v1/data?lang=da")
    assert web.location_summary == "api.statbank.dk"
    demo = MetricSource(location="sqlite:////srv/styrbord/instance/demo-register.sqlite")
    assert demo.location_summary == "SQLite-fil demo-register.sqlite"


def test_source_page_says_diskretionsgraense_and_the_type_in_words(client, login_as):
    login_as("admin")
    _create_jsonstat(client)
    page = client.get(f"/metrics/sources/{_source().id}").get_data(as_text=True)
    assert "Diskretionsgrænse" in page and "Diskretionering" not in page
    assert "JSON-stat (URL eller fil)" in page
