"""What the form fuzzer needs: the app's form routes, the forms its pages show, a fingerprint
of the database, and a way to put the database back after a submission was accepted."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import HTTPException

from portfolio.extensions import db
from tests.conftest import TEST_DATABASE_URL, _reset_postgres, _take_snapshot


def form_rules(app: Flask):
    """Every rule a browser form posts to: accepts POST and is not part of the JSON API."""
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "POST" in r.methods and not r.rule.startswith("/api/")
        ),
        key=lambda r: r.endpoint,
    )


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, checkbox, file, hidden, password, …
    default: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class FormSpec:
    endpoint: str
    method: str
    url: str
    fields: dict[str, FormField] = field(default_factory=dict)
    multipart: bool = False


# Pages that answer with something other than HTML, or that are slow and hold no form.
_NOT_PAGES = (".chart", ".pdf", ".export", "audit_csv", "static", "core.healthz", "api.")


def discover_forms(app: Flask, client, urls: dict[str, str]) -> dict[str, FormSpec]:
    """Read every page the client can see and return the forms on them by target endpoint.

    `urls` maps each GET endpoint to a concrete URL. A form's fields are the union of what
    its pages show (a form can appear on several pages with different rows).
    """
    adapter = app.url_map.bind("localhost")
    forms: dict[str, FormSpec] = {}
    for endpoint, url in urls.items():
        if endpoint.startswith(_NOT_PAGES) or endpoint == "auth.logout":
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = lxml.html.fromstring(response.get_data(as_text=True))
        for form in page.forms:
            method = (form.get("method") or "get").upper()
            action = urlsplit(form.get("action") or url).path
            try:
                target, _ = adapter.match(action, method=method)
            except HTTPException:
                continue
            spec = forms.setdefault(target, FormSpec(endpoint=target, method=method, url=action))
            spec.multipart |= (form.get("enctype") or "") == "multipart/form-data"
            for element in form.inputs:
                name = element.get("name")
                if not name or name == "csrf_token":
                    continue
                _add_field(spec, name, element)
    return forms


def _add_field(spec: FormSpec, name: str, element) -> None:
    if element.tag == "select":
        kind = "select"
        options = [o.get("value", o.text_content()) for o in element.iter("option")]
        default = element.value if not element.multiple else ""
    elif element.tag == "textarea":
        kind, options, default = "textarea", [], element.text or ""
    else:
        kind = (element.get("type") or "text").lower()
        default = element.get("value") or ""
        options = [default] if kind in ("checkbox", "radio") else []
        if kind == "checkbox" and element.get("checked") is None:
            default = ""
    known = spec.fields.get(name)
    if known is None:
        spec.fields[name] = FormField(name, kind, default or "", options)
    else:
        known.options = sorted(set(known.options) | set(options))


def fingerprint() -> dict[str, int]:
    """Row counts of every table and the newest audit row: any write changes one of them."""
    counts = {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    audit = db.metadata.tables["audit_entries"]
    counts["newest audit row"] = db.session.scalar(sa.select(sa.func.max(audit.c.id))) or 0
    db.session.rollback()  # hold no transaction open between requests
    return counts


class Restorer:
    """Put the database back as it was when made: a file copy on SQLite, rows on PostgreSQL.

    Hypothesis replays and shrinks examples, so each example must meet the same database;
    only accepted submissions change it, so only they are followed by a restore.
    """

    def __init__(self, app: Flask, workdir: Path):
        self.app = app
        db.session.remove()
        if TEST_DATABASE_URL:
            self.snapshot = _take_snapshot()
        else:
            self.path = Path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
            db.engine.dispose()
            self.copy = workdir / "fuzz-start.db"
            shutil.copy(self.path, self.copy)
        self.restores = 0

    def restore(self) -> None:
        db.session.remove()
        if TEST_DATABASE_URL:
            _reset_postgres(self.snapshot)
        else:
            db.engine.dispose()
            shutil.copy(self.copy, self.path)
        self.restores += 1


def is_local_redirect(location: str) -> bool:
    """A redirect stays on this site: a path, not one a browser reads as another host."""
    parts = urlsplit(location)
    return (
        not parts.scheme
        and not parts.netloc
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and not any(ord(c) < 32 or c == "\\" for c in location)
    )
