"""Forms of the budget page: amount grids, a new baseline version, and the upload."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField

from portfolio.budgets.models import BudgetKind
from portfolio.budgets.services import parse_amount
from portfolio.core.forms import DateField, EnumSelectField, Form, confirmation_field
from portfolio.core.validators import MaxLength, Required


class AmountGrid:
    """The cells of a rows × periods grid, read from the submitted form.

    Each cell is an input named `cell-<row id>-<period>`, beside a hidden `orig-…` holding
    the value the editor started from (for spotting a colleague's change in between).
    """

    def __init__(self, rows, periods, formdata):
        self.rows = rows
        self.periods = periods
        self.values: dict[tuple[int, str], Decimal | None] = {}
        self.started_from: dict[tuple[int, str], Decimal | None] = {}
        self.errors: dict[tuple[int, str], str] = {}
        self.raw: dict[tuple[int, str], str] = {}
        self.original_raw: dict[tuple[int, str], str] = {}
        for row in rows:
            for period in periods:
                key = (row.id, period)
                text = formdata.get(f"cell-{row.id}-{period}", "")
                self.raw[key] = text
                try:
                    self.values[key] = parse_amount(text)
                except ValueError as error:
                    self.errors[key] = str(error)
                original = formdata.get(f"orig-{row.id}-{period}", "")
                self.original_raw[key] = original
                try:
                    self.started_from[key] = parse_amount(original)
                except ValueError:
                    self.errors[key] = str(_l("Formularen er beskadiget. Indlæs siden igen."))

    @property
    def valid(self) -> bool:
        return not self.errors


class GridForm(Form):
    """Only the CSRF token; the cells are read by AmountGrid."""


class RebaselineForm(Form):
    approved_on = DateField(_l("Godkendt (dato)"), validators=[Required()])
    approved_by = StringField(_l("Godkendt af"), validators=[Required(), MaxLength(300)])
    document = StringField(_l("Dokument"), validators=[MaxLength(300)])
    reason = TextAreaField(_l("Årsag"), validators=[Required(), MaxLength(5000)])
    decision = TextAreaField(_l("Beslutning"), validators=[Required(), MaxLength(5000)])
    # A registered version can never be changed or deleted: the user confirms it first.
    confirmed = confirmation_field()


class ImportForm(Form):
    kind = EnumSelectField(
        _l("Indlæs som"), enum_cls=BudgetKind, members=(BudgetKind.FORECAST, BudgetKind.ACTUAL)
    )
    file = FileField(_l("Excel-fil (.xlsx)"), validators=[FileRequired(_l("Vælg en fil."))])
