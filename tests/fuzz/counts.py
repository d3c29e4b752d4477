"""Running totals of the fuzz cases, printed at the end of the run (issue 3's figure)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FuzzCounts:
    form_submissions: int = 0
    form_routes: set[str] = field(default_factory=set)
    api_cases: int = 0

    def summary(self) -> str | None:
        if not (self.form_submissions or self.api_cases):
            return None
        return (
            f"fuzz cases: {self.form_submissions} form submissions over "
            f"{len(self.form_routes)} form routes, {self.api_cases} API cases"
        )


COUNTS = FuzzCounts()
