"""Budgets in mio. kr.: rows (a track or a cross-cutting row) × years plus lasting operation,
kept as approved baselines, forecast and actual spend."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.core.models import ScaledDecimal, Timestamped, UTCDateTime, enum_column, utcnow
from portfolio.extensions import db

LASTING = "varigt"  # the period of the lasting annual operating cost
TOTAL = "total"  # the printed "I alt (2023–2026)" column of a row


class BudgetKind(enum.Enum):
    BASELINE = "baseline"
    FORECAST = "forecast"
    ACTUAL = "actual"

    @property
    def label(self) -> str:
        return str(_BUDGET_KIND_LABELS[self])


_BUDGET_KIND_LABELS = {
    BudgetKind.BASELINE: _l("Godkendt budget"),
    BudgetKind.FORECAST: _l("Prognose"),
    BudgetKind.ACTUAL: _l("Forbrug"),
}


def period_sort_key(period: str) -> tuple[int, int]:
    """Sort years first, in order, then the lasting operation."""
    return (1, 0) if period == LASTING else (0, int(period))


class BudgetRow(db.Model):
    """A row of the budget table: a track, or a labelled cross-cutting row."""

    __tablename__ = "budget_rows"
    __table_args__ = (sa.UniqueConstraint("programme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(300))
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    is_cross_cutting: Mapped[bool] = mapped_column(default=False)
    # How the label was read from the source, when the source does not print it legibly.
    label_note: Mapped[str | None] = mapped_column(sa.Text)

    programme = relationship("Programme")
    track = relationship("Track")

    def __repr__(self) -> str:
        return f"<BudgetRow {self.position} {self.label!r}>"


class Baseline(Timestamped, db.Model):
    """An approved budget version. Immutable once created; a rebaseline adds a new one."""

    __tablename__ = "baselines"
    __table_args__ = (sa.UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    number: Mapped[int]
    approved_on: Mapped[dt.date]
    approved_by: Mapped[str] = mapped_column(sa.String(300))
    document: Mapped[str] = mapped_column(sa.String(300), default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decision: Mapped[str] = mapped_column(sa.Text, default="")

    programme = relationship("Programme")
    lines: Mapped[list[BudgetLine]] = relationship(back_populates="baseline")
    printed_totals: Mapped[list[PrintedTotal]] = relationship(
        back_populates="baseline", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Baseline {self.number} {self.approved_on}>"


class BudgetLine(Timestamped, db.Model):
    """One amount: a budget row in one period, of one kind (and baseline version)."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'baseline' AND baseline_id IS NOT NULL)"
            " OR (kind <> 'baseline' AND baseline_id IS NULL)",
            name="baseline_has_version",
        ),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.Index(
            "uq_budget_lines_baseline",
            "baseline_id",
            "row_id",
            "period",
            unique=True,
            sqlite_where=sa.text("baseline_id IS NOT NULL"),
            postgresql_where=sa.text("baseline_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_budget_lines_current",
            "row_id",
            "kind",
            "period",
            unique=True,
            sqlite_where=sa.text("baseline_id IS NULL"),
            postgresql_where=sa.text("baseline_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_rows.id"), index=True)
    baseline_id: Mapped[int | None] = mapped_column(sa.ForeignKey("baselines.id"), index=True)
    kind: Mapped[BudgetKind] = mapped_column(enum_column(BudgetKind, "budget_kind"))
    period: Mapped[str] = mapped_column(sa.String(10))
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(3))

    row: Mapped[BudgetRow] = relationship()
    baseline: Mapped[Baseline | None] = relationship(back_populates="lines")

    def __repr__(self) -> str:
        return f"<BudgetLine {self.kind.value} row={self.row_id} {self.period}={self.amount}>"


