"""The risk form."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portfolio.core.forms import EditForm, EnumSelectField, OptionalIdSelectField
from portfolio.risks.models import Level, RiskStatus


class RiskForm(EditForm):
    title = StringField(_l("Risiko"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Beskrivelse"), validators=[Length(max=20_000)])
    consequence_text = TextAreaField(_l("Konsekvens (beskrivelse)"), validators=[Length(max=5_000)])
    probability = EnumSelectField(_l("Sandsynlighed"), enum_cls=Level)
    consequence = EnumSelectField(_l("Konsekvens"), enum_cls=Level)
    owner = StringField(_l("Risikoejer"), validators=[Optional(), Length(max=200)])
    status = EnumSelectField(_l("Status"), enum_cls=RiskStatus)
    track_id = OptionalIdSelectField(_l("Spor"))


class NewRiskForm(RiskForm):
    def validate_version(self, field):
        return None
