"""The stakeholder form."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portfolio.core.forms import EditForm, EnumSelectField
from portfolio.organisation.models import Attitude


class StakeholderForm(EditForm):
    name = StringField(_l("Interessent"), validators=[DataRequired(), Length(max=300)])
    attitude = EnumSelectField(_l("Holdning"), enum_cls=Attitude)
    involvement = TextAreaField(_l("Inddragelse"), validators=[Length(max=5_000)])


class NewStakeholderForm(StakeholderForm):
    def validate_version(self, field):
        return None
