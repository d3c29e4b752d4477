"""Schemathesis against the API's own OpenAPI document (issue 3): no 500, and every answer
matches the document (status codes, content types, headers and body schemas).

Requests go through WSGI, authenticated with an administrator's API token. Within one
operation's run the database is shared by the examples. The writes (PATCH a risk, a
milestone or a project; POST a milestone, a project or a programme file) must moreover
change nothing when they refuse (the database's fingerprint, tests/fuzz/harness.py, is
compared around each refused one) and never repeat hostile text they were sent. A
well-formed body (a positive case) may still be refused with 422 only on the fields that
name something that must exist or agree with another field (api/bodies.RULE_FIELDS).
Raise the number of examples per operation with FUZZ_EXAMPLES.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portfolio import create_app
from portfolio.auth import services as auth_services
from portfolio.core.errors import NotFound
from portfolio.extensions import db
from tests.conftest import _config, make_app
from tests.fuzz.counts import COUNTS
from tests.fuzz.harness import fingerprint

# API cases are cheap (no page to render), so each operation gets three times the examples.
EXAMPLES = 3 * int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


class FreshContext:
    """The app as a WSGI callable that gives every request an app context of its own."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with self.app.app_context():
            return self.app(environ, start_response)


@pytest.fixture
def api_app(tmp_path, _sqlite_template, _postgres_schema, users):
    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema)
    with app.app_context():
        token = auth_services.issue_token(users.make("admin"))
        db.session.commit()
        db.session.remove()
    app.config["FUZZ_TOKEN"] = token
    return app


def _operations():
    """(method, path) of every operation the document describes, read from a throwaway app."""
    app = create_app(_config("sqlite://"))
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", FreshContext(app))
    return [(op.ok().method.upper(), op.ok().path) for op in document.get_all_operations()]


OPERATIONS = _operations()
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
WRITES = {"POST", "PATCH"}


def _existing(app, path: str) -> dict:
    """Path values that exist, so that the operations are exercised beyond their 404."""
    from portfolio.status.models import Milestone

    values: dict = {"slug": "ddns"}
    if "/risks/" in path:
        values["code"] = "R1"
    elif "/projects/" in path:
        values["code"] = "1.1"
    if "{milestone_id}" in path:
        with app.app_context():
            values["milestone_id"] = db.session.scalar(
                db.select(Milestone.id).order_by(Milestone.id).limit(1)
            )
            db.session.remove()
    return {k: v for k, v in values.items() if "{" + k + "}" in path}


def _valid_version(body) -> bool:
    if not isinstance(body, dict) or isinstance(body.get("version"), bool):
        return False
    version = body.get("version")
    return isinstance(version, int | float) and version == int(version) and 1 <= version < 2**31


def _current_version(app, path: str, path_parameters) -> int:
    from portfolio.programmes.services import get_programme, get_project
    from portfolio.risks.services import get_risk
    from portfolio.status.services import get_milestone

    with app.app_context():
        try:
            programme = get_programme(path_parameters["slug"])
            if "/risks/" in path:
                obj = get_risk(programme, path_parameters["code"])
            elif "/projects/" in path:
                obj = get_project(programme, path_parameters["code"])
            else:
                obj = get_milestone(programme, int(path_parameters["milestone_id"]))
            return obj.version
        except (NotFound, ValueError, TypeError):  # a generated slug, code or id not stored
            return 1
        finally:
            db.session.remove()


def _marked_texts(value) -> list[str]:
    """The hostile texts of a request: those holding markup (nothing answers with any)."""
    if isinstance(value, str):
        return [value] if "<" in value and len(value) > 1 else []
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _marked_texts(k) + _marked_texts(v)]
    if isinstance(value, list | tuple):
        return [t for item in value for t in _marked_texts(item)]
    return []


def _allowed_refusal(path: str, response) -> bool:
    """A well-formed body refused on the fields a document cannot promise (RULE_FIELDS)."""
    from portfolio.api.bodies import RULE_FIELDS

    if response.status_code != 422:
        return False
    if path == "/programme-files":
        return True  # the file's own rules: tracks named, codes unique, links resolving
    kind = "milestone" if "/milestones" in path else "project" if "/projects" in path else None
    details = (response.json().get("error") or {}).get("details") or {}
    return kind is not None and set(details) <= RULE_FIELDS[kind]


def test_every_api_operation_is_fuzzed():
    assert len(OPERATIONS) >= 7
    assert {
        ("PATCH", "/programmes/{slug}/risks/{code}"),
        ("POST", "/programmes/{slug}/milestones"),
        ("PATCH", "/programmes/{slug}/milestones/{milestone_id}"),
        ("POST", "/programmes/{slug}/projects"),
        ("PATCH", "/programmes/{slug}/projects/{code}"),
        ("POST", "/programme-files"),
    } <= set(OPERATIONS)


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_answers_as_documented(api_app, method, path, mode):
    token = api_app.config["FUZZ_TOKEN"]
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", FreshContext(api_app))
    operation = document[path][method]
    existing = _existing(api_app, path)
    cases = operation.as_strategy(mode)
    if existing:
        cases = st.one_of(cases, operation.as_strategy(mode, path_parameters=existing))
    headers = {"Authorization": f"Bearer {token}"}
    # The risk's write keeps the document's own acceptance check: its body has no field
    # whose refusal the document cannot foresee.
    own_acceptance = method in WRITES and "/risks/" not in path

    @FUZZ_SETTINGS
    @given(case=cases, current=st.booleans())
    def run(case, current):
        if current and _valid_version(case.body) and method == "PATCH":
            # Half the writes carry the object's current version, so they get past the
            # optimistic lock to the field checks and the save. Only a version that was
            # valid already is replaced: in a negative case it may be the invalid part.
            case.body["version"] = _current_version(api_app, path, case.path_parameters)
        COUNTS.api_cases += 1
        if method not in WRITES:
            case.call_and_validate(headers=headers)
            return
        with api_app.app_context():
            before = fingerprint()
        response = case.call(headers=headers)
        excluded = [positive_data_acceptance] if own_acceptance else []
        case.validate_response(response, headers=headers, excluded_checks=excluded)
        if response.status_code >= 400:
            with api_app.app_context():
                assert fingerprint() == before, "a refused write changed the database"
            answer = response.content.decode("utf-8", "replace")
            for hostile in _marked_texts(case.body) + _marked_texts(case.query):
                assert hostile not in answer, "a refusal repeated what it was sent"
        if own_acceptance and case.meta.generation.mode.is_positive:
            assert (
                response.status_code < 400
                or response.status_code in (401, 403, 404, 409)
                or (_allowed_refusal(path, response))
            ), (response.status_code, response.content[:500])

    run()


