"""Versions of the data, read from the audit trail: what a page cache is keyed on, and the
check every domain's services make before an edit (optimistic locking, core/locking.py).

Every change to the app's data writes an audit row in the same transaction, and every
metric refresh writes a fetch row, so the highest ids of those two tables name the version
of everything a page can show. An audit row names the programme its object belongs to
(audit/listeners.py), or none for what is shared (users, metric sources, the portfolio),
so the pages of one programme are versioned by that programme's rows and the shared ones
alone: an edit in one programme leaves every other programme's cached pages valid. A
sign-in stamps the user's `last_login_at` in a shared row that no programme's page shows,
and the programmes' versions leave it out: a morning of sign-ins leaves the pages cached.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from portfolio.audit.models import SHOWN_SHARED, AuditEntry
from portfolio.audit.services import changes_since
from portfolio.core.errors import StaleEdit
from portfolio.core.locking import stored_version
from portfolio.extensions import db
from portfolio.metrics.models import MetricFetch
from portfolio.programmes.models import Programme, Project, ProjectLink


def data_version() -> tuple:
    """Return what names the current state of all data, in one query.

    That is the latest audit row (its id, and its time, which tells two histories apart
    after a backup was restored and edited anew) and the latest metric fetch's id.
    """
    return tuple(db.session.execute(sa.select(*data_version_columns())).one())


@functools.cache
def data_version_columns() -> tuple[sa.ScalarSelect, ...]:
    """The values of `data_version`, as columns any query may read (built once)."""
    latest = sa.select(AuditEntry.id, AuditEntry.at).order_by(AuditEntry.id.desc()).limit(1)
    latest = latest.subquery()
    return (
        sa.select(latest.c.id).scalar_subquery(),
        sa.select(latest.c.at).scalar_subquery(),
        sa.select(sa.func.max(MetricFetch.id)).scalar_subquery(),
    )


def programme_version(slug: str, *, with_links: bool = False) -> tuple:
    """Return what names the current state of everything a programme's page shows, in one query.

    That is the programme's id; the latest audit row of the programme, and with
    `with_links` also of the programmes its projects are linked with (the programme page
    names their projects and short names); the latest audit row that names no programme
    and may be shown on its pages (its id and time, as in `data_version`; a sign-in's stamp
    of `users.last_login_at` is left out, audit/models.SHOWN_SHARED); and the latest
    metric fetch's id (fetches are not told apart by programme: a metric may feed
    indicators in several). An unknown slug gives a version whose id is None.
    """
    query = sa.select(*programme_version_columns(with_links))
    return tuple(db.session.execute(query, {"slug": slug}).one())


def programme_versions(ids: list[int]) -> dict[int, tuple]:
    """Return `programme_version` (without links) of each of several programmes, in one query.

    The portfolio overview keys each programme's figures on it (status/portfolio.py), so an
    edit in one programme leaves the others' figures cached.
    """
    if not ids:
        return {}
    own, *shared = _programme_versions_columns()
    rows = db.session.execute(
        sa.select(Programme.id, own, *shared).where(Programme.id.in_(ids))
    ).all()
    return {row[0]: tuple(row) for row in rows}


@functools.cache
def _programme_versions_columns() -> tuple[sa.ScalarSelect, ...]:
    """The latest audit row of the programme of the row being read, then the shared values
    of `programme_version` (the latest shared audit row's id and time, the latest fetch)."""
    own = (
        sa.select(AuditEntry.id)
        .where(AuditEntry.programme_id == Programme.id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
        .correlate(Programme)
        .scalar_subquery()
    )
    return (own, *programme_version_columns(False)[2:])


@functools.cache
def programme_version_columns(with_links: bool) -> tuple[sa.ScalarSelect, ...]:
    """The values of `programme_version`, as columns any query may read with the
    parameter `slug` (built once: they are asked on every page served from the cache)."""
    programme = (
        sa.select(Programme.id).where(Programme.slug == sa.bindparam("slug")).cte("programme")
    )
    related: sa.CTE = programme
    if with_links:
        source, target = aliased(Project), aliased(Project)
        links = sa.join(ProjectLink, source, source.id == ProjectLink.from_project_id).join(
            target, target.id == ProjectLink.to_project_id
        )
        related = sa.union(
            sa.select(programme.c.id),
            sa.select(target.programme_id)
            .select_from(links)
            .join(programme, programme.c.id == source.programme_id),
            sa.select(source.programme_id)
            .select_from(links)
            .join(programme, programme.c.id == target.programme_id),
        ).cte("related")
    # One step down the (programme_id, id) index per programme (migration 0009).
    latest_of_each = (
        sa.select(AuditEntry.id)
        .where(AuditEntry.programme_id == related.c.id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
        .correlate(related)
        .scalar_subquery()
    )
    shared = (
        sa.select(AuditEntry.id, AuditEntry.at)
        .where(sa.text(SHOWN_SHARED))
        .order_by(AuditEntry.id.desc())
        .limit(1)
        .subquery()
    )
    return (
        sa.select(programme.c.id).scalar_subquery(),
        sa.select(sa.func.max(latest_of_each)).select_from(related).scalar_subquery(),
        sa.select(shared.c.id).scalar_subquery(),
        sa.select(shared.c.at).scalar_subquery(),
        sa.select(sa.func.max(MetricFetch.id)).scalar_subquery(),
    )


def check_version(obj, expected_version: int | None) -> None:
    """Refuse an edit started from an older version of the object than the stored one.

    The stored version is read with the row locked (core/locking.py), so a colleague's save
    cannot slip in between this check and the write: of two saves started from the same
    version, the second waits for the first and is then refused here, with its changes.
    """
    if expected_version is None:
        return
    stored = stored_version(obj)
    if stored == expected_version:
        if obj.version != stored:
            # Loaded before a save that has committed since: write on top of that one.
            db.session.refresh(obj)
        return
    raise StaleEdit(
        _(
            "Nogen har gemt en ændring, efter du åbnede siden. Din ændring er ikke gemt; "
            "se ændringerne nedenfor, og prøv igen."
        ),
        changes=changes_since(obj, expected_version),
        current_version=stored,
    )


def apply_changes(obj, changes: dict, expected_version: int | None = None) -> list[str]:
    """Set the changed attributes on obj (after the version check) and return their names."""
    check_version(obj, expected_version)
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    db.session.flush()
    return changed
