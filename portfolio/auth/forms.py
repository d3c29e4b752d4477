"""Forms for signing in and managing one's account."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo

from portfolio.core.forms import Form
from portfolio.core.validators import MaxLength, Required


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[Required(), MaxLength(254)])
    password = PasswordField(_l("Adgangskode"), validators=[Required(), MaxLength(500)])
    next = StringField()


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Nuværende adgangskode"), validators=[Required(), MaxLength(500)]
    )
    new_password = PasswordField(_l("Ny adgangskode"), validators=[Required(), MaxLength(500)])
    confirm = PasswordField(
        _l("Gentag ny adgangskode"),
        validators=[Required(), EqualTo("new_password", message=_l("Adgangskoderne er ikke ens."))],
    )


class NewTokenForm(Form):
    name = StringField(
        _l("Navn"),
        validators=[Required(), MaxLength(100)],
        description=_l("Hvad tokenet bruges til, fx »Power BI-rapport«."),
    )
