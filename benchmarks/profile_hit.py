"""Where the time of a page served from the page cache goes, profiled with pyinstrument.

Run with `.venv/bin/python benchmarks/profile_hit.py [--scale 100] [--path …]`. It builds a
scratch database as bench_server.py does (PostgreSQL when TEST_DATABASE_URL is set, else
SQLite; `--database URL` reuses one built earlier), signs in as a viewer of every
programme, requests the page until it is cached, then calls the WSGI app itself (as
gunicorn does, without a test client's cookie jar in between) `--requests` times under
pyinstrument and prints the call tree, the frames that took the most time of their own,
and the CPU time per request. pyinstrument is a dev dependency (`make install` has it).

With `--after-edit` each request follows an edit of a risk of syn-001 (its owner, saved
with the trail as any edit is), so the page is drawn anew every time: where the time of a
redraw goes, with the edits' own time shown apart under `_edit`.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import os
import time

import sqlalchemy as sa
from _common import PASSWORD, build_portfolio, scratch_database

VIEWER = "viewer@example.dk"


def _app_on(url: str, scale: int):
    """Return an app on the database at `url`, building the portfolio there if it is empty."""
    if "programmes" in sa.inspect(sa.create_engine(url)).get_table_names():
        from portfolio import create_app

        return create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "TODAY": "2026-11-21",
                "RATELIMIT_ENABLED": False,
            }
        )
    app = build_portfolio(url, scale)
    with app.app_context():
        from portfolio.auth import services as auth_services
        from portfolio.auth.models import Role
        from portfolio.extensions import db

        viewer = auth_services.create_user(VIEWER, PASSWORD)
        auth_services.grant_role(viewer, Role.VIEWER)  # every programme
        db.session.commit()
        db.session.remove()
    return app


def _signed_in_environ(app, path: str) -> dict:
    """Sign the viewer in through the login form; return a WSGI environ for `path`."""
    from _common import sign_in
    from werkzeug.test import EnvironBuilder

    client = app.test_client()
    # One browser all along: the session is bound to its address and user agent.
    client.environ_base["HTTP_USER_AGENT"] = "profile_hit"
    sign_in(client, email=VIEWER)
    # The first page puts a CSRF token into the session; a browser keeps the cookie after.
    assert client.get(path).status_code == 200
    cookie = client.get_cookie("session")
    builder = EnvironBuilder(
        path=path,
        headers={"Cookie": f"session={cookie.value}", "User-Agent": "profile_hit"},
        base_url="http://127.0.0.1",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return builder.get_environ()


def _request(app, environ: dict) -> int:
    status = []
    body = app(dict(environ), lambda s, _h, _e=None: status.append(s))
    for _chunk in body:
        pass
    with contextlib.suppress(AttributeError):
        body.close()
    return int(status[0].split()[0])


def _edit(app, attempt: int) -> None:
    """Change the owner of syn-001's first risk, as an edit through the app would."""
    from portfolio.extensions import db
    from portfolio.programmes.services import get_programme
    from portfolio.risks.services import list_risks

    with app.app_context():
        risk = list_risks(get_programme("syn-001").id)[0]
        risk.owner = f"Ejer {attempt}"
        db.session.commit()
        db.session.remove()


def _where(frame) -> str:
    path = frame.file_path or "?"
    # Libraries by their name, our own code by its path in the project.
    path = path.split("site-packages/")[-1] if "site-packages/" in path else os.path.relpath(path)
    return f"{frame.function}  {path}:{frame.line_no}"


def time_by_function(session, top: int = 40) -> tuple[str, str]:
    """The functions that took the most time with what they called, and by themselves."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()

    def walk(frame, above: frozenset) -> None:
        if frame.is_synthetic:
            return
        where = _where(frame)
        if where not in above:
            inclusive[where] += frame.time
        own[where] += frame.total_self_time
        for child in frame.children:
            walk(child, above | {where})

    walk(session.root_frame(), frozenset())
    whole = session.duration or 1

    def table(counter: collections.Counter[str]) -> str:
        return "\n".join(
            f"{seconds / whole:6.1%}  {where}" for where, seconds in counter.most_common(top)
        )

    return table(inclusive), table(own)


def main() -> None:
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--path", default="/programmes/syn-001/status")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database", help="reuse this database (built when empty)")
    parser.add_argument("--after-edit", action="store_true", help="draw the page anew each time")
    args = parser.parse_args()
    dialect = (
        "postgresql"
        if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
        else "sqlite"
    )
    with contextlib.ExitStack() as stack:
        url = args.database or stack.enter_context(scratch_database(dialect))
        app = _app_on(url, args.scale)
        environ = _signed_in_environ(app, args.path)
        for _ in range(20):  # drawn once, then served from the page cache
            assert _request(app, environ) == 200
        profiler = Profiler(interval=0.0002)
        cpu_start = time.process_time()
        profiler.start()
        for attempt in range(args.requests):
            if args.after_edit:
                _edit(app, attempt)
            _request(app, environ)
        profiler.stop()
        cpu_ms = (time.process_time() - cpu_start) * 1000 / args.requests
        out = io.StringIO()
        what = "edits, each followed by the page drawn anew" if args.after_edit else "cache hits"
        out.write(f"{args.path}, {args.requests} {what}, {cpu_ms:.2f} ms CPU each\n\n")
        inclusive, own = time_by_function(profiler.last_session)
        out.write("Share of the time in each function, with what it called:\n")
        out.write(inclusive + "\n\n")
        out.write("Share of the time in each function itself:\n")
        out.write(own + "\n")
        print(out.getvalue())


if __name__ == "__main__":
    main()
