"""The DDNS programme basis (and the KL initiative) are in the database exactly as approved."""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio import models as m
from portfolio.budgets import services as budget_services
from portfolio.core.months import Month
from portfolio.extensions import db

D = Decimal


def test_master_data(ddns):
    assert ddns.name == "Samlet indsats for data i det nære sundhedsvæsen"
    assert ddns.short_name == "DDNS"
    assert (ddns.owner_name, ddns.owner_title, ddns.owner_organisation) == (
        "Lisbeth Nielsen",
        "Direktør",
        "Sundhedsdatastyrelsen",
    )
    assert ddns.primary_purpose == "Kvalitetsudvikling"
    assert ddns.programme_model == "Den fællesstatslige programmodel"
    assert ddns.programme_model_version == "2.0"
    assert (ddns.start_month, ddns.end_month) == (Month(2023, 1), Month(2026, 12))
    assert ddns.period_precision is m.Precision.YEAR
    assert [g.text for g in ddns.vision_goals] == [
        "Planlægning og styring",
        "Forebyggelse",
        "Sammenhæng og gennemsigtighed",
        "Udvikling, læring og forskning",
    ]
    assert ddns.vision.startswith("Gennem national indsamling og udstilling af data fra almen")
    assert "sundhedsreformen Et sammenhængende, nært og stærkt sundhedsvæsen fra 2022" in (
        ddns.conditions
    )


def test_approval(ddns):
    (approval,) = ddns.approvals
    assert approval.body == "National bestyrelse for data på sundheds- og ældreområdet"
    assert approval.approved_on == dt.date(2023, 1, 18)
    assert approval.version == "1.0"
    assert ddns.revisions == []


def test_tracks_and_deliverables(ddns):
    assert [(t.number, t.name) for t in ddns.tracks] == [
        (1, "Nationalt datagrundlag for kommuner"),
        (2, "Nationalt datagrundlag for almen praksis"),
        (3, "Nationalt datagrundlag for speciallægepraksis"),
        (4, "Bedre brug af data fra det nære sundhedsvæsen"),
    ]
    assert [len(t.deliverables) for t in ddns.tracks] == [7, 8, 8, 3]
    track3 = ddns.tracks[2]
    slip = track3.deliverables[5]
    # The source's evident copy-paste slip is kept word for word and flagged.
    assert slip.text.endswith("anvendelse af data fra almen praksis.")
    assert "kopifejl" in slip.source_note
    assert sum(1 for t in ddns.tracks for d in t.deliverables if d.source_note) == 1
    assert ddns.tracks[1].deliverables[4].text == (
        "Beskrivelse af datakvalitet i samarbejde med relevante parter (MedCom, KiAP, RKKP, PLO)."
    )


def test_projects(ddns):
    assert [(p.code, p.track.number, p.name) for p in ddns.projects] == [
        ("1.1", 1, "Etablering af nationalt register med kommunale sundheds- og socialdata"),
        ("1.2", 1, "Udbygning af nationale kommunale data med forebyggelses- og genoptræningsdata"),
        ("1.3", 1, "Datakvalitetsindsats – kommunale data"),
        ("2.1", 2, "Etablering af nationalt register med data fra almen praksis"),
        ("2.2", 2, "Datakvalitetsindsats – data fra almen praksis"),
        ("3.1", 3, "Etablering af nationalt register med data fra praktiserende speciallæger"),
        ("3.2", 3, "Datakvalitetsindsats – praktiserende speciallæger"),
    ]


@pytest.mark.parametrize(
    ("name", "kind", "start", "end"),
    [
        ("Identificering af program", "phase", "2022-11", "2023-01"),
        ("Præcisering af program", "phase", "2023-02", "2023-04"),
        ("Ledelse af programbølger", "phase", "2023-02", "2026-11"),
        ("Bølge 1 – indberetning og anvendelse", "wave", "2023-02", "2026-11"),
        ("Bølge 2 – datakvalitet", "wave", "2024-04", "2026-11"),
        ("Bølge 3 – flere data", "wave", "2025-08", "2026-11"),
        ("Lukning af program", "phase", "2026-11", "2027-01"),
    ],
)
def test_phases_and_waves_to_the_month(ddns, name, kind, start, end):
    item = next(t for t in ddns.timeline if t.name == name)
    assert item.kind.value == kind
    assert (str(item.start_month), str(item.end_month)) == (start, end)


def test_timeline_order_and_count(ddns):
    assert len(ddns.timeline) == 7
    assert ddns.timeline[0].name == "Identificering af program"
    assert ddns.timeline[-1].name == "Lukning af program"


