"""What the route walker checked in this run, printed at the end of the suite."""

from collections import Counter

WALKED: Counter[str] = Counter()
ROLES_WALKED: set[str] = set()


def summary() -> str | None:
    if not WALKED:
        return None
    return (
        f"route walker: {WALKED['anonymous']} routes walked anonymously, "
        f"{WALKED['role_checks']} role × state-changing route checks "
        f"({len(ROLES_WALKED)} roles), {WALKED['csrf']} form routes refused without a CSRF token"
    )
