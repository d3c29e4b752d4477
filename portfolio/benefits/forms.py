"""The benefit profile form."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.auth.forms import OwnerFields
from portfolio.core.forms import CreateForm, DateField, EditForm, OptionalIdSelectField
from portfolio.core.validators import MaxLength, Required


class CheckboxesField(SelectMultipleField):
    """Checkboxes of a choice list: each value counts once, an unknown one is refused."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Vælg blandt mulighederne.")) from error
        # A value sent twice (a replayed or hand-made request) is still one choice.
        self.data = list(dict.fromkeys(self.data))

    def pre_validate(self, form):
        known = {self.coerce(choice[0]) for choice in self.iter_choices()}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_("Vælg blandt mulighederne."))


class IdCheckboxesField(CheckboxesField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)


class BenefitForm(OwnerFields, EditForm):
    name = StringField(_l("Navn"), validators=[Required(), MaxLength(300)])
    description = TextAreaField(_l("Beskrivelse"), validators=[MaxLength(20_000)])
    owner_user_id = OptionalIdSelectField(_l("Gevinstejer (bruger)"))
    owner = StringField(_l("Gevinstejer (navn)"), validators=[Optional(), MaxLength(200)])
    responsible = StringField(
        _l("Ansvarlig for opfølgningen"), validators=[Optional(), MaxLength(200)]
    )
    operations_owner = StringField(
        _l("Gevinstejer i driften (efter programmet)"), validators=[Optional(), MaxLength(200)]
    )
    handed_over_on = DateField(_l("Overdraget til driften"), validators=[Optional()])
    is_disbenefit = BooleanField(_l("Negativ gevinst (ulempe)"))
    types = CheckboxesField(_l("Gevinsttype"))
    recipient_ids = IdCheckboxesField(_l("Modtagere"))
    track_ids = IdCheckboxesField(_l("Spor, der muliggør gevinsten"))
    project_ids = IdCheckboxesField(_l("Projekter, der muliggør gevinsten"))
    goal_ids = IdCheckboxesField(_l("Visionsmål, gevinsten bidrager til"))

    def changes(self, *names):
        changes = super().changes(*names)
        for name in ("owner", "responsible", "operations_owner"):
            if name in changes:
                changes[name] = changes[name] or None
        return changes


class NewBenefitForm(CreateForm, BenefitForm):
    """Register a benefit: the profile form's fields (the owner field with them, so that
    whatever replaces it on the profile form replaces it here too)."""


class RetireBenefitForm(EditForm):
    reason = TextAreaField(
        _l("Begrundelse for at gevinsten udgår"), validators=[Required(), MaxLength(5_000)]
    )


class ReinstateBenefitForm(EditForm):
    """Take a retired benefit up again, at the version shown."""