BUDGET = [
    ("2.9", "2.5", "4.3", "3.7", "13.4", "3.0"),
    ("1.5", "3.4", "3.4", "4.2", "12.4", "3.0"),
    ("0.5", "0.9", "4.7", "4.2", "10.3", "2.0"),
    ("2.7", "3.1", "4.4", "4.7", "15.0", "2.0"),
    ("0.7", "1.3", "2.5", "2.5", "7.0", "1.3"),
]


def test_budget_table_as_printed(ddns):
    table = budget_services.baseline_table(ddns.id)
    assert table.years == ["2023", "2024", "2025", "2026"]
    for row, expected in zip(table.rows, BUDGET, strict=True):
        *years, total, lasting = (D(x) for x in expected)
        assert [row.amounts[y] for y in table.years] == years
        assert row.printed_total == total
        assert row.amounts["varigt"] == lasting
    assert table.printed_columns == {
        "2023": D("8.3"),
        "2024": D("11.3"),
        "2025": D("19.3"),
        "2026": D("19.3"),
        "total": D("58.1"),
        "varigt": D("11.3"),
    }


def test_budget_rows_labelled_honestly(ddns):
    table = budget_services.baseline_table(ddns.id)
    assert [r.row.track.number for r in table.rows[:4]] == [1, 2, 3, 4]
    fifth = table.rows[4].row
    assert fifth.track is None and fifth.is_cross_cutting
    assert "ulæselig" in fifth.label and "tværgående" in fifth.label
    assert "kan ikke læses" in fifth.label_note
    assert all(r.row.label_note for r in table.rows)


def test_exactly_three_rounding_differences(ddns):
    table = budget_services.baseline_table(ddns.id)
    found = {(d.printed, d.computed) for d in table.discrepancies()}
    assert found == {
        (D("12.4"), D("12.5")),  # row 2
        (D("15.0"), D("14.9")),  # row 4
        (D("11.3"), D("11.2")),  # the 2024 column
    }


def test_baseline_version_one(ddns):
    (baseline,) = budget_services.baselines(ddns.id)
    assert baseline.number == 1
    assert baseline.approved_on == dt.date(2023, 1, 18)
    assert baseline.approved_by == "National bestyrelse for data på sundheds- og ældreområdet"


@pytest.mark.parametrize(
    ("code", "name", "types", "recipients"),
    [
        (
            "GH1",
            "Mere sammenhængende patientforløb",
            ["non_economic"],
            ["Borgeren", "Det nære sundhedsvæsen"],
        ),
        (
            "GH2",
            "Kvalitetsudvikling",
            ["non_economic"],
            ["Borgeren", "Det nære sundhedsvæsen", "Samfundet"],
        ),
        ("GH3", "Planlægning og styring", ["economic", "socio_economic"], ["Samfundet"]),
        ("GH4", "Forebyggelse", ["non_economic"], ["Borgeren"]),
        ("GH5", "Gennemsigtighed", ["non_economic"], ["Borgeren", "Det nære sundhedsvæsen"]),
        (
            "GH6",
            "Udvikling, læring og forskning",
            ["non_economic"],
            ["Borgeren", "Samfundet", "Life science-industrien"],
        ),
    ],
)
def test_benefits(ddns, code, name, types, recipients):
    from portfolio.benefits.services import get_benefit

    benefit = get_benefit(ddns, code)
    assert benefit.name == name
    assert [t.value for t in benefit.types] == types
    assert [r.name for r in benefit.recipients] == recipients
    assert benefit.owner is None  # no owner is named in version 1.0
    assert not benefit.is_disbenefit
    assert benefit.description


@pytest.mark.parametrize(
    ("code", "title", "probability", "consequence", "consequence_text"),
    [
        (
            "R1",
            "Datakvalitet",
            "high",
            "low",
            "Mindre, da scopetilpasninger formentlig kan sikre anvendelse af nogle data.",
        ),
        (
            "R2",
            "Tilgængelighed af nøgleressourcer på tværs af organisationer",
            "medium",
            "high",
            "Stor ift. tid. Forsinkelse/tilpasning af scope.",
        ),
        (
            "R3",
            "Hjemmel til indsamling af data fra almen praksis og speciallæger",
            "medium",
            "high",
            "Stor ift. tid. Forsinkelse/mindre scope.",
        ),
        ("R4", "Decentral udvikling", "medium", "high", "Stor ift. tid. Forsinkelse/mindre scope."),
    ],
)
def test_risks(ddns, code, title, probability, consequence, consequence_text):
    from portfolio.risks.services import get_risk

    risk = get_risk(ddns, code)
    assert risk.title == title
    assert (risk.probability.value, risk.consequence.value) == (probability, consequence)
    assert risk.consequence_text == consequence_text
    assert risk.assessment_note  # the reading of the source's words is stated


