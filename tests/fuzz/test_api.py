"""Schemathesis against the API's own OpenAPI document (issue 3): no 500, and every answer
matches the document (status codes, content types, headers and body schemas).

Requests go through WSGI, authenticated with an API token. Within one operation's run the
database is shared by the examples: the only write (PATCH a risk) is refused unless its
version is current, and an accepted one changes only that risk's own fields, which no
other example depends on. Raise the number of examples per operation with FUZZ_EXAMPLES.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio import create_app
from portfolio.auth import services as auth_services
from portfolio.core.errors import NotFound
from portfolio.extensions import db
from tests.conftest import _config, make_app
from tests.fuzz.counts import COUNTS

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
# Path values that exist, so that the operations are exercised beyond their 404.
EXISTING = {"slug": "ddns", "code": "R1"}


def _valid_version(body) -> bool:
    if not isinstance(body, dict) or isinstance(body.get("version"), bool):
        return False
    version = body.get("version")
    return isinstance(version, int | float) and version == int(version) and 1 <= version < 2**31


def _current_version(app, path_parameters) -> int:
    from portfolio.programmes.services import get_programme
    from portfolio.risks.services import get_risk

    with app.app_context():
        try:
            risk = get_risk(get_programme(path_parameters["slug"]), path_parameters["code"])
        except NotFound:  # a generated slug or code that does not exist
            return 1
        finally:
            db.session.remove()
        return risk.version


def test_every_api_operation_is_fuzzed():
    assert len(OPERATIONS) >= 7
    assert ("PATCH", "/programmes/{slug}/risks/{code}") in OPERATIONS


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_answers_as_documented(api_app, method, path, mode):
    token = api_app.config["FUZZ_TOKEN"]
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", FreshContext(api_app))
    operation = document[path][method]
    existing = {k: v for k, v in EXISTING.items() if "{" + k + "}" in path}
    cases = operation.as_strategy(mode)
    if existing:
        cases = st.one_of(cases, operation.as_strategy(mode, path_parameters=existing))

    @FUZZ_SETTINGS
    @given(case=cases, current=st.booleans())
    def run(case, current):
        if current and _valid_version(case.body):
            # Half the writes carry the risk's current version, so they get past the
            # optimistic lock to the field checks and the save. Only a version that was
            # valid already is replaced: in a negative case it may be the invalid part.
            case.body["version"] = _current_version(api_app, case.path_parameters)
        COUNTS.api_cases += 1
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

    run()


# Issue 11: text the document cannot describe (lone surrogates) and text every chart must
# be able to draw (control characters), in every writable text field of the one write.
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


def test_api_text_is_refused_or_stored_clean(api_app):
    from portfolio.core.text import clean_text, refusal

    token = api_app.config["FUZZ_TOKEN"]
    client = api_app.test_client()
    texts = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=20),
        st.text(st.characters(codec=None, categories=["Cc", "Cf", "Cs", "Zs"]), max_size=6),
    )

    @FUZZ_SETTINGS
    @given(field=st.sampled_from(["title", "owner", "description"]), text=texts)
    def run(field, text):
        version = _current_version(api_app, EXISTING)
        with api_app.app_context():
            response = client.patch(
                "/api/v1/programmes/ddns/risks/R1",
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

    run()
