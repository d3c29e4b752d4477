"""`flask export programme` and `flask import programme`: a programme as a reviewable file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa
import yaml

from portfolio import models as m
from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.seed.loader import DDNS_FILE, read_seed_file
from portfolio.seed.programme_file import programme_file_schema_text, read_programme_file
from tests.seed.programme_files import SLUGS, empty_the_database

DOCS = Path(__file__).parents[2] / "docs"


def _export(runner, slug: str, path: Path) -> str:
    result = runner.invoke(args=["export", "programme", slug, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


def _import(runner, path: Path):
    return runner.invoke(args=["import", "programme", str(path)])


def _audit_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def test_export_import_into_an_empty_database_export_gives_the_same_file(app, runner, tmp_path):
    first = {slug: _export(runner, slug, tmp_path / f"{slug}.yaml") for slug in SLUGS}
    empty_the_database()
    for slug in SLUGS:
        result = _import(runner, tmp_path / f"{slug}.yaml")
        assert result.exit_code == 0, result.output
        assert f"imported {slug}: created" in result.output
    for slug in SLUGS:
        again = _export(runner, slug, tmp_path / f"{slug}-again.yaml")
        assert again == first[slug]


def test_the_export_holds_the_embedded_file_s_facts_unrepaired(app, runner, tmp_path):
    """The exported DDNS programme is the embedded one, figure for figure.

    Only what Styrbord does not keep differs: the budget table's caption.
    """
    exported = read_programme_file(_export(runner, "ddns", tmp_path / "ddns.yaml"))
    embedded = read_seed_file(DDNS_FILE)
    ours = exported.programmes[0].model_dump()
    source = embedded.programmes[0].model_dump()
    source["budget"]["caption"] = ""
    assert ours == source
    # The printed totals stay as printed, including the three that do not add up.
    assert str(exported.programmes[0].budget.printed_column_totals["total"]) == "58.1"
    assert exported.portfolio == embedded.portfolio


def test_a_second_import_changes_nothing_and_says_so(app, runner, tmp_path):
    path = tmp_path / "ddns.yaml"
    _export(runner, "ddns", path)
    before = _audit_rows()
    result = _import(runner, path)
    assert result.exit_code == 0, result.output
    assert "Styrbord already holds ddns as in the file; nothing changed." in result.output
    assert _audit_rows() == before


def test_a_changed_file_updates_what_changed_audited(app, runner, tmp_path, ddns):
    path = tmp_path / "ddns.yaml"
    data = yaml.safe_load(_export(runner, "ddns", path))
    programme = data["programmes"][0]
    programme["tracks"][1]["name"] = "Data fra almen praksis"
    programme["risks"][0]["probability"] = "medium"
    programme["benefits"].append(
        {"code": "GH7", "name": "Færre dobbeltregistreringer", "types": ["economic"]}
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))

    result = _import(runner, path)

    assert result.exit_code == 0, result.output
    assert "created 1 benefits, 1 risk_assessments" in result.output
    assert "updated 1 risks, 1 tracks." in result.output
    db.session.expire_all()
    track = db.session.scalars(sa.select(m.Track).filter_by(programme_id=ddns.id, number=2)).one()
    assert track.name == "Data fra almen praksis"
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > before)).all()
    changed = {(e.entity, e.action, e.field, e.old_value, e.new_value) for e in entries}
    assert ("tracks", "update", "name", "Nationalt datagrundlag for almen praksis",
            "Data fra almen praksis") in changed  # fmt: skip
    assert ("risks", "update", "probability", "high", "medium") in changed
    assert any(e.entity == "benefits" and e.action == "create" for e in entries)
    # Nothing else in the programme was touched (a changed row's version is its bookkeeping).
    assert {e.entity for e in entries} == {
        "tracks", "risks", "risk_assessments", "benefits", "benefit_types"
    }  # fmt: skip
    # The change of the risk's level is a reassessment in its history, as an edit is.
    risk = db.session.scalars(sa.select(m.Risk).filter_by(programme_id=ddns.id, code="R1")).one()
    assert [(a.probability.value, a.assessed_by) for a in risk.assessments][-1] == (
        "medium",
        "import",
    )
    again = _import(runner, path)
    assert "nothing changed" in again.output


def test_an_approved_baseline_is_not_changed_by_a_file(app, runner, tmp_path):
    path = tmp_path / "ddns.yaml"
    data = yaml.safe_load(_export(runner, "ddns", path))
    budget = data["programmes"][0]["budget"]
    budget["rows"][0]["amounts"]["2026"] = "5.2"
    budget["rows"][0]["label"] = "Spor 1: Kommunerne"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = _audit_rows()

    result = _import(runner, path)

    assert result.exit_code != 0
    assert "programmes[0].budget.rows[0].amounts.2026: differs from approved baseline 1" in (
        result.output
    )
    assert "1 problem(s); nothing changed." in result.output
    db.session.expire_all()
    row = db.session.scalars(sa.select(m.BudgetRow).filter_by(position=1)).first()
    assert row.label == "Spor 1: Nationalt datagrundlag for kommuner"  # the label too
    assert _audit_rows() == before


BAD_FILE = """\
format: 1
portfolio: {name: Prøve}
programmes:
  - slug: Bad Slug
    name: X
    short_name: X
    status: "<script>alert(1)</script>"
    period: {start: "2023-13", end: "2024-01"}
  - slug: ok
    name: Y
    short_name: Y
    status: active
    period: {start: "2023-01", end: "2024-01"}
    tracks:
      - {number: 1, name: A}
      - {number: 1, name: B}
    projects:
      - {code: P1, name: P, track: 7}
    recipients: [Borgeren]
    benefits:
      - {code: G1, name: G, types: [economic], recipients: [Ukendt]}
