"""The risk form."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from portfolio.core.forms import EditForm, EnumSelectField, OptionalIdSelectField
from portfolio.core.validators import MaxLength, Required
from portfolio.risks.models import Level, RiskStatus


class RiskForm(EditForm):
    title = StringField(_l("Risiko"), validators=[Required(), MaxLength(300)])
    description = TextAreaField(_l("Beskrivelse"), validators=[MaxLength(20_000)])
    consequence_text = TextAreaField(_l("Konsekvens (beskrivelse)"), validators=[MaxLength(5_000)])
    probability = EnumSelectField(_l("Sandsynlighed"), enum_cls=Level)
    consequence = EnumSelectField(_l("Konsekvens"), enum_cls=Level)
    owner = StringField(_l("Risikoejer"), validators=[Optional(), MaxLength(200)])
    status = EnumSelectField(_l("Status"), enum_cls=RiskStatus)
    track_id = OptionalIdSelectField(_l("Spor"))


class NewRiskForm(RiskForm):
    def validate_version(self, field):
        return None
