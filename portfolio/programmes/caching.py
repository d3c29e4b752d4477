"""Programme and portfolio pages served from the page cache until any of the data they show changes.

A page is drawn once per data version, day, language, query string and set of rights,
and served from the worker's cache after that (see portfolio/core/pagecache.py). A
programme's pages are versioned by that programme's own audit rows, those of the
programmes its projects link to, and the shared rows (audit/versions.programme_version),
so an edit in one programme leaves the others' pages cached; the portfolio overview,
which lists every programme the user may see, by the whole trail (data_version), and
drawn anew from each programme's figures and HTML lines kept under that programme's own
version (status/portfolio.programme_rows, drawn_rows below). On a hit the programme is
not even loaded: the cached entry remembers which programme it shows, and the user's
right to see it is checked against that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, render_template, request
from flask_login import current_user

from portfolio.audit.versions import (
    data_version,
    data_version_columns,
    programme_version,
    programme_version_columns,
)
from portfolio.auth.permissions import Action, Target, permission_key, require
from portfolio.auth.services import read_with_user, values_read_with_user
from portfolio.core.clock import today
from portfolio.core.i18n import locale_code
from portfolio.core.pagecache import fragments, worker_cache


def cached_programme_page(
    name: str, slug: str, draw: Callable[[], tuple[int, dict]], *, with_links: bool = False
) -> str:
    """Return the page `name` of the programme, drawing it with `draw` only when not cached.

    `draw` returns the programme's id and the page's blocks (core.pagecache.render_blocks);
    it must check the user's right to see the programme itself, as views always do. A page
    that shows the projects at the far end of the programme's project links (in other
    programmes) says so with `with_links`, and is drawn anew when those change too.
    """
    key = _key(name, slug, with_links)
    entry = fragments().get(key)
    if entry is None:
        programme_id, blocks = draw()
        entry = fragments().put(key, {"programme_id": programme_id, **blocks})
    else:
        require(current_user, Action.VIEW_PROGRAMME, Target(programme_id=entry["programme_id"]))
    return render_template("_cached_page.html", blocks=entry)


def cached_portfolio_page(name: str, draw: Callable[[], dict]) -> str:
    """Return a page across programmes (the portfolio overview), drawn only when not cached.

    What it lists is chosen by the user's rights alone, and the rights are in the key, so
    a user is only ever served a page drawn for someone allowed exactly the same.
    """
    return render_template("_cached_page.html", blocks=cached_portfolio_entry(name, draw))


def cached_portfolio_entry(name: str, draw: Callable[[], dict]) -> dict:
    """Return what `draw` gives for a view across programmes, drawn only when not cached
    (keyed as cached_portfolio_page keys its pages: the roadmap chart is drawn with it)."""
    key = _key(name, None, False)
    entry = fragments().get(key)
    if entry is None:
        entry = fragments().put(key, draw())
    return entry


# Each programme's two pieces of the overview, kept per worker for this many programmes.
DRAWN_ROWS = 2048


def drawn_rows(rows) -> dict[int, dict[str, str]]:
    """The overview's HTML of each row (status/portfolio.ProgrammeRow), by programme id.

    A row's table line and roadmap lines are drawn from the programme and its figures
    alone (templates/programmes/_overview_row.html), so they are kept under the key its
    figures are kept under: after an edit only the edited programme's lines are drawn.
    Nothing in them depends on the reader (no forms, no rights).
    """
    cache = worker_cache("overview-row-html", DRAWN_ROWS)
    template = current_app.jinja_env.get_template("programmes/_overview_row.html")
    module: Any = template.make_module({})  # its macros are attributes made at run time
    drawn = {}
    for row in rows:
        lines = cache.get(row.key)
        if lines is None:
            lines = {"table": module.table_row(row), "roadmap": module.roadmap_rows(row)}
            cache.put(row.key, lines)
        drawn[row.programme.id] = lines
    return drawn


def _key(name: str, slug: str | None, with_links: bool) -> tuple:
    return (
        name,
        slug,
        _version(slug, with_links),
        today(),
        locale_code(),
        permission_key(current_user),
        tuple(sorted(request.args.items(multi=True))),
    )


def _slug_of(view_args: dict) -> dict:
    return {"slug": view_args.get("slug")}


def _version(slug: str | None, with_links: bool) -> tuple:
    """Return the version of what the page shows, read with the user when it could be.

    The first request to a page's endpoint asks the user's query to read the version from
    then on (auth/services.read_with_user): a page served from the cache then costs one
    query, the user's. A request without those values (the first, or one signed in with
    an API token) reads the version by itself.
    """
    if slug is None:
        columns, params, wanted = data_version_columns(), None, {}
    else:
        columns, params = programme_version_columns(with_links), _slug_of
        wanted = {"slug": slug}
    read = values_read_with_user()
    if read is not None and read.endpoint == request.endpoint and read.params == wanted:
        return read.values
    if request.endpoint:
        read_with_user(request.endpoint, columns, params)
    if slug is None:
        return data_version()
    return programme_version(slug, with_links=with_links)
