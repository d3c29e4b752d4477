"""Forms of the status page: milestones, decisions, overrides, benefits, track commentary."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from portfolio.core.forms import (
    CreateForm,
    DateField,
    EditForm,
    EnumSelectField,
    Form,
    OptionalIdSelectField,
)
from portfolio.core.lights import Colour
from portfolio.core.validators import MaxLength, Required
from portfolio.status.models import DecisionStatus, Dimension, MilestoneKind, MilestoneStatus


class MilestoneForm(EditForm):
    title = StringField(_l("Titel"), validators=[Required(), MaxLength(300)])
    kind = EnumSelectField(_l("Type"), enum_cls=MilestoneKind)
    track_id = OptionalIdSelectField(_l("Spor"))
    project_id = OptionalIdSelectField(_l("Projekt"))
    planned_on = DateField(_l("Planlagt dato"), validators=[Required()])
    forecast_on = DateField(_l("Forventet dato"), validators=[Optional()])
    done_on = DateField(_l("Nået (dato)"), validators=[Optional()])
    status = EnumSelectField(_l("Status"), enum_cls=MilestoneStatus)
    description = TextAreaField(_l("Beskrivelse"), validators=[MaxLength(5000)])


class NewMilestoneForm(CreateForm, MilestoneForm):
    """Creating one: there is no stored version to carry yet."""


class DecisionForm(EditForm):
    title = StringField(_l("Beslutningspunkt"), validators=[Required(), MaxLength(300)])
    body = StringField(_l("Besluttende organ"), validators=[Required(), MaxLength(300)])
    requested_for = DateField(_l("Til møde (dato)"), validators=[Optional()])
    background = TextAreaField(_l("Baggrund og indstilling"), validators=[MaxLength(10_000)])
    status = EnumSelectField(_l("Status"), enum_cls=DecisionStatus)
    decided_on = DateField(_l("Besluttet (dato)"), validators=[Optional()])
    outcome = TextAreaField(_l("Beslutning"), validators=[MaxLength(10_000)])
    linked_items = StringField(_l("Vedrører (fx R2, 1.2, budget)"), validators=[MaxLength(500)])


class NewDecisionForm(CreateForm, DecisionForm):
    """Creating one: there is no stored version to carry yet."""


class OverrideForm(Form):
    dimension = EnumSelectField(_l("Lys"), enum_cls=Dimension)
    colour = EnumSelectField(
        _l("Farve"), enum_cls=Colour, members=(Colour.GREEN, Colour.YELLOW, Colour.RED)
    )
    justification = TextAreaField(_l("Begrundelse"), validators=[Required(), MaxLength(5000)])


class LiftOverrideForm(Form):
    dimension = EnumSelectField(_l("Lys"), enum_cls=Dimension)


class BenefitsAssessmentForm(Form):
    # Its own id: the override form beside it on the status page has a `colour` too.
    colour = EnumSelectField(
        _l("Vurdering"),
        enum_cls=Colour,
        members=(Colour.GREEN, Colour.YELLOW, Colour.RED),
        id="benefits-colour",
    )
    assessed_on = DateField(_l("Dato"), validators=[Required()])
    note = TextAreaField(_l("Begrundelse"), validators=[Required(), MaxLength(5000)])


class CommentaryForm(EditForm):
    commentary = TextAreaField(_l("Sporlederens kommentar"), validators=[MaxLength(10_000)])