"""


def test_an_invalid_file_reports_every_problem_by_path_and_line_and_changes_nothing(
    app, runner, tmp_path
):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_FILE, encoding="utf-8")
    programmes = db.session.scalar(sa.select(sa.func.count()).select_from(m.Programme))
    before = _audit_rows()

    result = _import(runner, path)

    assert result.exit_code != 0
    for expected in (
        "line 4: programmes[0].slug:",
        "line 7: programmes[0].status:",
        "line 8: programmes[0].period.start:",
        "line 16: programmes[1].tracks[1].number: repeats",
        "line 18: programmes[1].projects[0].track: names a track number",
        "line 21: programmes[1].benefits[0].recipients: names a recipient",
        "6 problem(s); nothing changed.",
    ):
        assert expected in result.output
    assert "<script>" not in result.output  # what the file held is not repeated
    assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Programme)) == programmes
    assert _audit_rows() == before


def test_a_link_to_a_project_nowhere_is_refused_before_anything_is_written(app, runner, tmp_path):
    path = tmp_path / "sdp.yaml"
    data = yaml.safe_load(_export(runner, "sundhedsdataprogrammet", path))
    data["programmes"][0]["name"] = "Omdøbt"
    data["links"][0]["from"] = {"programme": "andet", "project": "X"}
    data["links"][0]["to"]["project"] = "9.9"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = _audit_rows()
    result = _import(runner, path)
    assert result.exit_code != 0
    assert "links[0].from: names a project that is neither in the file nor in Styrbord" in (
        result.output
    )
    assert "links[0].to: names a project" in result.output
    assert (
        db.session.scalar(sa.select(m.Programme.name).filter_by(slug="sundhedsdataprogrammet"))
        == "Sundhedsdataprogrammet"
    )
    assert _audit_rows() == before


def test_a_file_that_is_not_yaml_is_refused_with_its_line(app, runner, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("format: 1\nportfolio: {name: [x\n", encoding="utf-8")
    result = _import(runner, path)
    assert result.exit_code != 0
    assert "line 3: not valid YAML" in result.output


def test_a_file_of_nested_aliases_is_refused_before_it_is_built(app, runner, tmp_path):
    """A "billion laughs": nine levels of nine aliases stand for 9**9 strings in 1 kB."""
    levels = ['a0: &a0 "lol"']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(levels) + "\n", encoding="utf-8")
    before = _audit_rows()
    result = _import(runner, path)
    assert result.exit_code != 0
    assert "line 2: not valid YAML: anchors and aliases (& and *) are not allowed" in result.output
    assert "lol" not in result.output
    assert _audit_rows() == before


def test_export_of_an_unknown_programme_fails(runner):
    result = runner.invoke(args=["export", "programme", "findes-ikke"])
    assert result.exit_code != 0


def test_the_committed_json_schema_is_current():
    committed = (DOCS / "programme-file.schema.json").read_text(encoding="utf-8")
    assert committed == programme_file_schema_text(), (
        "regenerate: flask --app app docs programme-schema --output docs/programme-file.schema.json"
    )


def _json_ready(value):
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_the_ddns_file_and_an_export_pass_the_json_schema(app, runner, tmp_path):
    import jsonschema

    schema = json.loads(programme_file_schema_text())
    validator = jsonschema.Draft202012Validator(schema)
    embedded = yaml.safe_load(DDNS_FILE.read_text(encoding="utf-8"))
    exported = yaml.safe_load(_export(runner, "ddns", tmp_path / "ddns.yaml"))
    for document in (embedded, exported):
        assert list(validator.iter_errors(_json_ready(document))) == []
    # And the schema refuses what the model refuses: an unknown key.
    exported["programmes"][0]["unknown"] = 1
    assert list(validator.iter_errors(_json_ready(exported)))
