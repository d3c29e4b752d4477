"""Every main page in a real browser: no sideways scrolling on a 390 px phone, and no
serious or critical accessibility problem that axe-core finds, for each role.

One seeded app and one signed-in tab per role serve the whole module, so the many page
visits cost a page load each rather than an app and a sign-in each.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio.extensions import db
from tests.conftest import PASSWORD, Users, make_app
from tests.live import LiveServer
from tests.routes import sample_values

from .conftest import TODAY

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
# A folder to save each page's screenshot in (at 390 and 1366 px), for a person to look at.
SHOTS = os.environ.get("BROWSER_SHOTS")
ROLES = ("admin", "secretariat", "track_lead", "benefit_owner", "viewer")

# The pages people work in (forms and files aside); `{…}` are filled with DDNS objects.
PAGES = {
    "portfolio": "/",
    "programme": "/programmes/ddns",
    "status": "/programmes/ddns/status",
    "track": "/programmes/ddns/tracks/1",
    "project": "/programmes/ddns/projects/1.1",
    "milestones": "/programmes/ddns/milestones/",
    "decisions": "/programmes/ddns/decisions/",
    "budget": "/programmes/ddns/budget",
    "risks": "/programmes/ddns/risks/",
    "risk": "/programmes/ddns/risks/R1",
    "benefits": "/programmes/ddns/benefits",
    "benefit": "/programmes/ddns/benefits/GH1",
    "benefit map": "/programmes/ddns/benefits/map",
    "stakeholders": "/programmes/ddns/stakeholders/",
    "organisation": "/programmes/ddns/organisation/",
    "governance body": "/programmes/ddns/organisation/{body_id}/edit",
    "annexes": "/programmes/ddns/annexes/",
    "workshops": "/programmes/ddns/workshops/",
    "workshop": "/programmes/ddns/workshops/{workshop_id}",
    "reports": "/programmes/ddns/reports/",
    "report": "/programmes/ddns/reports/{report_id}",
    "programme history": "/programmes/ddns/history",
    "change requests": "/programmes/ddns/change-requests",
    "change request": "/programmes/ddns/change-requests/ÆA1",
    "audit log": "/admin/audit",
    "metric sources": "/metrics/sources/",
    "admin users": "/admin/users",
    "account": "/account",
    "calendar feeds": "/account/calendars",
    "mail choices": "/account/mail",
    "forgot password": "/password/forgot",
    "setup": "/programmes/ddns/setup",
    "new programme": "/programmes/new",
    "new track": "/programmes/ddns/setup/tracks/new",
    "retire track": "/programmes/ddns/tracks/4/retire",
    "new phase": "/programmes/ddns/setup/timeline/new",
    "edit phase": "/programmes/ddns/timeline/{timeline_id}/edit",
}

# The element that makes a page wider than its window: the outermost one reaching past
# the right edge whose own box, not only its content, does so.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 0.5 || box.width === 0) continue;
    let outer = el.parentElement, nested = false;
    while (outer && outer !== document.body) {
      if (culprits.includes(outer)) { nested = true; break; }
      outer = outer.parentElement;
    }
    if (!nested) culprits.push(el);
  }
  culprits.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  return culprits.slice(0, 4).map(el => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    const within = el.closest('[id]');
    const where = within && within !== el ? ` in #${within.id}` : '';
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}${id}${cls}${where} (right edge ${right} px)`;
  });
}"""


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory, _sqlite_template, _postgres_schema) -> Iterator[dict]:
    """The seeded app served live, with a user of each role and the sample objects."""
    app = make_app(
        tmp_path_factory.mktemp("site"),
        _sqlite_template,
        snapshot=_postgres_schema,
        WTF_CSRF_ENABLED=True,
        TODAY=TODAY,
    )
    with app.app_context():
        for role in ROLES:
            Users().make(role)
        values = sample_values()
        db.session.remove()
    server = LiveServer(app)
    server.start()
    yield {"server": server, "values": values}
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def tabs(browser, site) -> Iterator[dict]:
    """A signed-in browser tab per role (made on first use), at phone size."""
    made: dict = {}

    def tab(role: str):
        if role not in made:
            context = browser.new_context(
                base_url=site["server"].base_url, viewport=PHONE, locale="da-DK"
            )
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.goto("/login")
            page.get_by_label("E-mail").fill(f"{role}@example.dk")
            page.get_by_label("Adgangskode").fill(PASSWORD)
            page.get_by_role("button", name="Log ind").click()
            page.wait_for_url(lambda url: "/login" not in url)
            made[role] = page
        return made[role]

    yield tab
    for page in made.values():
        page.context.close()


def _url(site, name: str) -> str:
    return PAGES[name].format(**site["values"])


def _visit(page, path: str) -> None:
    response = page.goto(path, wait_until="load")
    assert response is not None and response.status < 500, f"{path} answered {response.status}"


