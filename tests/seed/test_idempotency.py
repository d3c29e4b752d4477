"""Loading the seed twice changes nothing and duplicates nothing."""

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.seed.loader import load_seed, read_seed_file


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_first_load_into_empty_database(empty_app):
    report = load_seed(read_seed_file())
    db.session.commit()
    counts = _row_counts()
    assert counts["programmes"] == 2
    assert counts["budget_lines"] == 25
    assert counts["printed_totals"] == 11
    assert counts["stakeholders"] == 10
    assert report.total_created == sum(
        n
        for table, n in counts.items()
        if table
        not in {
            "audit_entries",
            "benefit_types",
            "benefit_recipients",
            "benefit_tracks",
            "benefit_projects",
            "chart_cache",
        }
    )


def test_second_load_changes_nothing(app):
    before = _row_counts()
    report = load_seed(read_seed_file())
    db.session.commit()
    assert report.total_created == 0
    assert _row_counts() == before
    assert sum(report.existing.values()) > 150


def test_user_edits_survive_a_reseed(app, ddns):
    ddns.owner_name = "Ny Programejer"
    db.session.commit()
    load_seed(read_seed_file())
    db.session.commit()
    db.session.refresh(ddns)
    assert ddns.owner_name == "Ny Programejer"


def test_seed_cli_twice(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "ddns"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    audit_rows = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    runner.invoke(args=["seed", "ddns"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audit_rows


def test_invalid_seed_file_is_refused_whole(empty_app, tmp_path):
    import pytest

    from portfolio.seed.loader import SeedError

    bad = tmp_path / "bad.yaml"
    text = read_seed_file.__globals__["DDNS_FILE"].read_text(encoding="utf-8")
    bad.write_text(text.replace('"2023": "2.9"', '"2023": "-2.9"'), encoding="utf-8")
    with pytest.raises(SeedError, match="non-negative"):
        read_seed_file(bad)
    assert _row_counts()["programmes"] == 0


def test_seed_file_has_no_ocr_damage():
    from portfolio.seed.loader import DDNS_FILE

    text = DDNS_FILE.read_text(encoding="utf-8")
    for damaged in (
        "gkonomisk",
        "@vrige",
        "naere",
        "neere",
        "sundhedsvaesen",
        "Igsning",
        "tvaers",
        "leeger",
        "p8 ",
        "overvagning",
        "lzering",
        "forlgb",
        "stgrre",
    ):
        assert damaged not in text, damaged


def test_a_seed_date_outside_1900_to_2200_is_refused_whole(empty_app, tmp_path):
    import pytest

    from portfolio.seed.loader import SeedError

    bad = tmp_path / "bad.yaml"
    text = read_seed_file.__globals__["DDNS_FILE"].read_text(encoding="utf-8")
    bad.write_text(text.replace("planned_on: 2023-01-18", "planned_on: 0001-01-18"), "utf-8")
    with pytest.raises(SeedError, match="not between 1900 and 2200"):
        read_seed_file(bad)
    assert _row_counts()["programmes"] == 0


def test_control_characters_in_the_seed_file_are_removed(empty_app, tmp_path):
    from portfolio.programmes.models import Programme

    bad = tmp_path / "odd.yaml"
    text = read_seed_file.__globals__["DDNS_FILE"].read_text(encoding="utf-8")
    bad.write_text(text.replace("short_name: DDNS", 'short_name: "DD\\x0bN\\0S\\e"'), "utf-8")
    load_seed(read_seed_file(bad))
    db.session.commit()
    names = set(db.session.scalars(sa.select(Programme.short_name)))
    assert "DD\nNS" in names
