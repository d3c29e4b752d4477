"""Rendered page fragments kept per worker, keyed by the version of the data they show.

Drawing the status page takes its data from a dozen tables and formats hundreds of
figures; reading whether any of that data changed takes one indexed query. Every change
to the app's data writes an audit row in the same transaction (see portfolio/audit), and
every metric refresh writes a fetch row, so the highest ids of those two tables together
name the version of everything a page can show (a programme's pages: the rows naming that
programme and the rows naming none, see portfolio/audit/versions.py). A fragment cached
under that version (with the day, the language and what the user may do) is exactly what
drawing it again would give.

The cache lives in each worker's memory: it is a speed-up, never a source of truth, so an
instance that has not seen a page yet simply draws it. Nothing has to be shared or cleared
between instances, and a write on one instance is seen by all at their next request.
The version itself is read by portfolio/audit/versions.py. The one writer that bypasses
the trail, `seed synthetic`, only adds new programmes (whose pages nobody has drawn yet)
and is meant for scratch databases.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

from flask import current_app, g
from flask_wtf.csrf import generate_csrf

from portfolio.core.lru import LRU

# Written into a cached fragment where the user's CSRF token was, and replaced on the way out.
_CSRF_SENTINEL = "\x00csrf\x00"


class FragmentCache:
    """A bounded least-recently-used map of rendered fragments, safe across threads.

    An entry is a dict of plain values and HTML strings. The current user's CSRF token is
    taken out of the HTML before storing and put back on every hit, so forms in a shared
    fragment carry the token of whoever receives it.
    """

    def __init__(self, size: int = 256):
        self._entries: LRU[dict] = LRU(size)

    @property
    def hits(self) -> int:
        return self._entries.hits

    @property
    def misses(self) -> int:
        return self._entries.misses

    def get(self, key: Hashable) -> dict | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if any(isinstance(v, str) and _CSRF_SENTINEL in v for v in entry.values()):
            token = generate_csrf()
            entry = {k: _put_token(v, token) for k, v in entry.items()}
        return entry

    def put(self, key: Hashable, entry: dict) -> dict:
        """Store the entry (its HTML as rendered for the current user); return it as given."""
        # The templates put a token in only if they have a form (flask-wtf keeps it in g).
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        self._entries.put(key, {k: _take_token(v, token) for k, v in entry.items()})
        return entry

    def clear(self) -> None:
        self._entries.clear()


def _take_token(value, token: str | None):
    if isinstance(value, str) and token:
        return value.replace(token, _CSRF_SENTINEL)
    return value


def _put_token(value, token: str):
    if isinstance(value, str):
        return value.replace(_CSRF_SENTINEL, token)
    return value


def fragments() -> FragmentCache:
    """Return this app's fragment cache (each app, e.g. each test's, has its own)."""
    cache = current_app.extensions.get("styrbord.fragments")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "styrbord.fragments", FragmentCache(current_app.config.get("FRAGMENT_CACHE_SIZE", 256))
        )
    return cache


def worker_cache(name: str, size: int) -> LRU[Any]:
    """Return this app's cache `name` of plain values, made with room for `size` at first use.

    Like the fragments, what it holds is keyed by the version of the data it was computed
    from, and must be immutable: it is shared by the requests and threads of the worker.
    """
    key = f"styrbord.cache.{name}"
    cache = current_app.extensions.get(key)
    if cache is None:
        cache = current_app.extensions.setdefault(key, LRU(size))
    return cast(LRU[Any], cache)


# The blocks of base.html a page fills; a cached page keeps each one's rendered HTML.
PAGE_BLOCKS = ("title", "head", "body_class", "breadcrumbs", "content")


def render_blocks(template_name: str, **context) -> dict[str, str]:
    """Render the blocks a page template fills in base.html, each to its own HTML string.

    `templates/_cached_page.html` puts them back into the layout, around which the parts
    that differ per user (the header with the user's name, flashed messages) are drawn anew.
    Only the blocks run: a macro a block uses must be imported inside that block.
    """
    template = current_app.jinja_env.get_template(template_name)
    current_app.update_template_context(context)
    rendered = template.new_context(context)
    return {
        name: "".join(template.blocks[name](rendered)) if name in template.blocks else ""
        for name in PAGE_BLOCKS
    }
