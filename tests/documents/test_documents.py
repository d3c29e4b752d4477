"""The programme model's documents for DDNS, as users open them: Word files read back through
LibreOffice, PDFs checked for tags and paper, and the pages that hand them out."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from portfolio.benefits import services as benefit_services
from portfolio.documents import services
from portfolio.extensions import db
from portfolio.programmes import services as programme_services

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
WRITER = Path("/usr/lib/libreoffice/program/libswlo.so")
KINDS = ("gevinstrealiseringsplan", "itraad-status", "programgrundlag")
TODAY = dt.date(2026, 11, 21)  # the harness's TODAY


def _require_tools() -> None:
    if SOFFICE is None or not WRITER.exists():
        pytest.skip("LibreOffice Writer is not installed (apt-get install libreoffice-writer)")
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")


def _text_of(pdf: Path, *, layout: bool = False) -> str:
    """The PDF's text: in reading order (a table cell's words together), or `layout`ed as
    on the page (a table row's figures on one line), one space per run of white space."""
    command = [PDFTOTEXT, *(["-layout"] if layout else []), str(pdf), "-"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return re.sub(r"[ \t]+" if layout else r"\s+", " ", done.stdout)


def _convert(files: list[Path], outdir: Path) -> list[Path]:
    profile = outdir / "profile"
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    results = [outdir / f"{f.stem}.pdf" for f in files]
    assert done.returncode == 0 and all(r.exists() for r in results), done.stdout + done.stderr
    return results


@pytest.fixture
def exported(runner, tmp_path) -> dict[str, Path]:
    """Every document of DDNS written by the CLI as Word."""
    paths = {}
    for kind in KINDS:
        path = tmp_path / f"{kind}.docx"
        result = runner.invoke(args=["export", "document", "ddns", kind, "--output", str(path)])
        assert result.exit_code == 0, result.output
        paths[kind] = path
    return paths


def test_every_document_opens_in_libreoffice_with_its_headings_and_facts(exported, tmp_path):
    _require_tools()
    pdfs = _convert(list(exported.values()), tmp_path / "out")
    text = {kind: _text_of(pdf) for kind, pdf in zip(exported, pdfs, strict=True)}
    rows = {kind: _text_of(pdf, layout=True) for kind, pdf in zip(exported, pdfs, strict=True)}

    plan = text["gevinstrealiseringsplan"]
    for heading in (
        "Gevinstrealiseringsplan",
        "Gevinstoversigt",
        "Gevinstprofiler",
        "Måleplan og datakilder",
        "Opfølgning efter programmets lukning",
        "Gevinstkort",
    ):
        assert heading in plan
    for code, name in (
        ("GH1", "Mere sammenhængende patientforløb"),
        ("GH3", "Planlægning og styring"),
        ("GH6", "Udvikling, læring og forskning"),
    ):
        assert f"{code} {name}" in plan
    # The sources name no benefit owner yet: the plan says so rather than leave it blank.
    assert plan.count("Ikke udpeget") >= 6

    itraad = text["itraad-status"]
    for parameter in (
        "Forventede projektudgifter",
        "Tidsplan",
        "Økonomiske gevinster",
        "Ikke-økonomiske gevinster",
    ):
        assert parameter in itraad
    assert "Risikobillede" in itraad

    basis = text["programgrundlag"]
    assert "Lisbeth Nielsen" in basis
    assert "National bestyrelse for data på sundheds- og ældreområdet" in basis
    assert "Bølge 3 – flere data" in basis
    # The budget as printed: row 2 adds up to 12,5 and the 2024 column to 11,2, but the
    # approved document prints 12,4 and 11,3, and so do the documents.
    for document in (rows["itraad-status"], rows["programgrundlag"]):
        assert "1,5 3,4 3,4 4,2 12,4 3,0" in document
        assert "8,3 11,3 19,3 19,3 58,1 11,3" in document


def test_a_named_owner_is_in_the_plan(app, users):
    programme = programme_services.get_programme("ddns")
    benefit = benefit_services.get_benefit(programme, "GH2")
    admin = users.make("admin")
    benefit_services.update_benefit(admin, benefit, {"owner": "Anne Jensen"}, benefit.version)
    db.session.commit()
    text = services.build(programme, "gevinstrealiseringsplan", TODAY).text()
    assert "GH2 | Kvalitetsudvikling | Ikke-økonomisk gevinst | Anne Jensen" in text


def test_the_itraad_parameters_compare_with_the_baseline(app):
    programme = programme_services.get_programme("ddns")
    document = services.build(programme, "itraad-status", TODAY)
    rows = {row[0]: row for row in document.sections[0].blocks[1].rows}
    # The approved total as printed, the estimate as the budget page computes it.
    assert rows["Forventede projektudgifter"][2] == "58,1 mio. kr."
    assert rows["Forventede projektudgifter"][3] == "58,1 mio. kr."
    # The plan ends with the closing phase in January 2027; nothing says later.
    assert rows["Tidsplan"][2] == "januar 2027"
    assert rows["Tidsplan"][4] == "0 måneder"
    assert rows["Økonomiske gevinster"][2] == "1 gevinst"  # GH3
    assert rows["Ikke-økonomiske gevinster"][2] == "5 gevinster"


def test_the_pdf_is_tagged_a4_and_says_what_the_word_file_says(app, tmp_path):
    _require_tools()
    programme = programme_services.get_programme("ddns")
    document = services.build(programme, "itraad-status", TODAY)
    pdf = services.write(document, "pdf").content
    path = tmp_path / "itraad.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        [shutil.which("pdfinfo") or "pdfinfo", "-f", "1", "-l", "99", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    # A4 (595 × 842 points) on every page, and the status fits on a few.
    assert sizes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in sizes)
    assert 1 <= len(sizes) <= 3
    assert "Statusrapport til Statens It-råd" in _text_of(path)
    assert "8,3 11,3 19,3 19,3 58,1 11,3" in _text_of(path, layout=True)


def test_english_readers_get_english_documents(runner, tmp_path):
    path = tmp_path / "plan.docx"
    result = runner.invoke(
        args=["export", "document", "ddns", "gevinstrealiseringsplan", "--lang", "en",
              "--output", str(path)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from docx import Document

    headings = [p.text for p in Document(str(path)).paragraphs if p.style.name.startswith("Head")]
    assert "Benefits overview" in " ".join(headings)


def test_an_unknown_kind_is_refused_by_the_cli(runner):
    result = runner.invoke(args=["export", "document", "ddns", "business-case"])
    assert result.exit_code != 0
    assert "business-case" in result.output and "gevinstrealiseringsplan" in result.output


def test_the_documents_page_hands_out_word_and_pdf(client, login_as):
    login_as("viewer")
    page = client.get("/programmes/ddns/documents")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Gevinstrealiseringsplan" in html and "Statusrapport til Statens It-råd" in html
    word = client.get("/programmes/ddns/documents/gevinstrealiseringsplan.docx")
    assert word.status_code == 200
    assert word.mimetype == services.FORMATS["docx"]
    assert word.headers["Content-Disposition"].startswith("attachment;")
    assert word.data[:2] == b"PK"
    assert client.get("/programmes/ddns/documents/business-case.docx").status_code == 404
    assert client.get("/programmes/ddns/documents/programgrundlag.exe").status_code == 404


def test_someone_outside_the_programme_gets_no_document(client, login_as):
    login_as("outsider")
    response = client.get("/programmes/ddns/documents/programgrundlag.docx")
    assert response.status_code in (403, 404)
