"""An independent count of every row the tests insert, update or delete, to check the trail.

The audit trail is written by an ORM flush listener. This ledger instead watches every
statement that reaches any database connection, counts the rows each one changes per
table, and counts the audit rows written for each entity. At the end of every test each
audited table must have at least as many audit rows as rows changed.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# Tables whose rows are not audited one by one, and why.
NOT_AUDITED = {
    "audit_entries": "the trail itself",
    "alembic_version": "schema bookkeeping",
    "chart_cache": "derived pictures, rebuilt from audited data",
    "metric_observations": "fetched data; each refresh is logged in metric_fetches",
    "metric_fetches": "the refresh job's own log",
    "outbox_messages": "mail waiting to be sent: the sending job's own bookkeeping",
    "one_time_links": "a link's use is audited as the password change it makes",
    "mail_preferences": "a user's own choice of mail, nobody else's data",
}
# Many-to-many tables: a change is audited as a field of the owning object.
OWNED_BY = {
    "benefit_recipients": "benefits",
    "benefit_tracks": "benefits",
    "benefit_projects": "benefits",
    "benefit_goals": "benefits",
}


class AuditLedger:
    def __init__(self):
        self.changed: Counter[str] = Counter()
        self.audited: Counter[str] = Counter()
        self.total_changed = 0
        self.total_audited = 0

    @staticmethod
    def app_tables() -> set[str]:
        from portfolio.extensions import db

        return set(db.metadata.tables)

    def reset(self) -> None:
        self.changed.clear()
        self.audited.clear()

    def after_execute(self, conn, clauseelement, multiparams, params, execution_options, result):
        if execution_options.get("audit_exempt") or conn.get_execution_options().get(
            "audit_exempt"
        ):
            return
        if not isinstance(clauseelement, sa.sql.dml.UpdateBase):
            return
        table = clauseelement.table.name
        if table not in self.app_tables():
            return  # a table a test made for itself, not part of the app
        rows = list(multiparams) if multiparams else ([params] if params else [{}])
        if table == "audit_entries":
            for row in rows:
                self.audited[row.get("entity", "?")] += 1
            return
        if table in NOT_AUDITED:
            return
        if isinstance(clauseelement, sa.sql.dml.Insert):
            count = len(rows)
        else:
            count = result.rowcount if result.rowcount >= 0 else len(rows)
        self.changed[OWNED_BY.get(table, table)] += count if table not in OWNED_BY else 1

    def unaudited(self) -> dict[str, tuple[int, int]]:
        """Return {table: (rows changed, audit rows)} where the trail falls short."""
        return {
            table: (count, self.audited[table])
            for table, count in self.changed.items()
            if count and self.audited[table] < count
        }

    def settle(self) -> None:
        self.total_changed += sum(self.changed.values())
        self.total_audited += sum(self.audited.values())
        self.reset()

    def install(self) -> None:
        sa.event.listen(Engine, "after_execute", self.after_execute)


LEDGER = AuditLedger()
