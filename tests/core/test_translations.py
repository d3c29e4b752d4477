"""The English catalogue is complete, keeps its placeholders, matches the source, and is used."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "translations" / "messages.pot"
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# %(name)s, %(n)d, %s, %d …, but not the escaped "%%".
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifreExXgGoc]")

UPDATE_HINT = "run `make translations-update` and translate the new strings in {po}"


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def _placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.fixture(scope="module")
def template():
    return _read(POT)


@pytest.fixture(scope="module")
def english():
    return _read(PO)


def test_every_message_is_translated(template, english):
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = english.get(message.id)
        if translated is None:
            problems.append(f"missing from the .po: {message.id!r}")
            continue
        strings = translated.string
        if not isinstance(strings, tuple):
            strings = (strings,)
        if not all(s and s.strip() for s in strings):
            problems.append(f"not translated: {message.id!r}")
        if translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert not problems, "\n".join([UPDATE_HINT.format(po=PO.relative_to(ROOT)), *problems])


def test_no_stale_messages_in_the_po(template, english):
    stale = _ids(english) - _ids(template)
    assert not stale, f"messages no longer in the source: {sorted(map(str, stale))}; " + (
        UPDATE_HINT.format(po=PO.relative_to(ROOT))
    )


def test_placeholders_match(english):
    problems = []
    for message in english:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            pairs = [(singular, message.string[0]), (plural, message.string[1])]
        else:
            pairs = [(message.id, message.string)]
        for source, target in pairs:
            if _placeholders(source) != _placeholders(target or ""):
                problems.append(f"{source!r} -> {target!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_babel_finds_no_format_errors(english):
    """Babel's own checks: python-format strings and plural forms agree."""
    errors = [(message.id, [str(e) for e in errs]) for message, errs in english.check()]
    assert not errors, errors


def test_pot_is_up_to_date_with_the_source(tmp_path, template):
    """Extract the strings the way `make translations-update` does and compare."""
    fresh_path = tmp_path / "messages.pot"
    # The same options as the Makefile's translations-update target.
    command = [
        sys.executable,
        "-m",
        "babel.messages.frontend",
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--project",
        "Styrbord",
        "--ignore-dirs=.venv tests benchmarks migrations",
        "-o",
        str(fresh_path),
        ".",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    fresh = _ids(_read(fresh_path))
    committed = _ids(template)
    added, removed = fresh - committed, committed - fresh
    assert not added and not removed, (
        "translations/messages.pot is out of date with the source; "
        + UPDATE_HINT.format(po=PO.relative_to(ROOT))
        + f"\nnew in the source: {sorted(map(str, added))}"
        + f"\ngone from the source: {sorted(map(str, removed))}"
    )


def test_programme_page_in_english(client, login_as):
    login_as("viewer")
    response = client.post("/language", data={"lang": "en", "next": "/programmes/ddns"})
    assert response.status_code == 302
    page = client.get("/programmes/ddns")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html
    for label in (
        "Master data",
        "Implementation and tracks",
        "Approvals",
        "Programme owner",
        "Expected expenditure",
        "Benefits",
        "Risks",
        "Log out",
    ):
        assert label in html, label
    assert "18 January 2023" in html
    for danish in ("Stamdata", "Godkendelser", "Log ud"):
        assert danish not in html, danish


def test_danish_stays_the_default(client, login_as):
    login_as("viewer")
    html = client.get("/programmes/ddns").get_data(as_text=True)
    assert "Stamdata" in html
    assert "18. januar 2023" in html


def test_switching_language_switches_the_status_page_back_and_forth(client, login_as):
    """The templates remember translations per language, never across languages."""
    login_as("viewer")
    danish = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Til beslutning i styregruppen" in danish and "58,1 mio. kr." in danish
    client.post("/language", data={"lang": "en", "next": "/"})
    english = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Til beslutning i styregruppen" not in english
    assert "DKK 58.1m" in english
    client.post("/language", data={"lang": "da", "next": "/"})
    again = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Til beslutning i styregruppen" in again and "Log ud" in again