# Issue 11: text the document cannot describe (lone surrogates) and text every chart must
# be able to draw (control characters), in every writable text field of the writes.
HOSTILE_TEXT = [
    "x\ud800y",
    "\udfff",
    "\x00",
    "a\x0bb",
    "\x01\x1f\x7f\x85",
    "\ufffe",
    "\u200b\u200b",
    "Word\x0blinjeskift og \x1b[31mfarve",
]


# Each PATCH with its writable text fields, at an object that exists.
TEXT_TARGETS = {
    "risk": ("/programmes/{slug}/risks/{code}", ["title", "owner", "description"]),
    "milestone": ("/programmes/{slug}/milestones/{milestone_id}", ["title", "description"]),
    "project": ("/programmes/{slug}/projects/{code}", ["name", "owner", "description"]),
}


@pytest.mark.parametrize("target", list(TEXT_TARGETS))
def test_api_text_is_refused_or_stored_clean(api_app, target):
    from portfolio.core.text import clean_text, refusal

    path, fields = TEXT_TARGETS[target]
    existing = _existing(api_app, path)
    url = "/api/v1" + path.format(**existing)
    token = api_app.config["FUZZ_TOKEN"]
    client = api_app.test_client()
    texts = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=20),
        st.text(st.characters(codec=None, categories=["Cc", "Cf", "Cs", "Zs"]), max_size=6),
    )

    @FUZZ_SETTINGS
    @given(field=st.sampled_from(fields), text=texts)
    def run(field, text):
        version = _current_version(api_app, path, existing)
        with api_app.app_context():
            before = fingerprint()
            response = client.patch(
                url,
                json={"version": version, field: text},
                headers={"Authorization": f"Bearer {token}"},
            )
        COUNTS.api_cases += 1
        # What the server reads: JSON joins a high and a low surrogate into one character.
        sent = json.loads(json.dumps(text))
        assert response.status_code in (200, 400, 422), response.status_code
        if response.status_code == 400:
            assert refusal(sent) is not None
        if response.status_code == 200:
            assert response.get_json()[field] == clean_text(sent).strip()
        else:
            with api_app.app_context():
                assert fingerprint() == before

    run()


def _paths(value, prefix=()):
    """Every place in a parsed programme file: (path, value) for mappings, lists and scalars."""
    yield prefix, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _replaced(data, path, new):
    if not path:
        return new
    head, *rest = path
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _replaced(data[head], rest, new)
    return copy


HOSTILE_VALUES = st.one_of(
    st.sampled_from(HOSTILE_TEXT).map(lambda t: f"<h>{t}"),
    st.text(max_size=12).map(lambda t: f"<h>{t}</h>"),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.none(),
    st.booleans(),
    st.lists(st.just("<h>list</h>"), max_size=2),
    st.dictionaries(st.just("<h>key</h>"), st.just("<h>value</h>"), max_size=1),
)


def test_programme_file_mutations_are_refused_or_previewed(api_app):
    """A programme file with one value replaced by hostile or wrong data: never a 500, a dry
    run changes nothing, a refusal changes nothing and repeats none of what was sent."""
    import yaml

    from portfolio.programmes.services import get_programme
    from portfolio.seed.programme_file import export_programme

    with api_app.app_context():
        data = yaml.safe_load(export_programme(get_programme("ddns")))
        db.session.remove()
    data["programmes"][0].update(slug="kopi", name="En kopi", short_name="Kopi")
    places = [path for path, _value in _paths(data) if path]
    token = api_app.config["FUZZ_TOKEN"]
    client = api_app.test_client()

    @FUZZ_SETTINGS
    @given(
        place=st.sampled_from(places),
        value=HOSTILE_VALUES,
        dry_run=st.booleans(),
        as_json=st.booleans(),
    )
    def run(place, value, dry_run, as_json):
        mutated = _replaced(data, place, value)
        if as_json:
            body = json.dumps(mutated, default=str).encode("utf-8", "surrogatepass")
        else:
            body = yaml.safe_dump(mutated, allow_unicode=True).encode("utf-8", "surrogatepass")
        with api_app.app_context():
            before = fingerprint()
            response = client.post(
                "/api/v1/programme-files" + ("?dry_run=true" if dry_run else ""),
                data=body,
                content_type="application/json" if as_json else "application/yaml",
                headers={"Authorization": f"Bearer {token}"},
            )
            after = fingerprint()
        COUNTS.api_cases += 1
        assert response.status_code in (200, 422), response.status_code
        answer = response.get_data(as_text=True)
        assert "<h>" not in answer
        if dry_run or response.status_code != 200:
            assert after == before
        if response.status_code == 422:
            problems = response.get_json()["error"]["details"]["problems"]
            assert problems and all(isinstance(p, str) for p in problems)

    run()