def _shoot(page, name: str) -> None:
    """Save the page at phone and laptop width to the BROWSER_SHOTS folder."""
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    stem = name.replace(" ", "-")
    page.screenshot(path=folder / f"{stem}-390.png", full_page=True)
    page.set_viewport_size(LAPTOP)
    page.screenshot(path=folder / f"{stem}-1366.png", full_page=True)
    page.set_viewport_size(PHONE)


def _overflow(page) -> tuple[int, list[str]]:
    width = page.evaluate("document.documentElement.scrollWidth")
    return width, ([] if width <= PHONE["width"] else page.evaluate(WIDEST))


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_a_phone(tabs, site, name):
    page = tabs("admin")
    _visit(page, _url(site, name))
    width, culprits = _overflow(page)
    if SHOTS:
        _shoot(page, name)
    assert width <= PHONE["width"], (
        f"{name} is {width} px wide at {PHONE['width']} px; too wide: {'; '.join(culprits)}"
    )


def test_login_fits_a_phone(browser, site):
    context = browser.new_context(base_url=site["server"].base_url, viewport=PHONE)
    try:
        page = context.new_page()
        _visit(page, "/login")
        width, culprits = _overflow(page)
        assert width <= PHONE["width"], f"login is {width} px wide: {'; '.join(culprits)}"
    finally:
        context.close()


def _serious(page) -> list[str]:
    """Run axe-core on the page; describe each serious or critical violation found."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


# Ids used more than once on the page (axe-core 4.12 no longer checks this itself).
TWICE = """() => {
  const seen = {};
  for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
  return Object.keys(seen).filter(id => seen[id] > 1);
}"""


@pytest.fixture(scope="module")
def axe_or_skip():
    pytest.importorskip(
        "axe_playwright_python",
        reason="axe-playwright-python is not installed (pip install -e '.[dev]')",
    )


def _problems(page, path: str) -> list[str]:
    """Visit the page; list axe's serious findings, ids used twice, files not found and
    whether the page is wider than the window."""
    missing: list[str] = []

    def note(response):
        if response.status == 404:
            missing.append(response.url)

    page.on("response", note)
    try:
        _visit(page, path)
        page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("response", note)
    problems = _serious(page)
    problems += [f"id {id_!r} used more than once" for id_ in page.evaluate(TWICE)]
    problems += [f"{url} answered 404" for url in missing]
    # What this role sees must fit the window too (the phone test looks as an admin).
    window = page.viewport_size["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > window:
        problems.append(f"{width} px wide: {'; '.join(page.evaluate(WIDEST))}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_accessibility_problems(axe_or_skip, tabs, site, role):
    page = tabs(role)
    found = {}
    for width in (PHONE, LAPTOP):
        page.set_viewport_size(width)
        # Every page at both widths for the administrator, who sees every part of them: a
        # table's cells scrolled out of view at 390 px are not checked there (axe cannot see
        # their contrast). The other roles see the pages the same way; at 1366 px the two
        # they use most are enough.
        laptop = PAGES if role == "admin" else ("status", "budget")
        for name in PAGES if width is PHONE else laptop:
            problems = _problems(page, _url(site, name))
            if problems:
                found[f"{name} at {width['width']} px"] = problems
    page.set_viewport_size(PHONE)
    assert not found, f"as {role}:\n" + "\n".join(
        f"  {name}: {'; '.join(problems)}" for name, problems in found.items()
    )


def test_login_has_no_serious_accessibility_problems(axe_or_skip, browser, site):
    context = browser.new_context(base_url=site["server"].base_url, viewport=PHONE)
    try:
        assert _problems(context.new_page(), "/login") == []
    finally:
        context.close()


# The focused element's outline against the colour around it (the first ancestor with a
# background), as WCAG 2.1 computes contrast; null when nothing is focused.
RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgb = text => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let back = [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || colour[3] > 0) {
      back = colour.slice(0, 3);
      break;
    }
  }
  const style = getComputedStyle(el);
  const ring = rgb(style.outlineColor).slice(0, 3);
  const [hi, lo] = [luminance(ring), luminance(back)].sort((a, b) => b - a);
  return {
    element: el.tagName.toLowerCase() + ' ' + (el.textContent || '').trim().slice(0, 30),
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    contrast: Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100,
  };
}"""


@pytest.mark.parametrize("name", ["status", "budget"])
def test_focus_ring_stands_out_from_its_background(tabs, site, name):
    page = tabs("admin")
    page.set_viewport_size(LAPTOP)
    try:
        _visit(page, _url(site, name))
        weak, seen = [], 0
        for _ in range(60):
            page.keyboard.press("Tab")
            ring = page.evaluate(RING)
            if ring is None:
                continue
            seen += 1
            if ring["style"] == "none" or ring["width"] < 2 or ring["contrast"] < 3:
                weak.append(
                    f"{ring['element']}: {ring['style']} {ring['width']} px, "
                    f"contrast {ring['contrast']}:1"
                )
        assert seen > 20, f"only {seen} elements took the focus on {name}"
        assert not weak, f"focus rings under 3:1 on {name}: " + "; ".join(weak[:8])
    finally:
        page.set_viewport_size(PHONE)
