"""End to end through the web: a programme office sets a second programme up from nothing.

Signed in as DDNS's secretariat (no other right), the test client posts the forms a user
fills in: the programme, two tracks, two phases and a wave, and the first approved budget;
then the portfolio overview lists the programme and its budget page shows the figures.
"""

from __future__ import annotations

from decimal import Decimal

from portfolio.auth.models import Role
from portfolio.budgets import services as budget_services
from portfolio.programmes.models import TimelineKind
from portfolio.programmes.services import get_programme

NEW = {
    "name": "Sammenhængende data på ældreområdet",
    "short_name": "Data på ældreområdet",
    "slug": "aeldredata",
    "owner_name": "Mette Jensen",
    "owner_title": "Kontorchef",
    "owner_organisation": "Sundhedsdatastyrelsen",
    "primary_purpose": "Bedre data om ældre borgere",
    "programme_model": "Den fællesstatslige programmodel",
    "programme_model_version": "2.0",
    "status": "planned",
    "start_month": "2027-01",
    "end_month": "2028-12",
    "vision": "Data følger borgeren.",
    "purpose": "",
    "conditions": "",
    "as_is": "",
    "to_be": "",
    "implementation": "",
    "template": "",
}


def _post(client, url, data, expect=302):
    response = client.post(url, data=data)
    assert response.status_code == expect, response.get_data(as_text=True)[:3000]
    return response


def test_a_secretariat_sets_up_a_second_programme_through_the_web(client, login_as):
    user = login_as("secretariat")
    overview = client.get("/").get_data(as_text=True)
    assert "/programmes/new" in overview  # "Opret program" is offered

    _post(client, "/programmes/new", NEW)
    programme = get_programme("aeldredata")
    assert programme.owner_name == "Mette Jensen"
    assert str(programme.start_month) == "2027-01"
    # The creator may go on: a secretariat membership of the new programme, audited.
    assert any(
        m.role is Role.SECRETARIAT and m.programme_id == programme.id for m in user.memberships
    )
    setup_page = client.get("/programmes/aeldredata/setup")
    assert setup_page.status_code == 200
    assert "Programmet har endnu ingen spor." in setup_page.get_data(as_text=True)

    for name, deliverables in (
        ("Data fra hjemmeplejen", "Fælles datamodel\nDatadeling med regionerne"),
        ("Brug af data", "Ledelsesinformation"),
    ):
        _post(
            client,
            "/programmes/aeldredata/setup/tracks/new",
            {"name": name, "description": f"Om {name.lower()}", "deliverables_text": deliverables},
        )
    track_page = client.get("/programmes/aeldredata/tracks/2").get_data(as_text=True)
    assert "Brug af data" in track_page and "Ledelsesinformation" in track_page

    for name, kind, start, end in (
        ("Afklaring", "phase", "2027-01", "2027-06"),
        ("Gennemførelse", "phase", "2027-07", "2028-12"),
        ("Bølge 1", "wave", "2027-07", "2028-06"),
    ):
        _post(
            client,
            "/programmes/aeldredata/setup/timeline/new",
            {"name": name, "kind": kind, "start_month": start, "end_month": end},
        )
    programme = get_programme("aeldredata")
    assert [(t.name, t.kind) for t in programme.timeline] == [
        ("Afklaring", TimelineKind.PHASE),
        ("Gennemførelse", TimelineKind.PHASE),
        ("Bølge 1", TimelineKind.WAVE),
    ]

    budget = client.get("/programmes/aeldredata/budget").get_data(as_text=True)
    assert "Ingen godkendt basislinje endnu" in budget
    assert "/programmes/aeldredata/budget/first" in budget
    form = client.get("/programmes/aeldredata/budget/first").get_data(as_text=True)
    t1, t2 = (get_programme("aeldredata").tracks[i].id for i in (0, 1))
    assert f'name="cell-{t1}-2027"' in form and f'name="cell-{t2}-varigt"' in form
    _post(
        client,
        "/programmes/aeldredata/budget/first",
        {
            f"cell-{t1}-2027": "2,5",
            f"cell-{t1}-2028": "3.125",
            f"cell-{t1}-varigt": "0,4",
            f"cell-{t2}-2027": "1",
            f"cell-{t2}-2028": "1,5",
            "approved_on": "2026-11-30",
            "approved_by": "Programstyregruppen",
            "document": "Programgrundlag v1.0",
            "decision": "Programgrundlaget er godkendt.",
            "confirmed": "y",
        },
    )
    table = budget_services.baseline_table(programme.id)
    assert [r.row.label for r in table.rows] == [
        "Spor 1: Data fra hjemmeplejen",
        "Spor 2: Brug af data",
    ]
    assert table.rows[0].amounts == {
        "2027": Decimal("2.5"),
        "2028": Decimal("3.125"),
        "varigt": Decimal("0.4"),
    }
    assert table.column_total("total") == Decimal("8.125")

    listed = client.get("/").get_data(as_text=True)
    assert "Data på ældreområdet" in listed or "Sammenhængende data på ældreområdet" in listed
    budget = client.get("/programmes/aeldredata/budget")
    assert budget.status_code == 200
    html = budget.get_data(as_text=True)
    assert "Spor 1: Data fra hjemmeplejen" in html and "3,125" in html and "8,125" in html
    status = client.get("/programmes/aeldredata/status")
    assert status.status_code == 200
    status_html = status.get_data(as_text=True)
    assert "Godkendt budget (version 1)" in status_html and "8,125" in status_html
    assert "Programmet har intet godkendt budget." not in status_html
    workbook = client.get("/programmes/aeldredata/budget.xlsx")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
    # The portfolio workbook for the finance office has the new programme's figures too.
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(client.get("/portfolio/budgets.xlsx").data))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    assert "Data på ældreområdet" in cells or "Sammenhængende data på ældreområdet" in cells
