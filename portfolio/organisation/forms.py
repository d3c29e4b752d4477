"""The stakeholder form."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from portfolio.core.forms import CreateForm, EditForm, EnumSelectField
from portfolio.core.validators import MaxLength, Required
from portfolio.organisation.models import Attitude


class StakeholderForm(EditForm):
    name = StringField(_l("Interessent"), validators=[Required(), MaxLength(300)])
    attitude = EnumSelectField(_l("Holdning"), enum_cls=Attitude)
    involvement = TextAreaField(_l("Inddragelse"), validators=[MaxLength(5_000)])


class NewStakeholderForm(CreateForm, StakeholderForm):
    """Creating one: there is no stored version to carry yet."""
