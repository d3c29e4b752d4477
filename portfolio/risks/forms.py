"""Forms of the risk register."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portfolio.auth.forms import OwnerFields
from portfolio.core.forms import (
    CreateForm,
    DateField,
    EditForm,
    EnumSelectField,
    Form,
    OptionalIdSelectField,
)
from portfolio.core.validators import MaxLength, Required
from portfolio.risks.models import ActionStatus, Level, RiskStatus


class RiskForm(OwnerFields, EditForm):
    """Edit a risk's texts, owner and track; its levels change through a reassessment."""

    title = StringField(_l("Risiko"), validators=[Required(), MaxLength(300)])
    description = TextAreaField(_l("Beskrivelse"), validators=[MaxLength(20_000)])
    consequence_text = TextAreaField(_l("Konsekvens (beskrivelse)"), validators=[MaxLength(5_000)])
    owner_user_id = OptionalIdSelectField(_l("Risikoejer (bruger)"))
    owner = StringField(_l("Risikoejer (navn)"), validators=[Optional(), MaxLength(200)])
    track_id = OptionalIdSelectField(_l("Spor"))


class NewRiskForm(CreateForm, RiskForm):
    probability = EnumSelectField(_l("Sandsynlighed"), enum_cls=Level)
    consequence = EnumSelectField(_l("Konsekvens"), enum_cls=Level)


class ReassessForm(EditForm):
    assessed_on = DateField(_l("Vurderet (dato)"), validators=[Required()])
    probability = EnumSelectField(_l("Sandsynlighed"), enum_cls=Level)
    consequence = EnumSelectField(_l("Konsekvens"), enum_cls=Level)
    residual_probability = EnumSelectField(
        _l("Sandsynlighed efter afbødning"), enum_cls=Level, validators=[Optional()]
    )
    residual_consequence = EnumSelectField(
        _l("Konsekvens efter afbødning"), enum_cls=Level, validators=[Optional()]
    )
    note = TextAreaField(_l("Begrundelse"), validators=[MaxLength(5000)])


class CloseForm(EditForm):
    status = EnumSelectField(
        _l("Ny status"),
        enum_cls=RiskStatus,
        members=(RiskStatus.CLOSED, RiskStatus.MITIGATED, RiskStatus.OCCURRED),
    )
    note = TextAreaField(_l("Begrundelse"), validators=[Required(), MaxLength(5000)])


class ActionForm(OwnerFields, Form):
    description = TextAreaField(_l("Handling"), validators=[Required(), MaxLength(5000)])
    owner_user_id = OptionalIdSelectField(_l("Ansvarlig (bruger)"))
    owner = StringField(_l("Ansvarlig (navn)"), validators=[Optional(), MaxLength(200)])
    due_on = DateField(_l("Frist"), validators=[Optional()])
    status = EnumSelectField(_l("Status"), enum_cls=ActionStatus)


class RiskFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    track_id = OptionalIdSelectField(_l("Spor"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)
    min_score = SelectField(_l("Score mindst"), validators=[Optional()], validate_choice=False)
