"""Forms of change requests: the request itself, one form per kind of change, the decision."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import Optional

from portfolio.changes.models import ChangeKind, ChangeStatus, Operation
from portfolio.changes.services import parse_delta
from portfolio.core.forms import (
    CreateForm,
    DateField,
    EditForm,
    EnumSelectField,
    MonthField,
    OptionalIdSelectField,
)
from portfolio.core.validators import MaxLength, Required
from portfolio.programmes.models import ProjectStatus

NUMBER_LIMIT = Decimal("1e15")


class ChangeRequestForm(EditForm):
    title = StringField(_l("Titel"), validators=[Required(), MaxLength(300)])
    reason = TextAreaField(_l("Begrundelse"), validators=[MaxLength(20_000)])
    impact = TextAreaField(
        _l("Konsekvens (for tid, økonomi, gevinster og omfang)"), validators=[MaxLength(20_000)]
    )
    requested_by = StringField(_l("Anmodet af"), validators=[Required(), MaxLength(200)])
    requested_on = DateField(_l("Anmodet den"), validators=[Required()])
    decision_wanted_on = DateField(_l("Ønskes besluttet (møde)"), validators=[Optional()])


class NewChangeRequestForm(CreateForm, ChangeRequestForm):
    pass


class ItemForm(EditForm):
    """A proposed change; carries the request's version."""

    kind: ChangeKind

    def values(self) -> dict:
        return self.changes()


class TimelineChangeForm(ItemForm):
    kind = ChangeKind.TIMELINE
    target_id = OptionalIdSelectField(_l("Fase eller bølge"))
    new_start = MonthField(_l("Ny startmåned"), validators=[Required()])
    new_end = MonthField(_l("Ny slutmåned"), validators=[Required()])


class MilestoneChangeForm(ItemForm):
    kind = ChangeKind.MILESTONE
    target_id = OptionalIdSelectField(_l("Milepæl"))
    new_date = DateField(_l("Ny planlagt dato"), validators=[Required()])


class BudgetChangeForm(ItemForm):
    kind = ChangeKind.BUDGET
    target_id = OptionalIdSelectField(_l("Budgetrække"))
    period = SelectField(_l("År"))
    delta = StringField(
        _l("Ændring i mio. kr. (fx 1,5 eller -0,5)"), validators=[Required(), MaxLength(30)]
    )

    def validate_delta(self, field):
        try:
            self.parsed_delta = parse_delta(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def values(self) -> dict:
        return {
            "target_id": self.target_id.data,
            "period": self.period.data,
            "delta": getattr(self, "parsed_delta", None),
        }


class IndicatorChangeForm(ItemForm):
    kind = ChangeKind.INDICATOR
    target_id = OptionalIdSelectField(_l("Indikator"))
    new_value = StringField(_l("Ny målværdi"), validators=[Required(), MaxLength(40)])
    new_period = MonthField(_l("Ny målperiode (tom: uændret)"), validators=[Optional()])

    def validate_new_value(self, field):
        from portfolio.indicators.editing import parse_number

        try:
            value = parse_number(field.data)
        except (ValueError, InvalidOperation, ArithmeticError) as error:
            raise ValidationError(_("Skriv et tal, fx 12,5.")) from error
        if value is None or not value.is_finite() or abs(value) >= NUMBER_LIMIT:
            raise ValidationError(_("Skriv et tal, fx 12,5."))
        self.parsed_value = value

    def values(self) -> dict:
        return {
            "target_id": self.target_id.data,
            "new_value": getattr(self, "parsed_value", None),
            "new_period": self.new_period.data,
        }


class DeliverableChangeForm(ItemForm):
    kind = ChangeKind.DELIVERABLE
    operation = EnumSelectField(
        _l("Handling"),
        enum_cls=Operation,
        members=(Operation.ADD, Operation.CHANGE, Operation.REMOVE),
    )
    track_id = OptionalIdSelectField(_l("Spor (ved tilføj)"))
    deliverable_id = OptionalIdSelectField(_l("Leverance (ved ændr og fjern)"))
    text = TextAreaField(_l("Leverancens tekst"), validators=[MaxLength(5_000)])

    def values(self) -> dict:
        adding = self.operation.data is Operation.ADD
        return {
            "operation": self.operation.data,
            "target_id": self.track_id.data if adding else self.deliverable_id.data,
            "text": self.text.data or "",
        }


class ProjectChangeForm(ItemForm):
    kind = ChangeKind.PROJECT
    operation = EnumSelectField(
        _l("Handling"), enum_cls=Operation, members=(Operation.ADD, Operation.STATUS)
    )
    project_id = OptionalIdSelectField(_l("Projekt (ved ny status)"))
    track_id = OptionalIdSelectField(_l("Spor (ved nyt projekt)"))
    new_code = StringField(_l("Nyt projekts nummer"), validators=[Optional(), MaxLength(20)])
    name = StringField(_l("Nyt projekts navn"), validators=[Optional(), MaxLength(300)])
    new_status = EnumSelectField(_l("Status"), enum_cls=ProjectStatus, validators=[Optional()])

    def values(self) -> dict:
        adding = self.operation.data is Operation.ADD
        status = self.new_status.data
        return {
            "operation": self.operation.data,
            "target_id": self.track_id.data if adding else self.project_id.data,
            "new_code": ((self.new_code.data or "").strip() or None) if adding else None,
            "text": (self.name.data or "") if adding else "",
            "new_status": status.value if status is not None else None,
        }


ITEM_FORMS: dict[ChangeKind, type[ItemForm]] = {
    form.kind: form
    for form in (
        TimelineChangeForm,
        MilestoneChangeForm,
        BudgetChangeForm,
        IndicatorChangeForm,
        DeliverableChangeForm,
        ProjectChangeForm,
    )
}


class SubmitForm(EditForm):
    pass


class RemoveItemForm(EditForm):
    pass


class DecideForm(EditForm):
    outcome = EnumSelectField(
        _l("Beslutning"),
        enum_cls=ChangeStatus,
        members=(ChangeStatus.APPROVED, ChangeStatus.REJECTED, ChangeStatus.POSTPONED),
    )
    decided_on = DateField(_l("Besluttet den"), validators=[Required()])
    meeting = StringField(
        _l("Møde (fx Programstyregruppemøde 3. december 2026)"),
        validators=[Optional(), MaxLength(300)],
    )
    decision_text = TextAreaField(
        _l("Styregruppens beslutning"), validators=[Required(), MaxLength(20_000)]
    )
