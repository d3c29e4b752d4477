"""The portfolio's programme figures are kept per programme version: an edit in one
programme makes only its figures be computed again, and what is kept is what computing
them again would give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portfolio.audit.versions import programme_version, programme_versions
from portfolio.budgets import services as budget_services
from portfolio.budgets.models import BudgetKind
from portfolio.core.pagecache import worker_cache
from portfolio.extensions import db
from portfolio.programmes.caching import DRAWN_ROWS
from portfolio.programmes.models import Programme
from portfolio.risks.services import get_risk
from portfolio.seed.synthetic import generate
from portfolio.status import portfolio
from portfolio.status.models import Milestone
from portfolio.status.portfolio import compute_figures, programme_rows, row_cache
from tests.conftest import log_in

TODAY = "2026-11-21"


@pytest.fixture
def computed(monkeypatch) -> list[list[str]]:
    """The slugs of the programmes whose figures each overview drawing computed."""
    calls: list[list[str]] = []

    def spy(programmes, today):
        calls.append(sorted(p.slug for p in programmes))
        return compute_figures(programmes, today)

    monkeypatch.setattr(portfolio, "compute_figures", spy)
    return calls


def _programmes() -> list[Programme]:
    return list(db.session.scalars(sa.select(Programme).order_by(Programme.id)))


def test_an_edit_in_one_programme_computes_only_its_figures_again(
    app, client, login_as, ddns, computed
):
    app.config["TODAY"] = TODAY
    login_as("admin")
    first = client.get("/").text
    assert computed == [["ddns", "sundhedsdataprogrammet"]]
    # Drawn again for another query string, from the kept figures.
    client.get("/?sort=variance")
    assert computed == [["ddns", "sundhedsdataprogrammet"]]
    risk = get_risk(ddns, "R1")
    assert risk.title in first
    drawn = worker_cache("overview-row-html", DRAWN_ROWS)
    misses = drawn.misses
    risk.title = "En ny og meget tydelig risikotitel"
    db.session.commit()
    again = client.get("/").text
    assert computed[1:] == [["ddns"]]
    assert drawn.misses == misses + 1  # only its lines of the table are drawn again
    assert "En ny og meget tydelig risikotitel" in again  # the top risks list has the edit


def test_an_edit_to_shared_data_computes_every_programmes_figures_again(
    app, client, login_as, users, computed
):
    """A user's name (an owner's, say) is shared by every programme."""
    app.config["TODAY"] = TODAY
    login_as("admin")
    client.get("/")
    users.make("viewer").name = "Et nyt navn"
    db.session.commit()
    client.get("/")
    assert computed == [["ddns", "sundhedsdataprogrammet"]] * 2


def test_a_new_day_computes_the_figures_again(app, client, login_as, ddns, computed):
    """What is overdue is decided by the day: the next milestone becomes overdue."""
    db.session.add(
        Milestone(
            programme_id=ddns.id, title="Afslutningsrapport", planned_on=dt.date(2026, 11, 30)
        )
    )
    db.session.commit()
    app.config["TODAY"] = TODAY
    login_as("admin")
    before = _ddns_row(client.get("/").text)
    assert "Afslutningsrapport" in before and "overskredet" not in before
    app.config["TODAY"] = "2026-12-01"
    after = _ddns_row(client.get("/").text)
    assert "Afslutningsrapport" in after and "overskredet" in after
    assert len(computed) == 2


def _ddns_row(html: str) -> str:
    return html.split('href="/programmes/ddns"')[1].split("</tr>")[0]


def test_each_language_has_its_own_figures(app, client, login_as, computed):
    """The lights' reasons are written in the reader's language."""
    app.config["TODAY"] = TODAY
    login_as("admin")
    client.get("/")
    client.post("/language", data={"lang": "en", "next": "/"})
    client.get("/")
    assert len(computed) == 2
    with app.test_request_context(), force_locale("en"):
        english = programme_rows(_programmes(), dt.date(2026, 11, 21))
    with app.test_request_context(), force_locale("da"):
        danish = programme_rows(_programmes(), dt.date(2026, 11, 21))
    reasons = [
        (d.reason, e.reason)
        for de, en in zip(danish, english, strict=True)
        for d, e in zip(de.figures.lights.values(), en.figures.lights.values(), strict=True)
    ]
    assert any(d != e for d, e in reasons)
    assert len(computed) == 2  # both were kept


def test_kept_figures_are_the_figures_computed_afresh(app, users, ddns):
    """After edits in some programmes, every kept row equals one computed from scratch."""
    generate(3)
    db.session.commit()
    today = dt.date(2026, 11, 21)
    with app.test_request_context():
        programme_rows(_programmes(), today)  # keep them all
    get_risk(ddns, "R1").current_likelihood = 5
    rows = budget_services.budget_rows(ddns.id)
    budget_services.set_amounts(
        users.make("secretariat"), ddns, BudgetKind.FORECAST, {(rows[0].id, "2026"): Decimal("9.5")}
    )
    synthetic = db.session.scalar(sa.select(Programme).where(Programme.slug == "syn-002"))
    milestone = db.session.scalar(
        sa.select(Milestone).where(Milestone.programme_id == synthetic.id)
    )
    milestone.title = "En ny titel på milepælen"
    db.session.commit()
    with app.test_request_context():
        kept = programme_rows(_programmes(), today)
        fresh = compute_figures(_programmes(), today)
    assert len(kept) == 5
    for row in kept:
        assert row.figures == fresh[row.programme.id], row.programme.slug
    assert fresh[ddns.id].variance is not None and fresh[ddns.id].variance > 0


def test_each_programmes_version_is_its_programme_page_version(app, ddns):
    generate(2)
    get_risk(ddns, "R1").title = "Ændret"
    db.session.commit()
    programmes = _programmes()
    versions = programme_versions([p.id for p in programmes])
    assert set(versions) == {p.id for p in programmes}
    for p in programmes:
        assert versions[p.id] == programme_version(p.slug), p.slug
    assert versions[ddns.id] != versions[programmes[-1].id]
    assert len(row_cache()) == 0  # reading versions keeps nothing


def test_a_sign_in_computes_no_figures_again(app, client, login_as, users, computed):
    """A sign-in stamps the user's last login in the trail, which no programme shows."""
    app.config["TODAY"] = TODAY
    login_as("admin")
    client.get("/")
    viewer = users.make("viewer")
    db.session.commit()
    client.get("/")
    assert len(computed) == 2  # making the viewer is a shared change the pages may show
    log_in(app.test_client(), viewer)
    assert "Programportefølje" in client.get("/").text
    assert len(computed) == 2
