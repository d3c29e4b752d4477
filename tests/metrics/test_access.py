"""Where a source may read: local files only inside METRICS_FILE_ROOTS, hosts only on public
addresses (or allowed ones), checked after DNS and at every redirect.

Regression tests for a secretariat member reading the server's own files (its environment,
holding SECRET_KEY, and /etc/passwd) through a `file` source, and for fetching internal
addresses (the database port, the cloud metadata service) through any HTTP source.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

from portfolio.auth import services as auth_services
from portfolio.auth.models import Role
from portfolio.config import DEFAULT_METRIC_FILE_ROOT, load_config
from portfolio.extensions import db
from portfolio.metrics.adapters import access, get_adapter
from portfolio.metrics.adapters.base import SourceAccessDenied, SourceConnectionError
from portfolio.metrics.models import Metric, MetricSource
from portfolio.metrics.services import create_metric, create_source
from tests.conftest import sign_in
from tests.metrics.conftest import SAMPLES, Elapsed, LocalServer, Route

SSB = SAMPLES / "ssb_no_05300_jsonstat2_with_status.json"
ENVIRON = Path("/proc/self/environ")
PASSWD = Path("/etc/passwd")
FILE_MAPPING = {"period_column": "p", "value_column": "v"}


def count(config: dict) -> int:
    """Read a JSON-stat source and return how many observations it gave."""
    return len(get_adapter("jsonstat").fetch(config, timeout=5).observations)


def first_line(path: Path) -> str:
    """What the old error message repeated: the file's first "line" (its header)."""
    text = path.read_bytes().decode("utf-8", "replace")
    return text.split("\n", 1)[0]


def fragments(path: Path) -> list[str]:
    """Pieces of a server file that must not appear in any message (each 8+ characters)."""
    pieces = first_line(path).replace("\x00", "\n").replace(":", "\n").split("\n")
    return [piece for piece in pieces if len(piece) >= 8][:20] or [first_line(path)[:40]]


def assert_nothing_of(path: Path, text: str) -> None:
    for piece in fragments(path):
        assert piece not in text, f"{piece!r} of {path} leaked"


@pytest.fixture
def only_root(app, tmp_path):
    """The app with one allowed folder (and the demo platform's) and no internal hosts."""
    root = tmp_path / "metric-files"
    root.mkdir()
    app.config["METRICS_FILE_ROOTS"] = [str(root)]
    app.config["METRICS_ALLOWED_HOSTS"] = []
    return root


def portfolio_secretariat(client):
    """Sign in a secretariat member covering every programme (who may manage sources)."""
    user = auth_services.create_user("portefolje@example.dk", "et langt og sikkert kodeord")
    auth_services.grant_role(user, Role.SECRETARIAT)
    db.session.commit()
    sign_in(client, user)
    return user


# --- configuration -----------------------------------------------------------------------