class PrintedTotal(db.Model):
    """A total as the approved document prints it, kept beside the lines, never derived.

    A row's total has `row_id` and column "total"; the document's "I alt" row has no
    `row_id` and one entry per column (each year, "total" and "varigt").
    """

    __tablename__ = "printed_totals"
    __table_args__ = (
        sa.Index(
            "uq_printed_totals_row",
            "baseline_id",
            "row_id",
            "column",
            unique=True,
            sqlite_where=sa.text("row_id IS NOT NULL"),
            postgresql_where=sa.text("row_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_printed_totals_sum_row",
            "baseline_id",
            "column",
            unique=True,
            sqlite_where=sa.text("row_id IS NULL"),
            postgresql_where=sa.text("row_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    baseline_id: Mapped[int] = mapped_column(sa.ForeignKey("baselines.id"), index=True)
    row_id: Mapped[int | None] = mapped_column(sa.ForeignKey("budget_rows.id"))
    column: Mapped[str] = mapped_column(sa.String(10))
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal(3))

    baseline: Mapped[Baseline] = relationship(back_populates="printed_totals")
    row: Mapped[BudgetRow | None] = relationship()

    def __repr__(self) -> str:
        return f"<PrintedTotal row={self.row_id} {self.column}={self.amount}>"


class BudgetImport(db.Model):
    """A forecast or actual workbook that was imported: who, when, which file."""

    __tablename__ = "budget_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    kind: Mapped[BudgetKind] = mapped_column(enum_column(BudgetKind, "budget_import_kind"))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    checksum: Mapped[str] = mapped_column(sa.String(64), index=True)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    imported_by: Mapped[str] = mapped_column(sa.String(254))
    cells_changed: Mapped[int]

    def __repr__(self) -> str:
        return f"<BudgetImport {self.kind.value} {self.file_name!r}>"


_IMMUTABLE = "approved baselines are immutable"

# An approved baseline never changes: the database refuses to update or delete its
# version, its amounts or its printed totals (a rebaseline adds a new version instead).
BASELINE_TRIGGERS = {
    "sqlite": [
        f"""CREATE TRIGGER baselines_immutable_update BEFORE UPDATE ON baselines
        BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END""",
        f"""CREATE TRIGGER baselines_immutable_delete BEFORE DELETE ON baselines
        BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END""",
        f"""CREATE TRIGGER baseline_lines_immutable_update BEFORE UPDATE ON budget_lines
        WHEN OLD.baseline_id IS NOT NULL BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END""",
        f"""CREATE TRIGGER baseline_lines_immutable_delete BEFORE DELETE ON budget_lines
        WHEN OLD.baseline_id IS NOT NULL BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END""",
        f"""CREATE TRIGGER printed_totals_immutable_update BEFORE UPDATE ON printed_totals
        BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END""",
        f"""CREATE TRIGGER printed_totals_immutable_delete BEFORE DELETE ON printed_totals
        BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END""",
    ],
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION baseline_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{_IMMUTABLE}'; END; $$ LANGUAGE plpgsql""",
        # PL/pgSQL may evaluate both sides of an OR, so budget_lines gets its own function.
        f"""CREATE OR REPLACE FUNCTION baseline_line_refuse() RETURNS trigger AS $$
        BEGIN
          IF OLD.baseline_id IS NOT NULL THEN RAISE EXCEPTION '{_IMMUTABLE}'; END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER baselines_immutable BEFORE UPDATE OR DELETE ON baselines
        FOR EACH ROW EXECUTE FUNCTION baseline_refuse()""",
        """CREATE TRIGGER baseline_lines_immutable BEFORE UPDATE OR DELETE ON budget_lines
        FOR EACH ROW EXECUTE FUNCTION baseline_line_refuse()""",
        """CREATE TRIGGER printed_totals_immutable BEFORE UPDATE OR DELETE ON printed_totals
        FOR EACH ROW EXECUTE FUNCTION baseline_refuse()""",
    ],
}


@sa.event.listens_for(db.metadata, "after_create")
def _install_triggers(target, connection, tables=(), **kw):
    # Once the whole schema exists (create_all in tests; migrations install them too).
    created = {table.name for table in tables}
    if {"baselines", "budget_lines", "printed_totals"} <= created:
        for statement in BASELINE_TRIGGERS.get(connection.dialect.name, []):
            connection.exec_driver_sql(statement)
