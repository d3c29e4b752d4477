"""Forms of the set-up pages: a new programme, a new track, moving, retiring and deleting
tracks, phases and waves, and the first approved budget."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from portfolio.core.forms import (
    CreateForm,
    DateField,
    EditForm,
    EnumSelectField,
    Form,
    MonthField,
    confirmation_field,
)
from portfolio.core.validators import MaxLength, Required
from portfolio.programmes.forms import ProgrammeForm, TrackForm
from portfolio.programmes.models import TimelineKind


class NewProgrammeForm(CreateForm, ProgrammeForm):
    slug = StringField(
        _l("Kortadresse"),
        validators=[Required(), MaxLength(60)],
        filters=[lambda value: value.strip().lower() if isinstance(value, str) else value],
    )
    template = SelectField(_l("Skabelon"), choices=[], validate_choice=True)
    shift_timeline = BooleanField(_l("Flyt skabelonens faser og bølger med programmets start"))


class NewTrackForm(CreateForm, TrackForm):
    """A new track: no stored version yet."""


class StepForm(EditForm):
    """Moves a track, a phase or a wave one place up or down, at the version shown."""

    step = HiddenField()

    def validate_step(self, field):
        if field.data not in ("up", "down"):
            raise ValidationError(_l("Vælg op eller ned."))

    @property
    def offset(self) -> int:
        return -1 if self.step.data == "up" else 1


class VersionForm(EditForm):
    """Only the version the object was shown at (deleting, reinstating)."""


class RetireTrackForm(EditForm):
    reason = TextAreaField(_l("Hvorfor udgår sporet?"), validators=[Required(), MaxLength(5000)])


class TimelineItemForm(EditForm):
    name = StringField(_l("Navn"), validators=[Required(), MaxLength(200)])
    kind = EnumSelectField(_l("Type"), enum_cls=TimelineKind)
    start_month = MonthField(_l("Start (måned)"), validators=[Required()])
    end_month = MonthField(_l("Slut (måned)"), validators=[Required()])

    def validate_end_month(self, field):
        start = self.start_month.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(_l("Slutmåneden skal ligge efter startmåneden (eller være den)."))


class NewTimelineItemForm(CreateForm, TimelineItemForm):
    """A new phase or wave: no stored version yet."""


class FirstBudgetForm(Form):
    """The first approved budget's facts; the amounts are read from the grid's cells."""

    approved_on = DateField(_l("Godkendt (dato)"), validators=[Required()])
    approved_by = StringField(_l("Godkendt af"), validators=[Required(), MaxLength(300)])
    document = StringField(_l("Dokument"), validators=[Optional(), MaxLength(300)])
    decision = TextAreaField(_l("Beslutning"), validators=[Required(), MaxLength(5000)])
    cross_cutting_label = StringField(
        _l("Navn på den tværgående række"), validators=[Optional(), MaxLength(300)]
    )
    confirmed = confirmation_field()