def test_by_default_files_come_from_instance_and_no_internal_host_is_allowed(monkeypatch):
    monkeypatch.delenv("METRICS_FILE_ROOTS")
    monkeypatch.delenv("METRICS_ALLOWED_HOSTS")
    config = load_config(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert config["METRICS_FILE_ROOTS"] == [str(DEFAULT_METRIC_FILE_ROOT)]
    assert DEFAULT_METRIC_FILE_ROOT.parent.name == "instance" or "STYRBORD_INSTANCE" in os.environ
    assert config["METRICS_ALLOWED_HOSTS"] == []


def test_roots_and_hosts_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("METRICS_FILE_ROOTS", f"{tmp_path / 'a'}{os.pathsep} {tmp_path / 'b'} ")
    monkeypatch.setenv("METRICS_ALLOWED_HOSTS", "warehouse.internal:8443, 10.20.0.0/16 [fd00::5]")
    config = load_config(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert config["METRICS_FILE_ROOTS"] == [str(tmp_path / "a"), str(tmp_path / "b")]
    policy = access.policy_from_config(config)
    assert policy.allowed_hosts == (
        access.HostRule(name="warehouse.internal", port=8443),
        access.HostRule(network=ipaddress.ip_network("10.20.0.0/16")),
        access.HostRule(network=ipaddress.ip_network("fd00::5/128")),
    )


def test_an_empty_setting_allows_no_local_file_at_all(monkeypatch):
    monkeypatch.setenv("METRICS_FILE_ROOTS", "")
    with pytest.raises(SourceAccessDenied):
        get_adapter("jsonstat").fetch({"location": str(SSB)})


@pytest.mark.parametrize(
    ("entry", "rule"),
    [
        ("Warehouse.Internal.", access.HostRule(name="warehouse.internal")),
        ("db.internal:5433", access.HostRule(name="db.internal", port=5433)),
        ("10.0.0.7:8080", access.HostRule(network=ipaddress.ip_network("10.0.0.7/32"), port=8080)),
        ("[::1]:8080", access.HostRule(network=ipaddress.ip_network("::1/128"), port=8080)),
        ("fd00::/8", access.HostRule(network=ipaddress.ip_network("fd00::/8"))),
    ],
)
def test_allow_list_entries(entry, rule):
    assert access.parse_host_rule(entry) == rule


@pytest.mark.parametrize("entry", ["host:port", "a/b", "[::1", "host:70000", ""])
def test_a_mistyped_allow_list_entry_allows_nothing(entry):
    with pytest.raises(ValueError):
        access.parse_host_rule(entry)
    assert access.policy_from_config({"METRICS_ALLOWED_HOSTS": [entry]}).allowed_hosts == ()


# --- local files -------------------------------------------------------------------------


@pytest.mark.parametrize("server_file", [ENVIRON, PASSWD], ids=["environ", "passwd"])
@pytest.mark.parametrize("adapter", ["file", "jsonstat", "sdmx_csv", "sdmx_json", "sdmx_ml"])
def test_server_files_outside_the_roots_are_refused(only_root, server_file, adapter):
    extra = FILE_MAPPING if adapter == "file" else {}
    with pytest.raises(SourceAccessDenied) as caught:
        get_adapter(adapter).fetch({"location": str(server_file), **extra}, timeout=5)
    assert "uden for de mapper, kilder må læse fra" in caught.value.message
    assert_nothing_of(server_file, caught.value.message)


def test_proc_is_refused_even_under_a_root_of_slash(app):
    # An operator who opens "/" still does not open the kernel's files.
    app.config["METRICS_FILE_ROOTS"] = ["/"]
    with pytest.raises(SourceAccessDenied):
        get_adapter("file").fetch({"location": str(ENVIRON), **FILE_MAPPING}, timeout=5)
    with pytest.raises(SourceAccessDenied):
        get_adapter("file").fetch({"location": "/dev/zero", **FILE_MAPPING}, timeout=5)


def test_a_readable_file_that_is_no_table_is_not_repeated_in_the_message(app):
    # Even where a file may be read (a root of "/"), a "header" that is no header is not
    # shown: the old message listed /etc/passwd's first line as its columns.
    app.config["METRICS_FILE_ROOTS"] = ["/"]
    with pytest.raises(Exception) as caught:
        get_adapter("file").fetch({"location": str(PASSWD), **FILE_MAPPING}, timeout=5)
    assert "ligner ikke kolonnenavne" in caught.value.message
    assert_nothing_of(PASSWD, caught.value.message)


def test_an_environment_copied_into_a_root_does_not_show_its_secret(only_root):
    copy = only_root / "environ.csv"
    copy.write_bytes(b"PATH=/usr/bin\x00SECRET_KEY=hemmelig-noegle-987\x00HOME=/root\x00")
    with pytest.raises(Exception) as caught:
        get_adapter("file").fetch({"location": str(copy), **FILE_MAPPING}, timeout=5)
    assert "hemmelig-noegle-987" not in caught.value.message
    assert "SECRET_KEY" not in caught.value.message


def test_a_symbolic_link_out_of_the_root_is_refused(only_root, tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_bytes(SSB.read_bytes())
    (only_root / "passwd.csv").symlink_to(PASSWD)
    (only_root / "data.json").symlink_to(outside)
    (only_root / "sub").symlink_to(tmp_path)  # a folder link: sub/outside.json escapes
    for name in ("passwd.csv", "data.json", "sub/outside.json"):
        with pytest.raises(SourceAccessDenied):
            get_adapter("jsonstat").fetch({"location": str(only_root / name)}, timeout=5)


def test_a_link_inside_the_root_and_a_relative_path_are_read(only_root):
    (only_root / "ssb.json").write_bytes(SSB.read_bytes())
    (only_root / "latest.json").symlink_to(only_root / "ssb.json")
    assert count({"location": str(only_root / "latest.json")}) == 432
    # A relative path is taken inside the first root; climbing out of it is refused.
    assert count({"location": "ssb.json"}) == 432
    with pytest.raises(SourceAccessDenied):
        get_adapter("jsonstat").fetch({"location": "../../../../../../etc/passwd"})


def test_what_is_no_regular_file_is_refused(only_root):
    os.mkfifo(only_root / "pipe.json")  # would block a reader forever
    (only_root / "folder.json").mkdir()
    for name in ("pipe.json", "folder.json"):
        with Elapsed() as elapsed, pytest.raises(SourceAccessDenied, match="almindelig fil"):
            get_adapter("jsonstat").fetch({"location": str(only_root / name)}, timeout=5)
        assert elapsed.seconds < 2


def test_a_missing_file_inside_a_root_is_reported_as_missing(only_root):
    with pytest.raises(Exception, match="findes ikke"):
        get_adapter("jsonstat").fetch({"location": str(only_root / "nope.json")})


def test_the_demo_platform_files_are_always_readable(only_root):
    from portfolio.seed.demo_metrics import DEMO_DIR

    result = get_adapter("jsonstat").fetch(
        {"location": str(DEMO_DIR / "genindlaeggelser_kvartal.json")}, timeout=5
    )
    assert result.observations


def test_a_portfolio_secretariat_cannot_read_the_servers_environment(client, only_root):
    """The reported attack: a `file` source at /proc/self/environ and "Test forbindelse"."""
    portfolio_secretariat(client)
    for key, path in (("env", ENVIRON), ("passwd", PASSWD)):
        created = client.post(
            "/metrics/sources/new?type=file",
            data={
                "key": key,
                "name": key,
                "location": str(path),
                "timeout_seconds": "10",
                "disclosure_threshold": "5",
                "opt-period_column": "p",
                "opt-value_column": "v",
            },
        )
        assert created.status_code == 302
        source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == key))
        page = client.post(
            f"/metrics/sources/{source.id}/test",
            data={"version": source.version},
            follow_redirects=True,
        )
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Forbindelsen fejlede" in text and "uden for de mapper" in text
        assert_nothing_of(path, text)


def test_the_preview_command_refuses_server_files(runner, only_root):
    for path in (ENVIRON, PASSWD):
        result = runner.invoke(
            args=[
                "sources",
                "preview",
                "--type",
                "file",
                "--location",
                str(path),
                "--option",
                "period_column=p",
                "--option",
                "value_column=v",
            ]
        )
        assert result.exit_code == 1
        assert "uden for de mapper" in result.output
        assert_nothing_of(path, result.output)


def test_the_refresh_job_refuses_server_files_and_stores_no_content(runner, only_root):
    for key, path in (("env", ENVIRON), ("passwd", PASSWD)):
        source = create_source(key, key, "file", str(path), FILE_MAPPING)
        create_metric(source, f"{key}.m", key)
    db.session.commit()
    result = runner.invoke(args=["metrics", "refresh"])
    assert result.exit_code == 1
    assert "failed: env.m" in result.output and "failed: passwd.m" in result.output
    db.session.expire_all()
    for key, path in (("env", ENVIRON), ("passwd", PASSWD)):
        metric = db.session.scalar(sa.select(Metric).where(Metric.key == f"{key}.m"))
        for stored in (metric.last_error, metric.source.last_error, result.output):
            assert "uden for de mapper" in stored
            assert_nothing_of(path, stored)


# --- hosts -------------------------------------------------------------------------------


@pytest.fixture
def no_internal_hosts(app):
    app.config["METRICS_ALLOWED_HOSTS"] = []


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "0x7f000001",  # hexadecimal
        "2130706433",  # one decimal number
        "127.1",  # the short form
        "017700000001",  # octal
        "localhost",  # a name resolving to loopback
        "[::1]",
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
    ],
)
def test_loopback_in_every_spelling_is_refused_before_connecting(
    no_internal_hosts, http_server, host
):
    # The local server stands for the database port: it must see no request at all.
    http_server.routes["/data"] = Route(body=SSB.read_bytes())
    port = http_server.httpd.server_address[1]
    with pytest.raises(SourceAccessDenied) as caught:
        get_adapter("jsonstat").fetch({"location": f"http://{host}:{port}/data"}, timeout=5)
    assert "intern eller reserveret netværksadresse" in caught.value.message
    assert http_server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/",  # the database
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # shared address space
        "http://0.0.0.0/",
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
        "http://[fe80::1]/",  # link-local
        "http://[fd12:3456::1]/",  # unique-local
        "http://[2002:7f00:1::1]/",  # 6to4 wrapping 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 wrapping 169.254.169.254
    ],
)
def test_internal_addresses_are_refused(no_internal_hosts, url):
    with Elapsed() as elapsed, pytest.raises(SourceAccessDenied):
        get_adapter("jsonstat").fetch({"location": url}, timeout=5)
    assert elapsed.seconds < 2  # refused before any connection attempt


