"""Property-based fuzzing of every browser form (issue 3): no submission gives a server error.

Every rule that accepts POST outside the JSON API is fuzzed, signed in as an administrator
so that no submission is turned away by permissions. The fields come from the forms the
pages show; Hypothesis fills them with adversarial text, numbers, dates and choices, leaves
some out and sends others twice. For every submission:

- the answer is never a 5xx (in tests an unexpected exception reaches the test itself);
- a refused submission (anything but a redirect or a 201) has changed nothing in the database;
- an accepted one redirects to a page on this site, or, where the answer holds something
  shown only this once (a new API token's secret), is 201 Created.

The GET search forms (audit log, risk filter, budget comparison, report comparison) are
fuzzed the same way. Raise the number of examples per route with FUZZ_EXAMPLES.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
from dataclasses import dataclass
from urllib.parse import urlencode

import lxml.etree
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from portfolio import create_app
from portfolio.extensions import db
from tests.conftest import PASSWORD, _config, sign_in
from tests.fuzz.counts import COUNTS
from tests.fuzz.harness import (
    FormField,
    FormSpec,
    Restorer,
    discover_forms,
    fingerprint,
    form_rules,
    is_local_redirect,
)
from tests.routes import sample_values, url_for_rule

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis folder in the checkout; failures print their example
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the database is restored by hand, see Restorer
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

_ROUTE_APP = create_app(_config("sqlite://"))
FORM_ENDPOINTS = [rule.endpoint for rule in form_rules(_ROUTE_APP)]
# GET forms that search or compare: fuzzed too, they take typed-in text and dates.
SEARCH_ENDPOINTS = ["admin.audit", "budgets.index", "reports.compare", "risks.index"]
# Forms the seeded pages do not show yet, and the form whose fields they share: the lift
# button appears only while an override is in force.
SHOWN_LATER = {
    "status.lift": ("status.override", ["dimension"]),
    # The administrator's own token list is empty; a user's page shows the same button.
    "auth.revoke_token": ("admin.revoke_token", []),
    # The administrator has no calendar feed of their own to revoke; the button has no fields.
    "calendars.revoke_feed": ("admin.revoke_token", []),
    # Shown only through a mailed one-time link; it has the change-password form's fields.
    "mail.set_password": ("auth.account", ["new_password", "confirm"]),
    # Shown only on another user's page (the sample user's page shows it: see routes.py),
    # and the confirmation only after a previewed programme file.
    "admin.confirm_programme_file": ("admin.programme_file", []),
    # DDNS's approved budget has rows per track, so its tracks show no move buttons; the
    # phases' move buttons send the same fields. No DDNS track is retired to reinstate.
    "setup.move_track": ("setup.move_timeline_item", ["version", "step"]),
    "setup.reinstate_track": ("setup.delete_track", ["version"]),
    # DDNS has its first budget already (the form is for a programme without one): the
    # new-version form's facts are sent, and must change nothing (tests/programmes/test_setup
    # covers the form on a programme without a budget).
    "setup.first_budget": (
        "budgets.rebaseline",
        ["approved_on", "approved_by", "document", "decision", "confirmed"],
    ),
    # A retired benefit's page alone shows the button that takes it up again (its version).
    "benefits.reinstate": ("benefits.retire", ["version"]),
    # The decision form shows only on a submitted request; the sample ÆA1 is a draft, so
    # that its forms of changes show (the decision's fields are tested in tests/changes).
    "changes.decide": ("changes.submit", ["version"]),
    # A retired project's page alone shows the button that puts it back in the plan.
    "programmes.restore_project": ("programmes.retire_project", ["version"]),
}
# Routes that answer an accepted submission with a page (201) instead of a redirect, since
# what it shows must not travel in a cookie or an address.
SHOWN_ONCE = {"auth.new_token", "admin.reset_password", "calendars.new_feed"}
# Search forms a page shows only with enough data (two budget versions, two reports).
SEARCH_FIELDS = {"budgets.index": ["from", "to"], "reports.compare": ["a", "b"]}

# Text that has broken web forms before: NUL and control characters, very long text,
# Danish and other number formats, odd dates, markup, formulas, and unsafe redirect targets.
ADVERSARIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\x07\x1b[31m\x7f",
    "x" * 5000,
    "æøå " * 300,
    "1,5",
    "1.000,50",
    "-1",
    "-0",
    "0",
    "1e309",
    "9" * 40,
    "-" + "9" * 30,
    "NaN",
    "Infinity",
    "2026-02-30",
    "30-11-2026",
    "30.11.2026",
    "11/30/2026",
    "2026-13",
    "2026-1",
    "0000-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    '=HYPERLINK("http://x")',
    "😀🇩🇰",
    "\u202eabc",
    "\ufeff",
    "None",
    "null",
    "y",
    "on",
    "/\\evil.example",
    "//evil.example",
    "/\t/evil.example",
    "https://evil.example/",
    "admin@example.dk",
    PASSWORD,
    # Issue 11: Word's manual line break and other control characters (which made the
    # timeline invalid XML), titles of zero-width spaces, dates just outside 1900–2200,
    # and lone surrogates (sent as the bytes a broken client sends, see _encoded).
    "\x0b",
    "Word\x0blinjeskift",
    "\x01\x1f\x0c\x85",
    "\ufffe\uffff",
    "\u200b\u200b",
    "\u2060\ufeff\u200f",
    "1899-12-31",
    "2201-01-01",
    "x\ud800y",
    "\udfff",
]
VERSIONS = ["0", "-1", "2", "999999999", "9" * 30, "1.5", "abc", "", " 1 ", "\x00"]
EXTRA_NAMES = ["version", "page", "next", "id", "programme_id", "lang", "kind"]


def _dates():
    formats = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m", "%m/%d/%Y", "%Y%m%d"]
    return st.builds(
        lambda day, fmt: day.strftime(fmt),
        st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
        st.sampled_from(formats),
    )


def _numbers():
    return st.one_of(
        st.integers(-(10**20), 10**20).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
            lambda d: str(d).replace(".", ",")
        ),
    )


# The values that found bugs before, drawn more often than the long list above.
BOUNDARY = [
    "\x00",
    "9999-12-31",
    "0001-01-01",
    "9" * 20,
    "-1",
    "x" * 5000,
    "",
    "a\x0bb",
    "\u200b",
    "x\ud800y",
]
# File names that broke the upload before: NUL gave a 500 on PostgreSQL.
FILE_NAMES = ["budget.xlsx", "b.csv", "", "../../x.xlsx", "x\x00.xlsx", "a\x0bb.xlsx", "\x00"]


def _values(field):
    pool = [
        st.sampled_from(BOUNDARY),
        st.sampled_from(ADVERSARIAL),
        st.text(max_size=30),
        _numbers(),
        _dates(),
    ]
    if field is not None and field.options:
        pool.append(st.sampled_from(field.options))
    if field is not None and field.name.endswith("version"):
        pool.append(st.sampled_from(VERSIONS))
    return st.one_of(pool)


@st.composite
def submissions(draw, spec):
    """A form submission: each field kept as shown, fuzzed, left out or sent twice."""
    data = MultiDict()
    for field in spec.fields.values():
        how = draw(st.sampled_from(["shown", "shown", "fuzzed", "fuzzed", "missing", "twice"]))
        if how == "missing":
            continue
        if field.kind == "file":
            content = draw(st.one_of(st.binary(max_size=300), st.just(b"PK\x03\x04" * 10)))
            name = draw(st.sampled_from(FILE_NAMES))
            data.add(field.name, (io.BytesIO(content), name))
            continue
        value = field.default if how == "shown" else draw(_values(field))
        data.add(field.name, value)
        if how == "twice":  # the same value again (a replayed request) or another one
            data.add(field.name, draw(st.one_of(st.just(value), _values(field))))
        if field.kind == "checkbox" and len(field.options) > 1 and how == "fuzzed":
            for option in draw(st.lists(st.sampled_from(field.options), max_size=4)):
                data.add(field.name, option)
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.one_of(st.sampled_from(EXTRA_NAMES), st.text(min_size=1, max_size=8)))
        data.add(name, draw(_values(spec.fields.get(name))))
    return data


@dataclass(frozen=True)
class SignedIn:
    """The administrator by id: the user object would not outlive a database restore."""

    user_id: str

    def get_id(self) -> str:
        return self.user_id


@pytest.fixture
def admin(users):
    return SignedIn(users.make("admin").get_id())


_DISCOVERED: dict = {}


@pytest.fixture
def form_specs(app, client, admin):
    """The forms on every page an administrator can see, by the endpoint they go to.

    Every test starts from the same seeded database, so the pages are read once per run.
    """
    values = sample_values()
    if not _DISCOVERED:
        urls = {
            rule.endpoint: url_for_rule(app, rule, values)
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
        }
        # The login page shows its form only to someone not signed in.
        _DISCOVERED.update(
            discover_forms(app, app.test_client(), {"auth.login": urls["auth.login"]})
        )
        sign_in(client, admin)
        _DISCOVERED.update(discover_forms(app, client, urls))
        _DISCOVERED.update(_discover_in_later_states(app, client, urls, values))
    return _DISCOVERED, values


def _discover_in_later_states(app, client, urls, values):
    """Read the pages whose forms appear only in a later state, then put the state back.

    A held workshop shows its minutes and actions forms and the close confirmation; a paused
    source its resume button; a new source's form follows the choice of its type.
    """
    from portfolio.metrics.models import MetricSource
    from portfolio.workshops.models import Workshop, WorkshopStatus

    workshop = db.session.get(Workshop, values["workshop_id"])
    source = db.session.get(MetricSource, values["source_id"])
    workshop.status = WorkshopStatus.HELD
    source.paused_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    try:
        later = {
            "workshops.show": urls["workshops.show"],
            "workshops.item": urls["workshops.item"],
            # Closing asks for a confirmation first, on its own page, once the workshop is held.
            "workshops.close": urls["workshops.close"],
            "sources.show": urls["sources.show"],
            "sources.new": urls["sources.new"] + "?type=jsonstat",
        }
        return discover_forms(app, client, later)
    finally:
        workshop.status = WorkshopStatus.PLANNED
        source.paused_at = None
        db.session.commit()


def _encoded(form: MultiDict) -> bytes:
    """The form as a browser sends it, a lone surrogate as the bytes a broken client sends
    (UTF-8 with the surrogate encoded anyway), which the test client would refuse to."""
    return urlencode(
        [
            (k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
            for k, v in form.items(multi=True)
            if isinstance(v, str)
        ]
    ).encode()


def _multipart(form: MultiDict) -> MultiDict:
    """The form for a multipart body; text with lone surrogates as its raw bytes' Latin-1
    reading (the test client writes every field as UTF-8)."""
    return MultiDict(
        (k, v.encode("utf-8", "surrogatepass").decode("latin-1") if _has_surrogate(v) else v)
        for k, v in form.items(multi=True)
    )


def _has_surrogate(value) -> bool:
    return isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value)


# Forms whose saved data the status page and its timeline compute with: after an accepted
# submission these must still render, and the chart be valid XML (issue 11 findings 4, 5).
DRAWN_AFTER = {"status.new_milestone", "status.edit_milestone"}


def _check_drawn_pages(client) -> None:
    for url in ("/programmes/ddns/status", "/programmes/ddns/milestones/"):
        assert client.get(url).status_code == 200, url
    chart = client.get("/programmes/ddns/status/charts/timeline.svg")
    assert chart.status_code == 200
    lxml.etree.fromstring(chart.get_data())


def _fuzz(app, client, admin, spec, tmp_path, method="POST", examples=EXAMPLES):
    """Send generated submissions and check each."""
    restorer = Restorer(app, tmp_path)
    anonymous = spec.endpoint == "auth.login"

    @settings(FUZZ_SETTINGS, max_examples=examples)
    @given(st.data())
    def run(draws):
        form = draws.draw(submissions(spec), label="form")
        # Mostly as a browser sends it; sometimes multipart, or the fields as a JSON body,
        # which a form must treat as no fields at all.
        encoding = draws.draw(st.sampled_from(["browser"] * 3 + ["multipart", "json"]))
        if anonymous:
            with client.session_transaction() as session:
                session.clear()
        else:
            sign_in(client, admin)
        before = fingerprint()
        if method == "GET":
            response = client.get(spec.url, query_string=_encoded(form).decode("ascii"))
        elif encoding == "json":
            fields = {k: v for k, v in form.lists() if not isinstance(v[0], tuple)}
            response = client.post(spec.url, json=fields)
        elif not (spec.multipart or encoding == "multipart"):
            response = client.post(
                spec.url,
                data=_encoded(form),
                content_type="application/x-www-form-urlencoded",
            )
        else:
            response = client.post(
                spec.url, data=_multipart(form), content_type="multipart/form-data"
            )
        COUNTS.form_submissions += 1
        status = response.status_code
        assert status < 500, (spec.url, status)
        if 300 <= status < 400:
            location = response.headers["Location"]
            assert is_local_redirect(location), (spec.url, location)
            if spec.endpoint in DRAWN_AFTER:
                _check_drawn_pages(client)
            restorer.restore()
        elif status == 201:
            assert spec.endpoint in SHOWN_ONCE, (spec.url, "201 from a form route")
            restorer.restore()
        else:
            assert fingerprint() == before, (spec.url, status, "a refused submission wrote")

    run()
    COUNTS.form_routes.add(spec.endpoint)


def test_every_form_route_is_fuzzed():
    """The parametrised list below is the app's own: a new form route is fuzzed by itself."""
    assert len(FORM_ENDPOINTS) >= 30
    assert "auth.login" in FORM_ENDPOINTS and "admin.new_user" in FORM_ENDPOINTS
    assert not any(e.startswith("api.") for e in FORM_ENDPOINTS)


