"""The figures the suite prints at its end, summed over pytest-xdist's workers.

Each worker counts in its own memory (the audit ledger, the route walker, the fuzzers); at
the end of its session it hands its counts to the controller through xdist's
`workeroutput`, and the controller adds them up before printing. Without xdist the
process's own counts are printed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.audit_ledger import LEDGER
from tests.auth import walk_counts
from tests.fuzz.counts import COUNTS

KEY = "styrbord_run_totals"


def collect() -> dict[str, Any]:
    """Return this process's counts as plain values that can cross to the controller."""
    return {
        "audit_changed": LEDGER.total_changed,
        "audit_rows": LEDGER.total_audited,
        "walked": dict(walk_counts.WALKED),
        "roles_walked": sorted(walk_counts.ROLES_WALKED),
        "form_submissions": COUNTS.form_submissions,
        "form_routes": sorted(COUNTS.form_routes),
        "api_cases": COUNTS.api_cases,
    }


def add(part: dict[str, Any]) -> None:
    """Add a worker's counts to this process's (the controller's) counts."""
    LEDGER.total_changed += part["audit_changed"]
    LEDGER.total_audited += part["audit_rows"]
    walk_counts.WALKED.update(Counter(part["walked"]))
    walk_counts.ROLES_WALKED.update(part["roles_walked"])
    COUNTS.form_submissions += part["form_submissions"]
    COUNTS.form_routes.update(part["form_routes"])
    COUNTS.api_cases += part["api_cases"]


def lines() -> list[str]:
    """Return the closing lines: what the route walker and fuzzers did, and the audit check."""
    found = [walk_counts.summary(), COUNTS.summary()]
    found.append(
        f"audit completeness: {LEDGER.total_changed} changed rows checked against "
        f"{LEDGER.total_audited} audit rows"
    )
    return [line for line in found if line]


class XdistTotals:
    """xdist's hooks, registered only when xdist is loaded (pytest refuses unknown hooks)."""

    def pytest_testnodedown(self, node, error) -> None:
        part = getattr(node, "workeroutput", {}).get(KEY)
        if part:
            add(part)