def test_decentral_risk_names_its_dependencies(ddns):
    from portfolio.risks.services import get_risk

    description = get_risk(ddns, "R4").description
    for dependency in ("kommunale gateway", "(AIM) i PLSP", "Sentinel"):
        assert dependency in description


def test_ten_stakeholders(ddns):
    from portfolio.organisation.services import list_stakeholders

    stakeholders = [(s.name, s.attitude.value, s.involvement) for s in list_stakeholders(ddns.id)]
    assert len(stakeholders) == 10
    assert stakeholders[2] == (
        "KL og kommuner",
        "positive",
        "Deltager i Programstyregruppe og styregruppe på det kommunale område",
    )
    assert stakeholders[8] == (
        "Patientforeninger og patienter/borger",
        "neutral",
        "Offentlig kommunikation og åbenhed",
    )
    assert [s[1] for s in stakeholders].count("neutral") == 1


def test_organisation(ddns):
    from portfolio.organisation.services import governance_bodies, governance_tree

    bodies = {b.name: b for b in governance_bodies(ddns.id)}
    psg = bodies["Programstyregruppe for Samlet indsats for data i det nære sundhedsvæsen"]
    assert psg.parent.name == "National bestyrelse for data på sundheds- og ældreområdet"
    assert bodies["Programsekretariat"].parent is psg
    for number, name in [
        (1, "Styregruppe for nationalt datagrundlag for kommuner"),
        (2, "Styregruppe for nationalt datagrundlag for almen praksis"),
        (3, "Styregruppe for nationalt datagrundlag for speciallægepraksis"),
        (4, "Arbejdsgruppe for bedre brug af data for det nære sundhedsvæsen"),
    ]:
        assert bodies[name].track.number == number
        assert bodies[name].parent is psg
    assert [depth for depth, _b in governance_tree(list(bodies.values()))][:2] == [0, 1]


def test_annexes(ddns):
    assert [a.title for a in ddns.annexes] == [
        "Projektgrundlag for nationalt datagrundlag for kommuner",
        "Projektgrundlag for nationalt datagrundlag for almen praksis",
        "Projektgrundlag for bedre brug af data for det nære sundhedsvæsen",
    ]


def test_kl_initiative_feeds_project_1_2(app):
    from portfolio.programmes.services import get_programme, get_project

    sdp = get_programme("sundhedsdataprogrammet")
    assert sdp.status.value == "closed"
    assert (str(sdp.start_month), str(sdp.end_month)) == ("2015-01", "2018-12")
    initiative = get_project(sdp, "Initiativ 4")
    assert initiative.name == "Fælles dokumentation af rehabiliteringsindsatser"
    assert initiative.status.value == "completed"
    assert initiative.owner == "KL"
    assert [i.text for i in initiative.items_of(m.ProjectItemKind.TARGET_GROUP)] == [
        "KOL",
        "Hjerte-kar-sygdom",
        "Type 2-diabetes",
    ]
    assert len(initiative.items_of(m.ProjectItemKind.EXPECTED_EFFECT)) == 3
    (link,) = initiative.links_out
    assert (link.to_project.programme.slug, link.to_project.code) == ("ddns", "1.2")
    group = db.session.scalar(
        sa.select(m.GovernanceBody).where(m.GovernanceBody.name == "Kommunal arbejdsgruppe")
    )
    assert [x.name for x in group.members] == [
        "Esbjerg Kommune",
        "Faxe Kommune",
        "Frederikssund Kommune",
        "Hjørring Kommune",
        "Københavns Kommune",
        "Køge Kommune",
        "Randers Kommune",
        "Svendborg Kommune",
        "Viborg Kommune",
        "Aalborg Kommune",
    ]
    board = db.session.scalar(
        sa.select(m.GovernanceBody).where(
            m.GovernanceBody.programme_id == sdp.id, m.GovernanceBody.kind == m.BodyKind.BOARD
        )
    )
    assert ("Sundheds- og Ældreministeriet", "Formand") in [(x.name, x.role) for x in board.members]
    assert ("Danmarks Statistik", "Observatør") in [(x.name, x.role) for x in board.members]
