"""Many people saving at the same moment, over real HTTP against a threaded server.

Twenty browsers post at once (a barrier releases them together) to the app served by
werkzeug's threaded server on a database file (SQLite) or the test run's PostgreSQL
database. Whatever the timing, nobody gets a server error: every new risk gets a code of
its own, and of twenty edits started from the same version exactly one is saved while the
others get the conflict page with what they typed still in the form.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.organisation.models import Stakeholder
from portfolio.risks.models import Risk
from tests.conftest import PASSWORD, Users, make_app
from tests.live import LiveServer

PARALLEL = 20


@pytest.fixture
def live(tmp_path, _sqlite_template, _postgres_schema) -> Iterator[LiveServer]:
    """The seeded app on a database of its own, served on 127.0.0.1, with a secretariat user."""
    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema)
    with app.app_context():
        Users().make("secretariat")
        db.session.remove()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


def _signed_in_cookies(server: LiveServer) -> httpx.Cookies:
    with httpx.Client(base_url=server.base_url) as client:
        response = client.post(
            "/login", data={"email": "secretariat@example.dk", "password": PASSWORD}
        )
        assert response.status_code == 302, response.text
        return client.cookies


def _all_at_once(server: LiveServer, path: str, forms: list[dict]) -> list[httpx.Response]:
    """POST each form from a browser of its own, all released at the same instant."""
    cookies = _signed_in_cookies(server)
    barrier = threading.Barrier(len(forms))
    answers: list[httpx.Response | BaseException] = [None] * len(forms)  # type: ignore[list-item]

    def post(index: int) -> None:
        with httpx.Client(base_url=server.base_url, cookies=cookies, timeout=60) as client:
            barrier.wait()
            try:
                answers[index] = client.post(path, data=forms[index])
            except httpx.HTTPError as error:  # reported below, with the others
                answers[index] = error

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    failed = [a for a in answers if not isinstance(a, httpx.Response)]
    assert not failed, f"requests that got no answer: {failed}"
    return answers  # type: ignore[return-value]


def _statuses(answers: list[httpx.Response]) -> Counter:
    return Counter(a.status_code for a in answers)


def _assert_refusals_are_clear(answers: list[httpx.Response]) -> None:
    """A refused save is answered with a Danish page saying nothing was saved."""
    for answer in answers:
        if answer.status_code in (409, 503):
            assert "ikke gemt" in answer.text, answer.text[:2000]


def test_parallel_new_risks_each_get_a_code_of_their_own(app, live):
    forms = [
        {
            "title": f"Samtidig risiko {i}",
            "description": "",
            "consequence_text": "",
            "owner": "",
            "track_id": "",
            "probability": "low",
            "consequence": "medium",
        }
        for i in range(PARALLEL)
    ]
    answers = _all_at_once(live, "/programmes/ddns/risks/new", forms)

    statuses = _statuses(answers)
    assert statuses[500] == 0, statuses
    assert set(statuses) <= {302, 409, 503}, statuses
    _assert_refusals_are_clear(answers)
    db.session.expire_all()
    made = db.session.execute(
        sa.select(Risk.title, Risk.code).where(Risk.title.like("Samtidig risiko %"))
    ).all()
    codes = [code for _title, code in made]
    assert len(made) == statuses[302]  # every accepted risk was stored, no refused one was
    assert len(set(codes)) == len(codes)
    # The seed has R1-R4: the new ones follow on without gaps.
    assert sorted(codes, key=lambda c: int(c[1:])) == [f"R{n}" for n in range(5, 5 + len(codes))]
    assert statuses[302] >= PARALLEL // 2, statuses  # taking turns, not refusing most


def test_parallel_new_stakeholders_are_numbered_in_turn(app, live, ddns):
    before = db.session.scalar(
        sa.select(sa.func.max(Stakeholder.position)).where(Stakeholder.programme_id == ddns.id)
    )
    forms = [
        {"name": f"Samtidig interessent {i}", "attitude": "neutral", "involvement": ""}
        for i in range(PARALLEL)
    ]
    answers = _all_at_once(live, "/programmes/ddns/stakeholders/new", forms)

    statuses = _statuses(answers)
    assert statuses[500] == 0, statuses
    _assert_refusals_are_clear(answers)
    db.session.expire_all()
    positions = db.session.scalars(
        sa.select(Stakeholder.position).where(Stakeholder.name.like("Samtidig interessent %"))
    ).all()
    assert len(positions) == statuses[302]
    assert sorted(positions) == list(range((before or 0) + 1, (before or 0) + 1 + len(positions)))


def test_parallel_same_name_is_refused_with_a_message_not_an_error(app, live):
    """Twenty people adding the same stakeholder: one is stored, the rest are told why."""
    forms = [
        {"name": "Den samme interessent", "attitude": "neutral", "involvement": f"Forsøg {i}"}
        for i in range(PARALLEL)
    ]
    answers = _all_at_once(live, "/programmes/ddns/stakeholders/new", forms)

    statuses = _statuses(answers)
    assert statuses[500] == 0, statuses
    assert statuses[302] == 1, statuses
    for answer in answers:
        if answer.status_code != 302:
            assert answer.status_code in (409, 422), statuses
            # The form comes back with what this person typed.
            assert re.search(r"Forsøg \d+", answer.text)
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Stakeholder)
            .where(Stakeholder.name == "Den samme interessent")
        )
        == 1
    )


def _edit_form(server: LiveServer, path: str) -> dict:
    with httpx.Client(base_url=server.base_url, cookies=_signed_in_cookies(server)) as client:
        html = client.get(path).text
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[name] = body.strip()
    fields["track_id"] = ""
    fields.pop("lang", None)
    fields.pop("next", None)
    return fields


def test_parallel_edits_from_one_version_save_exactly_one(app, live):
    path = "/programmes/ddns/risks/R2/edit"
    opened = _edit_form(live, path)
    assert opened["version"] == "1"
    forms = [{**opened, "owner": f"Ejer nummer {i}"} for i in range(PARALLEL)]
    answers = _all_at_once(live, path, forms)

    statuses = _statuses(answers)
    assert statuses == Counter({302: 1, 409: PARALLEL - 1}), statuses
    for form, answer in zip(forms, answers, strict=True):
        if answer.status_code == 409:
            assert "Nogen har gemt en ændring" in answer.text
            assert f'value="{form["owner"]}"' in answer.text  # what they typed is kept
    db.session.expire_all()
    risk = db.session.scalar(sa.select(Risk).where(Risk.code == "R2"))
    saved = [f["owner"] for f, a in zip(forms, answers, strict=True) if a.status_code == 302]
    assert (risk.owner, risk.version) == (saved[0], 2)


def _csrf_token(server: LiveServer, path: str) -> str:
    with httpx.Client(base_url=server.base_url, cookies=_signed_in_cookies(server)) as client:
        html = client.get(path).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_parallel_deletes_of_one_draft_report_delete_it_once_and_refuse_the_rest(app, live):
    import datetime as dt

    from portfolio.auth.models import User
    from portfolio.programmes.models import Programme
    from portfolio.reports.models import StatusReport
    from portfolio.reports.services import create_report

    with live.app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == "secretariat@example.dk"))
        programme = db.session.scalar(sa.select(Programme).where(Programme.slug == "ddns"))
        report_id = create_report(
            actor,
            programme,
            title="Kladde",
            meeting_on=dt.date(2026, 12, 10),
            today=dt.date(2026, 12, 3),
        ).id
        db.session.commit()
        db.session.remove()
    token = _csrf_token(live, "/programmes/ddns/status")
    answers = _all_at_once(
        live,
        f"/programmes/ddns/reports/{report_id}/delete",
        [{"csrf_token": token, "confirmed": "y"}] * PARALLEL,
    )
    statuses = _statuses(answers)
    assert statuses[302] == 1 and set(statuses) <= {302, 404, 409}, statuses
    _assert_refusals_are_clear(answers)
    with live.app.app_context():
        assert db.session.get(StatusReport, report_id) is None
        db.session.remove()
