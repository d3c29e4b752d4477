"""An annex's uploaded file is part of the data: a backup carries it, a restore brings it back."""

import hashlib
import io

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from portfolio.backup.services import create_backup, restore_backup
from portfolio.extensions import db
from portfolio.programmes.models import Annex
from tests.backup.conftest import app_on
from tests.structure import files


def test_backup_and_restore_carry_the_annex_files(source, client, login_as, fresh_url, tmp_path):
    login_as("secretariat")
    content = files.ooxml("docx") + b""  # a real DOCX-shaped ZIP, binary throughout
    response = client.post(
        "/programmes/ddns/annexes/new",
        data={"title": "Business case", "file": (io.BytesIO(content), "Business case.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    path = tmp_path / "styrbord.jsonl.gz"
    create_backup(path)

    with app_on(fresh_url(db.engine.dialect.name)) as restored_app:
        restore_backup(path)
        annex = db.session.scalar(
            sa.select(Annex)
            .where(Annex.title == "Business case")
            .options(undefer(Annex.file_content))
        )
        assert annex is not None
        assert annex.file_content == content
        assert annex.file_sha256 == hashlib.sha256(content).hexdigest()
        assert (annex.file_name, annex.file_size) == ("Business case.docx", len(content))
        # And the restored app serves it.
        restored_client = restored_app.test_client()
        from tests.conftest import Users, sign_in

        sign_in(restored_client, Users().make("viewer", "laeser@example.dk"))
        db.session.commit()
        download = restored_client.get(f"/programmes/ddns/annexes/{annex.id}/file")
        assert download.status_code == 200
        assert download.data == content
