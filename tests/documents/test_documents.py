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
KINDS = (
    "gevinstrealiseringsplan",
    "programevalueringsrapport",
    "itraad-status",
    "styregruppepakke",
    "programgrundlag",
)
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


def _pages(pdf: Path) -> list[tuple[float, float]]:
    """Each page's size in points, read by pdfinfo."""
    info = subprocess.run(
        [shutil.which("pdfinfo") or "pdfinfo", "-f", "1", "-l", "999", str(pdf)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [
        (float(w), float(h))
        for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    ]


def _is_a4(size: tuple[float, float]) -> bool:
    return abs(size[0] - 595.3) < 1 and abs(size[1] - 841.9) < 1


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
def exported(runner, tmp_path, users) -> dict[str, Path]:
    """Every document of DDNS written by the CLI as Word (the pack for a meeting's report)."""
    from portfolio.reports import services as report_services

    report = report_services.create_report(
        users.make("admin"),
        programme_services.get_programme("ddns"),
        title="Programstyregruppemøde 3. december 2026",
        meeting_on=dt.date(2026, 12, 3),
        today=TODAY,
    )
    db.session.commit()
    paths = {}
    for kind in KINDS:
        path = tmp_path / f"{kind}.docx"
        result = runner.invoke(
            args=["export", "document", "ddns", kind, "--output", str(path),
                  "--report", str(report.id)]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        paths[kind] = path
    return paths


def test_every_document_opens_in_libreoffice_with_its_headings_and_facts(exported, tmp_path):
    _require_tools()
    pdfs = _convert(list(exported.values()), tmp_path / "out")
    text = {kind: _text_of(pdf) for kind, pdf in zip(exported, pdfs, strict=True)}
    rows = {kind: _text_of(pdf, layout=True) for kind, pdf in zip(exported, pdfs, strict=True)}
    # A4 in LibreOffice too, and no document runs away: DDNS's fit on a handful of pages.
    for pdf in pdfs:
        pages = _pages(pdf)
        assert pages and all(_is_a4(size) for size in pages), pdf.name
        assert len(pages) <= 8, (pdf.name, len(pages))

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

    evaluation = text["programevalueringsrapport"]
    for heading in (
        "Leverancer i forhold til programgrundlaget",
        "Tidsplan i forhold til basislinjen",
        "Økonomi i forhold til den godkendte basislinje",
        "Realiserede gevinster og plan for resten",
        "Erfaringer",
    ):
        assert heading in evaluation
    assert "Etablering af nationalt register med data fra almen praksis" in evaluation

    pack = text["styregruppepakke"]
    assert "Dagsorden" in pack and "Programstyregruppemøde 3. december 2026" in pack
    assert "Gevinster der ikke følger planen" in pack

    basis = text["programgrundlag"]
    assert "Lisbeth Nielsen" in basis
    assert "National bestyrelse for data på sundheds- og ældreområdet" in basis
    assert "Bølge 3 – flere data" in basis
    # The budget as printed: row 2 adds up to 12,5 and the 2024 column to 11,2, but the
    # approved document prints 12,4 and 11,3, and so do the documents.
    for document in (
        rows["itraad-status"],
        rows["programgrundlag"],
        rows["programevalueringsrapport"],
        rows["styregruppepakke"],
    ):
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
        [shutil.which("pdfinfo") or "pdfinfo", str(path)], capture_output=True, text=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    # A4 (595 × 842 points) on every page, and the status fits on a few.
    pages = _pages(path)
    assert pages and all(_is_a4(size) for size in pages)
    assert len(pages) <= 3
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


def _docx_text(content: bytes) -> str:
    import io

    from docx import Document

    word = Document(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _issue(client, kind, **form):
    return client.post(f"/programmes/ddns/documents/{kind}/issue", data=form)


def test_an_issued_document_stays_as_issued_after_later_edits(client, login_as, users):
    secretariat = login_as("secretariat")
    client.post(
        "/programmes/ddns/documents/lessons/new",
        data={"title": "Tidlig dialog om hjemmel", "text": "Hjemlen tog længere tid."},
    )
    assert _issue(client, "programevalueringsrapport", note="Til styregruppen").status_code == 302
    (issued,) = services.list_issued(programme_services.get_programme("ddns"))
    assert (issued.kind, issued.version_label, issued.issued_by) == (
        "programevalueringsrapport",
        "1",
        secretariat.email,
    )
    first = client.get(f"/programmes/ddns/documents/issued/{issued.id}.docx")
    assert first.status_code == 200
    assert "Tidlig dialog om hjemmel" in _docx_text(first.data)

    programme = programme_services.get_programme("ddns")
    benefit = benefit_services.get_benefit(programme, "GH1")
    benefit_services.update_benefit(
        users.make("admin"), benefit, {"operations_owner": "Driftsenheden"}, benefit.version
    )
    db.session.commit()
    client.post(
        "/programmes/ddns/documents/lessons/new",
        data={"title": "Datakvalitet kræver tid", "recommendation": "Start tidligt."},
    )

    again = client.get(f"/programmes/ddns/documents/issued/{issued.id}.docx")
    assert again.data == first.data  # byte for byte
    live = _docx_text(client.get("/programmes/ddns/documents/programevalueringsrapport.docx").data)
    assert "Driftsenheden" in live and "Anbefaling: Start tidligt." in live
    assert "Driftsenheden" not in _docx_text(again.data)


def test_the_programme_basis_is_issued_as_a_new_version_with_its_history(client, login_as):
    login_as("secretariat")
    response = _issue(
        client, "programgrundlag", version_label="1.1", note="Bølge 3 flyttet to måneder"
    )
    assert response.status_code == 302
    programme = programme_services.get_programme("ddns")
    assert programme.document_version == "1.1"
    (issued,) = services.list_issued(programme)
    text = _docx_text(client.get(f"/programmes/ddns/documents/issued/{issued.id}.docx").data)
    assert "Version | 1.1" in text
    assert "1.1 | " in text and "Bølge 3 flyttet to måneder" in text

    # The same version again, or none, is refused and changes nothing.
    for form in ({"version_label": "1.1", "note": "igen"}, {"version_label": "", "note": "x"}):
        refused = _issue(client, "programgrundlag", **form)
        assert refused.status_code == 302
        assert len(services.list_issued(programme)) == 1
    page = client.get("/programmes/ddns/documents").get_data(as_text=True)
    assert "Angiv programgrundlagets nye version som tal, fx 1.1." in page


def test_the_steering_group_pack_belongs_to_its_meeting(app, client, login_as, users):
    from portfolio.reports import services as report_services
    from portfolio.status import services as status_services

    programme = programme_services.get_programme("ddns")
    secretariat = login_as("secretariat")
    status_services.create_decision(
        secretariat,
        programme,
        {
            "title": "Godkendelse af lukningsplan",
            "background": "Programmet lukker i januar 2027.",
            "body": "Programstyregruppen",
            "requested_for": dt.date(2026, 12, 3),
        },
    )
    report = report_services.create_report(
        secretariat,
        programme,
        title="Programstyregruppemøde 3. december 2026",
        meeting_on=dt.date(2026, 12, 3),
        today=TODAY,
    )
    db.session.commit()
    # A decision put forward after the report is not in the meeting's pack.
    status_services.create_decision(
        secretariat, programme, {"title": "Senere punkt", "body": "Programstyregruppen"}
    )
    db.session.commit()
    response = client.get(f"/programmes/ddns/documents/styregruppepakke.docx?report={report.id}")
    text = _docx_text(response.data)
    assert "Dagsorden" in text
    assert "2. Programmets status: Programstyregruppemøde 3. december 2026" in text
    assert "Godkendelse af lukningsplan" in text and "Forelægges for | Programstyregruppen" in text
    assert "Senere punkt" not in text
    assert "Møde | 3. december 2026" in text


def test_the_pack_needs_a_meeting(client, login_as):
    login_as("secretariat")
    response = client.get("/programmes/ddns/documents/styregruppepakke.docx")
    assert response.status_code == 422
    assert "opret først mødets statusrapport" in response.get_data(as_text=True)


def test_the_evaluation_report_sets_printed_totals_beside_computed_sums(app):
    programme = programme_services.get_programme("ddns")
    text = services.build(programme, "programevalueringsrapport", TODAY).text()
    assert "I alt (godkendt) | 8,3 | 11,3 | 19,3 | 19,3 | 58,1 | 11,3" in text
    # The approved document's 2024 column adds up to 11,2, not its printed 11,3.
    assert "I alt (beregnet) | 8,3 | 11,2 | 19,3 | 19,3 | 58,1 | 11,3" in text
    assert "Sekretariatet har endnu ikke skrevet programmets erfaringer." in text


def test_only_the_secretariat_issues_and_writes_lessons(client, login_as):
    login_as("viewer")
    assert _issue(client, "itraad-status").status_code == 403
    assert client.get("/programmes/ddns/documents/lessons/new").status_code == 403
    page = client.get("/programmes/ddns/documents").get_data(as_text=True)
    assert "Udsted og frys" not in page and "Tilføj erfaring" not in page
    assert services.list_issued(programme_services.get_programme("ddns")) == []


def test_a_lesson_needs_a_title_and_an_unknown_file_is_not_found(client, login_as):
    login_as("secretariat")
    response = client.post("/programmes/ddns/documents/lessons/new", data={"title": "  "})
    assert response.status_code == 422
    assert services.list_lessons(programme_services.get_programme("ddns")) == []
    assert client.get("/programmes/ddns/documents/issued/999999.docx").status_code == 404
