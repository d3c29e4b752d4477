"""Annexes (bilag) of a programme: create, edit, reorder and delete, each perhaps with a file.

Where the files are kept, and why: in the annex's own row (`annexes.file_content`, a
deferred column, so a list of annexes never loads the bytes). An upload and its annex are
then one transaction (no file left behind by a refused save, no row pointing at a file that
is not there), every instance of the app behind a load balancer sees the same files, a
backup (portfolio/backup) carries them with the rest of the data and a restore brings them
back, and no file is ever written under a name a user chose. Annexes are documents of a
few MB; the size limit (ANNEX_MAX_BYTES, 20 MB) keeps them so.

The file's bytes are checked before anything is stored (programmes/annex_files.py); what is
kept besides them is the cleaned name to show, the checked content type, the size and the
SHA-256. Whoever may see the programme may download them (annex_views.py).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from sqlalchemy.orm import undefer
from wtforms import BooleanField, StringField

from portfolio.audit.versions import apply_changes
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, require
from portfolio.core.errors import NotFound
from portfolio.core.forms import CreateForm, EditForm
from portfolio.core.locking import delete_once, next_number, take_turn
from portfolio.core.ordering import move
from portfolio.core.validators import MaxLength, Required
from portfolio.extensions import db
from portfolio.programmes.annex_files import CheckedFile
from portfolio.programmes.models import Annex, Programme

ANNEX_FIELDS = ("title", "kind", "reference")


# --- Services ------------------------------------------------------------------------------


def list_annexes(programme_id: int) -> list[Annex]:
    return list(
        db.session.scalars(
            sa.select(Annex).where(Annex.programme_id == programme_id).order_by(Annex.position)
        )
    )


def get_annex(programme: Programme, annex_id: int, *, with_content: bool = False) -> Annex:
    query = sa.select(Annex).where(Annex.id == annex_id, Annex.programme_id == programme.id)
    if with_content:
        query = query.options(undefer(Annex.file_content))
    annex = db.session.scalar(query)
    if annex is None:
        raise NotFound(_("Bilaget findes ikke."))
    return annex


def _file_values(checked: CheckedFile | None) -> dict[str, Any]:
    if checked is None:
        return dict.fromkeys(("file_name", "file_type", "file_size", "file_sha256", "file_content"))
    return {
        "file_name": checked.name,
        "file_type": checked.content_type,
        "file_size": checked.size,
        "file_sha256": checked.sha256,
        "file_content": checked.content,
    }


def create_annex(
    actor: User, programme: Programme, values: dict, checked: CheckedFile | None = None
) -> Annex:
    """Add an annex at the end of the programme's list, with its (checked) file if any."""
    require(actor, Action.EDIT_PROGRAMME, programme)
    position = next_number(
        programme,
        lambda: db.session.scalar(
            sa.select(sa.func.max(Annex.position)).where(Annex.programme_id == programme.id)
        ),
    )
    annex = Annex(
        programme_id=programme.id,
        position=position,
        **{k: v for k, v in values.items() if k in ANNEX_FIELDS},
        **(_file_values(checked) if checked is not None else {}),
    )
    db.session.add(annex)
    db.session.flush()
    return annex


def update_annex(
    actor: User,
    annex: Annex,
    changes: dict,
    expected_version: int | None = None,
    *,
    checked: CheckedFile | None = None,
    remove_file: bool = False,
) -> list[str]:
    """Change an annex's texts; a new file replaces the old one, or the file is removed."""
    require(actor, Action.EDIT_PROGRAMME, annex)
    values = {k: v for k, v in changes.items() if k in ANNEX_FIELDS}
    if checked is not None:
        values.update(_file_values(checked))
    elif remove_file and annex.has_file:
        values.update(_file_values(None))
    return apply_changes(annex, values, expected_version)


def delete_annex(actor: User, annex: Annex) -> None:
    require(actor, Action.EDIT_PROGRAMME, annex)
    take_turn(annex.programme)
    # The trail writes down the deleted row whole (the file as "<n bytes>"): the deferred
    # bytes are read now, while the row is there to read them from.
    db.session.refresh(annex, ["file_content"])
    delete_once(annex)
    db.session.flush()


def move_annex(actor: User, annex: Annex, step: int) -> None:
    """Move an annex one place up or down in the programme's list."""
    require(actor, Action.EDIT_PROGRAMME, annex)
    move(annex.programme, list_annexes(annex.programme_id), annex, step)


# --- Forms ---------------------------------------------------------------------------------


class AnnexForm(EditForm):
    title = StringField(_l("Titel"), validators=[Required(), MaxLength(300)])
    kind = StringField(_l("Art (fx projektgrundlag, business case)"), validators=[MaxLength(100)])
    reference = StringField(
        _l("Henvisning (fx journalnummer eller sted)"), validators=[MaxLength(500)]
    )
    file = FileField(_l("Fil"))
    remove_file = BooleanField(_l("Fjern den nuværende fil"))

    def changes(self, *names: str) -> dict:
        values = super().changes(*(names or ANNEX_FIELDS))
        values["kind"] = values.get("kind") or ""
        values["reference"] = values.get("reference") or None
        return values


class NewAnnexForm(CreateForm, AnnexForm):
    """Creating one: there is no stored version to carry yet."""
