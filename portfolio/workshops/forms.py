"""Forms of the benefit follow-up workshops."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from portfolio.auth.forms import OwnerFields
from portfolio.benefits.forms import IdCheckboxesField
from portfolio.core.forms import (
    ConfirmForm,
    CreateForm,
    DateField,
    EditForm,
    EnumSelectField,
    Form,
    OptionalIdSelectField,
)
from portfolio.core.validators import MaxLength, Required
from portfolio.indicators.models import Progress
from portfolio.workshops.models import ActionStatus, FollowUpPhase


class WorkshopForm(EditForm):
    """A workshop's details and agenda (the benefits to review)."""

    title = StringField(_l("Titel"), validators=[Required(), MaxLength(300)])
    held_on = DateField(_l("Dato"), validators=[Required()])
    place = StringField(_l("Sted"), validators=[Optional(), MaxLength(300)])
    participants = TextAreaField(_l("Deltagere (én pr. linje)"), validators=[MaxLength(10_000)])
    phase = EnumSelectField(_l("Fase"), enum_cls=FollowUpPhase)
    benefit_ids = IdCheckboxesField(_l("Gevinster på dagsordenen"))
    summary = TextAreaField(_l("Opsummering"), validators=[MaxLength(20_000)])


class NewWorkshopForm(CreateForm, WorkshopForm):
    """Creating one: there is no stored version to carry yet."""


class StepForm(ConfirmForm):
    """Confirms a step of the workshop's life (hold it, close it) at the version shown."""


class ItemForm(EditForm):
    """The minutes of one benefit on the agenda."""

    assessment = EnumSelectField(_l("Vurdering"), enum_cls=Progress, validators=[Optional()])
    comment = TextAreaField(_l("Kommentar"), validators=[MaxLength(20_000)])
    decisions = TextAreaField(_l("Beslutninger"), validators=[MaxLength(20_000)])


class ActionForm(OwnerFields, Form):
    text = TextAreaField(_l("Handling"), validators=[Required(), MaxLength(5000)])
    owner_user_id = OptionalIdSelectField(_l("Ansvarlig (bruger)"))
    owner = StringField(_l("Ansvarlig (navn)"), validators=[Optional(), MaxLength(200)])

    def validate_owner_user_id(self, field):
        if field.data is None and not (self.owner.data or "").strip():
            raise ValidationError(_("Vælg en bruger eller skriv navnet på den ansvarlige."))

    due_on = DateField(_l("Frist"), validators=[Optional()])
    benefit_id = OptionalIdSelectField(_l("Gevinst"))
    status = EnumSelectField(_l("Status"), enum_cls=ActionStatus)


class ActionStatusForm(EditForm):
    status = EnumSelectField(_l("Status"), enum_cls=ActionStatus)


class ActionFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)
    benefit = SelectField(_l("Gevinst"), validators=[Optional()], validate_choice=False)