def test_statbank_and_sdmx_and_file_urls_are_checked_too(no_internal_hosts):
    with pytest.raises(SourceAccessDenied):
        get_adapter("statbank").fetch({"table": "X", "base_url": "http://127.0.0.1:5432"})
    with pytest.raises(SourceAccessDenied):
        get_adapter("sdmx_csv").fetch({"location": "http://169.254.169.254/x.csv"})
    with pytest.raises(SourceAccessDenied):
        get_adapter("file").fetch({"location": "http://[::1]/x.csv", **FILE_MAPPING})


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("64:ff9b::5db8:d822", True),  # NAT64 of a public address stays reachable
        ("::ffff:10.0.0.1", False),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo of 127.0.0.1
        ("169.254.169.254", False),
        ("100.100.100.200", False),
    ],
)
def test_public_addresses(address, public):
    assert access.is_public_address(ipaddress.ip_address(address)) is public


def test_metadata_is_refused_even_when_its_network_is_allowed(app):
    app.config["METRICS_ALLOWED_HOSTS"] = ["169.254.0.0/16", "fd00::/8"]
    for url in ("http://169.254.169.254/latest/", "http://[fd00:ec2::254]/latest/"):
        with pytest.raises(SourceAccessDenied):
            get_adapter("jsonstat").fetch({"location": url}, timeout=2)


