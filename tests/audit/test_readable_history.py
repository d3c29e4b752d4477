"""Histories and the audit log read as users speak: labels and values, never internals.

Rows written by an older version of the trail writer are added as they were stored (the
trail is append-only; the display must read them as they are).
"""

import csv
import datetime as dt
import html
import io
import re

import sqlalchemy as sa

from portfolio.admin.services import PAGE_SIZE
from portfolio.audit.models import AuditEntry
from portfolio.auth.models import Role
from portfolio.benefits.models import Benefit
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.risks.models import Risk
from portfolio.workshops import services as workshop_services


def _text(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(page).split())


def _entries(**where) -> list[AuditEntry]:
    db.session.expire_all()
    query = sa.select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def _old_row(obj_table: str, entity_id: str, field: str | None, old, new, **extra) -> None:
    """Append a row as an earlier writer stored it."""
    db.session.add(
        AuditEntry(
            actor="secretariat@example.dk",
            action=extra.pop("action", "update"),
            entity=obj_table,
            entity_id=entity_id,
            entity_label=extra.pop("entity_label", ""),
            field=field,
            old_value=old,
            new_value=new,
            **extra,
        )
    )
    db.session.commit()


def _risk(code: str) -> Risk:
    return db.session.scalar(sa.select(Risk).where(Risk.code == code))


# --- the pages: each internal form the issue quoted, shown as users know it -------------------


def test_assessments_show_as_dated_assessments_not_ids_or_none(client, login_as):
    login_as("secretariat")
    risk = _risk("R1")
    first = risk.assessments[0]
    members = f'["{first.id}"]'
    _old_row("risks", str(risk.id), "assessments", members, f'["{first.id}", "None"]')
    page = _text(client.get("/programmes/ddns/risks/R1"))
    day = f"{first.assessed_on.day}. "
    assert f"Vurderinger Vurdering {day}" in page
    assert "(ukendt)" in page
    assert '"None"' not in page and f'["{first.id}"]' not in page


def test_benefit_types_show_as_their_labels(client, login_as):
    login_as("secretariat")
    benefit = db.session.scalars(sa.select(Benefit).order_by(Benefit.code)).first()
    _old_row("benefits", str(benefit.id), "type_links", "[]", '["None,BenefitType.NON_ECONOMIC"]')
    page = _text(client.get(f"/programmes/ddns/benefits/{benefit.code}"))
    assert "Gevinsttyper (ingen) Ikke-økonomisk gevinst" in page
    assert "BenefitType" not in page and "None," not in page


def test_memberships_show_as_roles_not_none(client, login_as, users):
    login_as("admin")
    viewer = users.make("viewer", email="role-viewer@example.dk")
    _old_row("users", str(viewer.id), "memberships", "[]", '["None"]')
    page = _text(client.get(f"/admin/users/{viewer.id}"))
    # The role granted when the user was made, named; the old row's unknown member says so.
    assert "Roller (ingen) " + Role.VIEWER.label in page
    assert "Roller (ingen) (ukendt)" in page
    assert '["None"]' not in page


def test_workshop_status_and_freezing_time_read_in_danish(client, login_as, users):
    admin = users.make("admin", email="workshop-admin@example.dk")
    programme = db.session.scalar(sa.select(Programme).where(Programme.slug == "ddns"))
    benefit = db.session.scalars(sa.select(Benefit).order_by(Benefit.code)).first()
    workshop = workshop_services.plan_workshop(
        admin,
        programme,
        {"title": "Gevinstworkshop", "held_on": dt.date(2026, 12, 2), "benefit_ids": [benefit.id]},
    )
    workshop_services.hold_workshop(admin, workshop)
    workshop_services.close_workshop(admin, workshop)
    db.session.commit()
    (frozen,) = _entries(entity="workshops", field="frozen_at")
    login_as("secretariat")
    page = _text(client.get(f"/programmes/ddns/workshops/{workshop.id}"))
    assert "Status Afholdt Afsluttet" in page
    local = frozen.at.astimezone(dt.timezone(dt.timedelta(hours=1)))  # Copenhagen in winter
    assert f"Tallene fastfrosset – {local.day}. december 2026 kl. {local:%H:%M}" in page
    assert "held" not in page.split("Historik")[-1] and "+00:00" not in page


def test_audit_log_names_actions_and_types_in_danish(client, login_as):
    login_as("admin")
    client.patch("/api/v1/programmes/ddns/risks/R1", json={"version": 1, "owner": "Frida"})
    response = client.get("/admin/audit")
    body = response.get_data(as_text=True)
    options = re.search(r'<select[^>]*name="entity".*?</select>', body, re.S).group(0)
    assert '<option value="budget_lines">Budgetlinje</option>' in options
    assert ">budget_lines<" not in options
    rows = _text(client.get("/admin/audit?entity=risks&action=update"))
    assert "Ændret Risiko R1 Risikoejer – Frida" in rows
    assert " update " not in rows and " risks " not in rows
    created = _text(client.get("/admin/audit?entity=budget_lines&action=create"))
    assert "Oprettet Budgetlinje" in created and " create " not in created


