"""The form that makes a calendar feed."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from portfolio.core.forms import Form


class NewFeedForm(Form):
    programme = SelectField(
        _l("Kalender"),
        choices=[],
        validate_choice=True,
        description=_l("Din personlige kalender samler alle de programmer, du kan se."),
    )