def test_an_allowed_host_and_port_is_reached(app, http_server):
    http_server.routes["/data"] = Route(body=SSB.read_bytes())
    port = http_server.httpd.server_address[1]
    app.config["METRICS_ALLOWED_HOSTS"] = [f"127.0.0.1:{port}"]
    assert count({"location": f"{http_server.url}/data"}) == 432
    app.config["METRICS_ALLOWED_HOSTS"] = [f"127.0.0.1:{port + 1}"]  # another port only
    with pytest.raises(SourceAccessDenied):
        get_adapter("jsonstat").fetch({"location": f"{http_server.url}/data"})


@pytest.fixture
def fake_dns(monkeypatch):
    """Resolve made-up names to chosen addresses; record every lookup of them."""
    real = socket.getaddrinfo
    names: dict[str, list[str]] = {}
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            lookups.append(host)
            answer = names[host][min(len(lookups), len(names[host])) - 1]
            return real(answer, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names, lookups


def test_a_name_resolving_to_an_internal_address_is_refused(no_internal_hosts, fake_dns):
    names, _lookups = fake_dns
    names["stats.example.test"] = ["10.9.8.7"]
    with pytest.raises(SourceAccessDenied) as caught:
        get_adapter("jsonstat").fetch({"location": "http://stats.example.test/x.json"})
    # The message names the host the user typed, never the address it resolved to.
    assert "stats.example.test" in caught.value.message
    assert "10.9.8.7" not in caught.value.message


def test_an_allowed_name_reaches_its_internal_server(app, http_server, fake_dns):
    names, _lookups = fake_dns
    names["warehouse.internal"] = ["127.0.0.1"]
    app.config["METRICS_ALLOWED_HOSTS"] = ["warehouse.internal"]
    http_server.routes["/data"] = Route(body=SSB.read_bytes())
    port = http_server.httpd.server_address[1]
    result = get_adapter("jsonstat").fetch({"location": f"http://warehouse.internal:{port}/data"})
    assert len(result.observations) == 432
    # Connected to the checked address, with the name kept for the server (virtual hosts).
    assert http_server.headers[-1]["Host"] == f"warehouse.internal:{port}"
    with pytest.raises(SourceAccessDenied):  # the same address under another name is not
        get_adapter("jsonstat").fetch({"location": f"http://127.0.0.1:{port}/data"})


def test_the_connection_goes_to_the_address_checked_not_a_second_answer(app, http_server, fake_dns):
    # DNS rebinding: the name first resolves to the allowed address, then to an internal
    # one. The check and the connection use the one answer, so the second never counts.
    names, lookups = fake_dns
    port = http_server.httpd.server_address[1]
    names["rebind.example.test"] = ["127.0.0.1", "10.0.0.1"]
    app.config["METRICS_ALLOWED_HOSTS"] = [f"127.0.0.1:{port}"]
    http_server.routes["/data"] = Route(body=SSB.read_bytes())
    result = get_adapter("jsonstat").fetch(
        {"location": f"http://rebind.example.test:{port}/data"}, timeout=5
    )
    assert len(result.observations) == 432
    assert lookups == ["rebind.example.test"]


# --- redirects ---------------------------------------------------------------------------


@pytest.fixture
def second_server():
    server = LocalServer()
    server.start()
    yield server
    server.stop()


def test_a_redirect_to_another_loopback_port_is_refused(app, http_server, second_server):
    # Only the first server is allowed; it sends the client on to another local port (the
    # database, an admin interface). The hop is checked like the first request.
    second_server.routes["/data"] = Route(body=SSB.read_bytes())
    http_server.routes["/data"] = Route(
        status=302, headers={"Location": f"{second_server.url}/data"}
    )
    app.config["METRICS_ALLOWED_HOSTS"] = [f"127.0.0.1:{http_server.httpd.server_address[1]}"]
    with pytest.raises(SourceAccessDenied) as caught:
        get_adapter("jsonstat").fetch({"location": f"{http_server.url}/data"}, timeout=5)
    assert caught.value.message == (
        "Kilden viderestillede til en intern eller reserveret netværksadresse, "
        "som kilder ikke må læse."
    )
    assert [path for _m, path, _b in http_server.requests] == ["/data"]
    assert second_server.requests == []


def test_a_redirect_to_the_metadata_service_is_refused(app, http_server):
    http_server.routes["/data"] = Route(
        status=307, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with Elapsed() as elapsed, pytest.raises(SourceAccessDenied):
        get_adapter("jsonstat").fetch({"location": f"{http_server.url}/data"}, timeout=5)
    assert elapsed.seconds < 2


def test_redirects_are_followed_a_bounded_number_of_times(http_server):
    http_server.routes["/old"] = Route(status=301, headers={"Location": "/data"})
    http_server.routes["/data"] = Route(body=SSB.read_bytes())
    assert count({"location": f"{http_server.url}/old"}) == 432
    http_server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    with pytest.raises(SourceConnectionError, match="viderestillede mere end 5 gange"):
        get_adapter("jsonstat").fetch({"location": f"{http_server.url}/loop"}, timeout=5)
    assert sum(path == "/loop" for _m, path, _b in http_server.requests) == 6


def test_a_redirect_to_another_scheme_is_refused(http_server):
    http_server.routes["/data"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(SourceAccessDenied, match="http:// eller https://"):
        get_adapter("jsonstat").fetch({"location": f"{http_server.url}/data"}, timeout=5)


def test_a_password_in_the_url_is_sent_to_its_own_server_only(http_server, second_server):
    second_server.routes["/data"] = Route(body=SSB.read_bytes())
    http_server.routes["/data"] = Route(
        status=302, headers={"Location": f"{second_server.url}/data"}
    )
    host, port = http_server.httpd.server_address[:2]
    get_adapter("jsonstat").fetch({"location": f"http://reader:pw@{host}:{port}/data"}, timeout=5)
    assert http_server.headers[0]["Authorization"].startswith("Basic ")
    assert "Authorization" not in second_server.headers[0]
