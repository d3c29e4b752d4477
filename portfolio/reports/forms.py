"""Forms for status reports."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from portfolio.core.forms import ConfirmForm, DateField, EditForm, Form, confirmation_field
from portfolio.core.validators import MaxLength, Required


class NewReportForm(Form):
    title = StringField(_l("Titel"), validators=[Required(), MaxLength(300)])
    meeting_on = DateField(_l("Mødedato"), validators=[Required()])


class ReportForm(EditForm):
    title = StringField(_l("Titel"), validators=[Required(), MaxLength(300)])
    meeting_on = DateField(_l("Mødedato"), validators=[Required()])


class ApproveForm(ConfirmForm):
    """The version, so a report changed meanwhile is not approved unseen, and the tick."""


class DeleteForm(Form):
    """Confirms deleting a draft: its frozen figures and charts cannot be made again."""

    confirmed = confirmation_field()
