"""Forms for signing in and managing one's account."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField

from portfolio.core.validators import MaxLength, Required


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[Required(), MaxLength(254)])
    password = PasswordField(_l("Adgangskode"), validators=[Required(), MaxLength(500)])
    next = StringField()