def test_every_form_route_has_its_form_on_a_page(form_specs):
    """The fuzzer learns each form's fields from a page; a route whose form no page shows
    would be fuzzed blind."""
    specs, _ = form_specs
    unseen = [e for e in FORM_ENDPOINTS if e not in specs or specs[e].method != "POST"]
    assert sorted(unseen) == sorted(SHOWN_LATER)


@pytest.mark.parametrize("endpoint", FORM_ENDPOINTS)
def test_form_submissions_never_fail(app, client, admin, form_specs, endpoint, tmp_path):
    specs, values = form_specs
    rule = next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods
    )
    url = url_for_rule(app, rule, values)
    spec = copy.deepcopy(specs.get(endpoint))
    if endpoint in SHOWN_LATER:
        other, names = SHOWN_LATER[endpoint]
        spec = FormSpec(endpoint=endpoint, method="POST", url=url)
        spec.fields = {name: copy.deepcopy(specs[other].fields[name]) for name in names}
    spec.url = url
    if endpoint == "auth.login":
        # Kept as shown, the credentials are right: the login succeeds and its redirect to
        # the fuzzed `next` target is checked.
        spec.fields["email"].default = "admin@example.dk"
        spec.fields["password"].default = PASSWORD
    _fuzz(app, client, admin, spec, tmp_path)


@pytest.mark.parametrize("endpoint", SEARCH_ENDPOINTS)
def test_search_forms_never_fail(app, client, admin, form_specs, endpoint, tmp_path):
    specs, values = form_specs
    spec = copy.deepcopy(specs.get(endpoint))
    if spec is None:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        spec = FormSpec(endpoint=endpoint, method="GET", url=url_for_rule(app, rule, values))
        spec.fields = {name: FormField(name, "text") for name in SEARCH_FIELDS[endpoint]}
    assert spec.method == "GET" and spec.fields, endpoint
    # A search renders one page and writes nothing: cheap, so four times the examples.
    _fuzz(app, client, admin, spec, tmp_path, method="GET", examples=4 * EXAMPLES)
