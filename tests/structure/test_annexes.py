"""Annexes from the web: the secretariat adds, edits, orders and deletes them; their files
are checked by content, stored with their SHA-256 and served only as safe downloads."""

import hashlib
import io
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.programmes.annex_files import content_disposition, display_name
from portfolio.programmes.models import Annex
from tests.structure import files


def _annexes(ddns):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Annex).where(Annex.programme_id == ddns.id).order_by(Annex.position)
        )
    )


def _upload(client, name, content, title="Projektgrundlag", url="/programmes/ddns/annexes/new"):
    data = {"title": title, "kind": "Projektgrundlag", "reference": ""}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(url, data=data, content_type="multipart/form-data")


def _upload_in_memory(client, name, content):
    """Post the form as one body built here: the test client spools a large body to a
    temporary file that it does not close when the app refuses the request unread."""
    boundary = "----styrbord-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nStort\r\n'.encode(),
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return client.post(
        "/programmes/ddns/annexes/new",
        data=b"".join(parts),
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _audit_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


ALLOWED = [
    ("grundlag.pdf", files.PDF, "application/pdf"),
    ("diagram.png", files.PNG, "image/png"),
    ("foto.JPG", files.JPEG, "image/jpeg"),
    (
        "notat.docx",
        files.ooxml("docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "budget.xlsx",
        files.ooxml("xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "oplæg.pptx",
        files.ooxml("pptx"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("notat.odt", files.odf("odt"), "application/vnd.oasis.opendocument.text"),
    ("tal.ods", files.odf("ods"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("tal.csv", files.TEXT, "text/csv; charset=utf-8"),
    ("noter.txt", "Æøå\r\n".encode("cp1252"), "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ALLOWED)
def test_secretariat_uploads_each_allowed_kind(client, login_as, ddns, name, content, content_type):
    login_as("secretariat")
    before = len(_annexes(ddns))
    response = _upload(client, name, content)
    assert response.status_code == 302, response.get_data(as_text=True)
    annexes = _annexes(ddns)
    assert len(annexes) == before + 1
    annex = annexes[-1]
    assert annex.file_name == name
    assert annex.file_type == content_type
    assert annex.file_size == len(content)
    assert annex.file_sha256 == hashlib.sha256(content).hexdigest()
    page = client.get("/programmes/ddns/annexes/").get_data(as_text=True)
    assert "Bilaget er oprettet." in page
    assert name in page

    download = client.get(f"/programmes/ddns/annexes/{annex.id}/file")
    assert download.status_code == 200
    assert download.data == content
    assert download.headers["Content-Type"] == content_type
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "sandbox"
    assert "private" in download.headers["Cache-Control"]
    assert "no-store" in download.headers["Cache-Control"]


REFUSED = [
    ("side.html", files.HTML, "Filtypen tages ikke imod"),
    ("tegning.svg", files.SVG, "Filtypen tages ikke imod"),
    ("program.exe", files.EXE, "Filtypen tages ikke imod"),
    ("uden-endelse", files.PDF, "Filtypen tages ikke imod"),
    ("arkiv.zip", files.plain_zip(), "Filtypen tages ikke imod"),
    ("forklædt.pdf", files.EXE, "passer ikke til endelsen .pdf"),
    ("pdf-som-word.docx", files.PDF, "passer ikke til endelsen .docx"),
    ("html-som.txt", files.HTML, "passer ikke til endelsen .txt"),
    ("svg-som.csv", files.SVG, "passer ikke til endelsen .csv"),
    ("binær.txt", b"abc\x00\x01def", "passer ikke til endelsen .txt"),
    ("png-som.jpg", files.PNG, "passer ikke til endelsen .jpg"),
    ("zip-som.docx", files.plain_zip(), "passer ikke til endelsen .docx"),
    ("makroer.docx", files.ooxml("docx", macros=True), "passer ikke til endelsen .docx"),
    (
        "docm.docx",
        files.ooxml("docx", main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
        "passer ikke til endelsen .docx",
    ),
    ("regneark-som.docx", files.ooxml("xlsx"), "passer ikke til endelsen .docx"),
    ("tekst-som.ods", files.odf("odt"), "passer ikke til endelsen .ods"),
    ("tom.pdf", b"", "Filen er tom"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_a_refused_file_is_named_and_nothing_is_stored(
    client, login_as, ddns, name, content, message
):
    login_as("secretariat")
    before, audit_before = len(_annexes(ddns)), _audit_count()
    response = _upload(client, name, content)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "alert(1)" not in html  # the file's content is never shown back
    assert len(_annexes(ddns)) == before
    assert _audit_count() == audit_before


def test_too_large_file_gets_a_danish_message_not_a_bare_413(app, client, login_as, ddns):
    login_as("secretariat")
    app.config["ANNEX_MAX_BYTES"] = 1024 * 1024  # 1 MB
    before = len(_annexes(ddns))
    # Just above the limit, but below the request's room for the form: the check refuses.
    response = _upload_in_memory(client, "stor.pdf", files.PDF + b"0" * (1024 * 1024))
    assert response.status_code == 422
    assert "Filen er for stor. Et bilag må højst fylde 1 MB" in response.get_data(as_text=True)
    # Far above: the request itself is refused before it is read, with the same words.
    response = _upload_in_memory(client, "stor2.pdf", files.PDF + b"0" * (3 * 1024 * 1024))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Filen er for stor. Et bilag må højst fylde 1 MB" in html
    assert "Bilaget er ikke gemt" in html
    assert 'enctype="multipart/form-data"' in html  # the form again, to choose another file
    assert len(_annexes(ddns)) == before


def test_too_large_upload_by_someone_who_may_not_upload_is_refused_plainly(
    app, client, login_as, ddns
):
    app.config["ANNEX_MAX_BYTES"] = 1024 * 1024
    for role in ("viewer", "outsider"):
        login_as(role)
        response = _upload_in_memory(client, "stor.pdf", files.PDF + b"0" * (3 * 1024 * 1024))
        # Refused for the rights (403) or the size (413, when something read the form
        # first), never with the upload form, and never as a server error.
        assert response.status_code in (403, 413)
        assert 'enctype="multipart/form-data"' not in response.get_data(as_text=True)
    client.post("/logout")
    response = _upload_in_memory(client, "stor.pdf", files.PDF + b"0" * (3 * 1024 * 1024))
    assert response.status_code in (302, 413)


def test_annex_uploads_may_exceed_the_general_request_limit(app, client, login_as, ddns):
    login_as("secretariat")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    content = files.PDF + b"0" * (200 * 1024)
    response = _upload_in_memory(client, "stor.pdf", content)
    assert response.status_code == 302
    assert _annexes(ddns)[-1].file_size == len(content)
    # Every other form keeps the general limit.
    response = client.post(
        "/programmes/ddns/stakeholders/new",
        data={"name": "x" * (100 * 1024), "attitude": "positive"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("/absolut/sti/plan.pdf", "plan.pdf"),
        ("ond\u202efdp.exe.pdf", "ondfdp.exe.pdf"),  # a right-to-left override
        ("linje\r\nskift\x00\x1b[31m.pdf", "linjeskift[31m.pdf"),
        ("...pdf", "bilag.pdf"),
        ("   .pdf", "bilag.pdf"),
        ("Budget 2026.PDF", "Budget 2026.PDF"),
    ],
)
def test_hostile_file_names_are_cleaned_for_display(given, shown):
    assert display_name(given) == shown


def test_an_uploaded_path_is_stored_and_offered_as_its_last_part(client, login_as, ddns):
    login_as("secretariat")
    response = _upload(client, "../../etc/passwd.pdf", files.PDF)
    assert response.status_code == 302, response.get_data(as_text=True)
    annex = _annexes(ddns)[-1]
    assert annex.file_name == "passwd.pdf"
    disposition = client.get(f"/programmes/ddns/annexes/{annex.id}/file").headers[
        "Content-Disposition"
    ]
    assert disposition == "attachment; filename=\"passwd.pdf\"; filename*=UTF-8''passwd.pdf"


def test_a_very_long_name_is_shortened_keeping_its_extension():
    name = display_name("å" * 500 + ".pdf")
    assert len(name) == 120
    assert name.endswith("å.pdf")


def test_ascii_fallback_name_has_no_quotes_or_separators():
    disposition = content_disposition('Bilag "1"; a=b ÆØÅ.pdf')
    assert disposition == (
        'attachment; filename="Bilag _1__ a_b AeOeAa.pdf"; '
        "filename*=UTF-8''Bilag%20%221%22%3B%20a%3Db%20%C3%86%C3%98%C3%85.pdf"
    )


def test_viewer_downloads_but_cannot_change_and_outsider_gets_nothing(
    client, login_as, ddns, users
):
    login_as("secretariat")
    _upload(client, "grundlag.pdf", files.PDF)
    annex = _annexes(ddns)[-1]
    login_as("viewer")
    assert client.get(f"/programmes/ddns/annexes/{annex.id}/file").data == files.PDF
    page = client.get("/programmes/ddns/annexes/").get_data(as_text=True)
    assert "Tilføj bilag" not in page
    assert _upload(client, "x.pdf", files.PDF).status_code == 403
    assert (
        client.post(
            f"/programmes/ddns/annexes/{annex.id}/delete", data={"confirmed": "y"}
        ).status_code
        == 403
    )
    login_as("outsider")
    response = client.get(f"/programmes/ddns/annexes/{annex.id}/file")
    assert response.status_code in (403, 404)
    assert response.data != files.PDF


def test_another_programmes_annex_is_not_found_through_this_one(client, login_as, ddns):
    from portfolio.programmes.models import Programme

    login_as("secretariat")
    _upload(client, "grundlag.pdf", files.PDF)
    annex = _annexes(ddns)[-1]
    other = db.session.scalar(sa.select(Programme).where(Programme.id != ddns.id).limit(1))
    if other is None:
        pytest.skip("the seed holds one programme")
    login_as("admin")
    assert client.get(f"/programmes/{other.slug}/annexes/{annex.id}/file").status_code == 404


def test_edit_replaces_or_removes_the_file_with_version_check(client, login_as, ddns):
    login_as("secretariat")
    _upload(client, "v1.pdf", files.PDF)
    annex = _annexes(ddns)[-1]
    url = f"/programmes/ddns/annexes/{annex.id}/edit"
    new_pdf = files.PDF + b"% v2\n"
    response = client.post(
        url,
        data={
            "title": "Ny titel",
            "kind": "",
            "reference": "J.nr. 1",
            "version": annex.version,
            "file": (io.BytesIO(new_pdf), "v2.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    annex = _annexes(ddns)[-1]
    assert (annex.title, annex.file_name, annex.reference) == ("Ny titel", "v2.pdf", "J.nr. 1")
    assert annex.file_sha256 == hashlib.sha256(new_pdf).hexdigest()
    # A colleague's form from before that save is refused, listing the change.
    stale = client.post(url, data={"title": "Gammel", "version": annex.version - 1})
    assert stale.status_code == 409
    assert _annexes(ddns)[-1].title == "Ny titel"
    # Choosing a new file and removing the file at once is refused.
    both = client.post(
        url,
        data={
            "title": "Ny titel",
            "version": annex.version,
            "remove_file": "y",
            "file": (io.BytesIO(files.PDF), "v3.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert both.status_code == 422
    assert "ikke begge" in both.get_data(as_text=True)
    removed = client.post(
        url, data={"title": "Ny titel", "version": annex.version, "remove_file": "y"}
    )
    assert removed.status_code == 302
    annex = _annexes(ddns)[-1]
    assert annex.file_sha256 is None and annex.file_content is None
    assert client.get(f"/programmes/ddns/annexes/{annex.id}/file").status_code == 302


def test_annexes_are_reordered_and_deleted(client, login_as, ddns):
    login_as("secretariat")
    _upload(client, "a.pdf", files.PDF, title="Første")
    _upload(client, "b.pdf", files.PDF, title="Anden")
    first, second = _annexes(ddns)[-2:]
    response = client.post(f"/programmes/ddns/annexes/{second.id}/move", data={"direction": "up"})
    assert response.status_code == 302
    titles = [a.title for a in _annexes(ddns)]
    assert titles.index("Anden") < titles.index("Første")
    # The top one cannot go further up; the message says so.
    top = _annexes(ddns)[0]
    client.post(f"/programmes/ddns/annexes/{top.id}/move", data={"direction": "up"})
    assert "allerede øverst" in client.get("/programmes/ddns/annexes/").get_data(as_text=True)

    unticked = client.post(f"/programmes/ddns/annexes/{first.id}/delete", data={})
    assert unticked.status_code == 422
    assert "Sæt kryds for at bekræfte" in unticked.get_data(as_text=True)
    response = client.post(f"/programmes/ddns/annexes/{first.id}/delete", data={"confirmed": "y"})
    assert response.status_code == 302
    assert "Første" not in [a.title for a in _annexes(ddns)]
    deleted = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.entity == "annexes", AuditEntry.action == "delete")
    ).all()
    assert deleted


def test_programme_page_links_the_annexes(client, login_as, ddns):
    login_as("secretariat")
    _upload(client, "grundlag.pdf", files.PDF, title="Mit bilag")
    page = client.get("/programmes/ddns").get_data(as_text=True)
    assert "/programmes/ddns/annexes/" in page
    assert "Mit bilag" in page
    annex = _annexes(ddns)[-1]
    assert f"/programmes/ddns/annexes/{annex.id}/file" in page


def test_with_csrf_on_a_too_large_upload_still_gets_the_form_and_the_message(
    tmp_path, _sqlite_template, _postgres_schema
):
    """As in production, where the CSRF check reads the form before any view: the annex
    routes' own limit applies already then, and the refusal is the form in Danish."""
    from tests.conftest import Users, make_app, sign_in

    app = make_app(
        tmp_path,
        _sqlite_template,
        snapshot=_postgres_schema,
        WTF_CSRF_ENABLED=True,
        ANNEX_MAX_BYTES=1024 * 1024,
    )
    with app.app_context():
        client = app.test_client()
        big = files.PDF + b"0" * (3 * 1024 * 1024)
        sign_in(client, Users().make("viewer"))
        response = _upload_in_memory(client, "stor.pdf", big)
        assert response.status_code == 413
        assert "Filen er for stor" not in response.get_data(as_text=True)
        sign_in(client, Users().make("secretariat"))
        response = _upload_in_memory(client, "stor.pdf", big)
        assert response.status_code == 413
        assert "Et bilag må højst fylde 1 MB" in response.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