def test_audit_log_is_filtered_by_the_names_users_know(client, login_as):
    login_as("admin")
    found = _text(client.get("/admin/audit?text=Statusrapport"))
    assert "0 ændringer" in found  # none frozen yet
    found = _text(client.get("/admin/audit?text=budgetlinje"))
    count = int(re.search(r"(\d+) ændringer", found).group(1))
    stored = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.entity == "budget_lines")
    )
    assert count == stored > 0


def test_values_show_as_users_know_them(client, login_as):
    login_as("admin")
    _old_row("budget_lines", "1", "amount", "12.5", "13.125")
    _old_row("benefits", "1", "is_disbenefit", "false", "true")
    _old_row("indicators", "1", "target_period", "2025-12", "2026-12")
    _old_row("risks", "1", "probability", "low", "high")
    _old_row("decisions", "1", "requested_for", None, "2026-12-03")
    page = _text(client.get("/admin/audit?action=update"))
    assert "Beløb 12,5 mio. kr. 13,125 mio. kr." in page
    assert "Negativ gevinst (ulempe) Nej Ja" in page
    assert "Mål, tidspunkt december 2025 december 2026" in page
    assert "Sandsynlighed Lav Stor" in page
    assert "Til møde (dato) – 3. december 2026" in page
    english = _text(client.get("/admin/audit?action=update&lang=en"))
    assert "Changed" in english and "Probability Low High" in english
    assert "DKK 12.5m" in english


def test_snapshots_are_folded_behind_vis_detaljer(client, login_as):
    login_as("admin")
    body = client.get("/admin/audit?entity=budget_lines&action=create").get_data(as_text=True)
    folded = re.findall(r"<details class=\"audit-details\"><summary>vis detaljer</summary>", body)
    total = int(re.search(r"(\d+) ændringer", body).group(1))
    assert len(folded) == min(total, PAGE_SIZE) > 10  # every row on the page, folded
    assert "<details open" not in body
    assert '{"' not in html.unescape(body)  # no raw JSON anywhere
    # Shown as labels with values: a budget line's amount in kroner, its type by name.
    assert re.search(r"<dt>Beløb</dt><dd>[\d,]+ mio\. kr\.</dd>", body)


def test_csv_keeps_the_stored_values_and_adds_the_readable_ones(client, login_as):
    login_as("admin")
    _old_row("workshops", "1", "status", "held", "closed")
    export = client.get("/admin/audit.csv?entity=workshops")
    (row,) = csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")))
    assert (row["action"], row["entity"], row["field"]) == ("update", "workshops", "status")
    assert (row["old_value"], row["new_value"]) == ("held", "closed")
    assert (row["action_text"], row["entity_text"], row["field_text"]) == (
        "Ændret",
        "Workshop",
        "Status",
    )
    assert (row["old_text"], row["new_text"]) == ("Afholdt", "Afsluttet")


def test_a_restore_row_reads_as_the_backup_it_names(client, login_as):
    login_as("admin")
    details = (
        '{"content_sha256": "ab12", "created_at": "2026-12-02T13:06:26.161871+00:00", '
        '"file": "styrbord.backup", "row_count": 7, "rows": {"budget_lines": 5, "risks": 2}, '
        '"schema_revision": "0008", "source_dialect": "sqlite"}'
    )
    _old_row("database", "", None, None, details, action="restore", entity_label="styrbord.backup")
    page = _text(client.get("/admin/audit?action=restore"))
    assert "Gendannet Database styrbord.backup" in page
    assert "Sikkerhedskopien taget 2. december 2026 kl. 14:06" in page
    assert "Rækker pr. type Budgetlinje: 5, Risiko: 2" in page
    assert "budget_lines" not in page and "+00:00" not in page


def test_frozen_numbers_are_folded_not_shown_as_a_line_of_json(client, login_as):
    login_as("admin")
    frozen = '{"indicators": [{"code": "GH1.1", "latest": "38.8"}], "name": "Bedre data"}'
    _old_row("workshop_items", "1", "snapshot", None, frozen)
    body = client.get("/admin/audit?entity=workshop_items").get_data(as_text=True)
    cell = re.search(
        r"<details class=\"audit-details\"><summary>vis detaljer</summary>"
        r"<pre>(.*?)</pre></details>",
        body,
        re.S,
    )
    assert cell is not None
    assert html.unescape(cell.group(1)).splitlines()[:2] == ["{", ' "indicators": [']
    assert "<summary>{" not in body


def test_rows_without_a_label_name_their_object(client, login_as):
    login_as("admin")
    _old_row("benefit_types", "1,economic", "position", "0", "1")
    page = _text(client.get("/admin/audit?entity=benefit_types&action=update"))
    assert "Ændret Gevinsttype Økonomisk gevinst Rækkefølge 0 1" in page
    assert "1,economic" not in page
    created = _text(client.get("/admin/audit?entity=risk_assessments&action=create"))
    assert "Oprettet Risikovurdering Vurdering " in created and " nr. " not in created
