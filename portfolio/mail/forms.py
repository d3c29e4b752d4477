"""Forms for asking for a reset link, choosing a password through a link, and mail choices."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import EqualTo

from portfolio.core.forms import Form
from portfolio.core.validators import MaxLength, Required


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[Required(), MaxLength(254)])


class SetPasswordForm(Form):
    new_password = PasswordField(_l("Ny adgangskode"), validators=[Required(), MaxLength(500)])
    confirm = PasswordField(
        _l("Gentag ny adgangskode"),
        validators=[Required(), EqualTo("new_password", message=_l("Adgangskoderne er ikke ens."))],
    )


class MailPreferencesForm(Form):
    action_due = BooleanField(
        _l(
            "Påmindelser om workshophandlinger og risikohandlinger, der snart skal være udført"
            " eller er forsinkede"
        )
    )
    report_approval = BooleanField(
        _l("Statusrapporter, der venter på godkendelse før et styregruppemøde")
    )
    measurement_due = BooleanField(
        _l("Målinger, der skal indtastes for dine gevinster, når en måleperiode er slut")
    )
    workshop_upcoming = BooleanField(_l("Gevinstworkshops i den kommende uge"))
    digest = BooleanField(_l("Ugens oversigt: det, der sker de næste 14 dage i dine programmer"))
