"""A programme without an approved baseline gets a budget page that says what comes next."""


def test_budget_tab_without_baseline_is_an_empty_page_not_a_404(client, login_as):
    login_as("admin")
    response = client.get("/programmes/sundhedsdataprogrammet/budget")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ingen godkendt basislinje endnu" in html
    assert "Ny budgetversion" in html  # how those allowed go on once the first one is in
    assert 'aria-current="page"' in html and ">Budget<" in html


def test_a_reader_is_told_who_registers_the_budget(app, client, users):
    from portfolio.auth import services as auth_services
    from portfolio.auth.models import Role
    from portfolio.extensions import db
    from portfolio.programmes.services import get_programme
    from tests.conftest import sign_in

    reader = users.make("viewer", "reader@example.dk")
    auth_services.grant_role(reader, Role.VIEWER, programme=get_programme("sundhedsdataprogrammet"))
    db.session.commit()
    sign_in(client, reader)
    html = client.get("/programmes/sundhedsdataprogrammet/budget").get_data(as_text=True)
    assert "Ingen godkendt basislinje endnu" in html
    assert "Programsekretariatet registrerer budgettet" in html
    assert "Ny budgetversion" not in html


def test_a_new_budget_version_needs_the_confirmation(client, login_as, ddns):
    from portfolio.budgets import services

    login_as("secretariat")
    page = client.get("/programmes/ddns/budget/rebaseline").get_data(as_text=True)
    assert "Version 2 bliver den gældende basislinje" in page
    assert "kan aldrig ændres eller slettes" in page
    table = services.baseline_table(ddns.id)
    form = {f"cell-{r.row.id}-{p}": str(v) for r in table.rows for p, v in r.amounts.items()}
    form.update(
        approved_on="2025-03-04",
        approved_by="Programstyregruppen",
        reason="Spor 3 omprioriteret",
        decision="Godkendt",
    )
    refused = client.post("/programmes/ddns/budget/rebaseline", data=form)
    assert refused.status_code == 422
    assert "Sæt kryds for at bekræfte. Intet er ændret." in refused.get_data(as_text=True)
    assert len(services.baselines(ddns.id)) == 1
    form["confirmed"] = "y"
    assert client.post("/programmes/ddns/budget/rebaseline", data=form).status_code == 302
    assert len(services.baselines(ddns.id)) == 2
