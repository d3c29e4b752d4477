"""Forms for signing in and managing one's account."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, ValidationError

from portfolio.core.forms import Form, OptionalIdSelectField
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


class OwnerFields:
    """Put among a form's bases for an owner who is a user or a named person.

    The form declares `owner_user_id` (an OptionalIdSelectField of users, its choices set
    by the view from auth/people.user_choices) and `owner` (a name for someone without an
    account). Both given is refused here; the services refuse it too.
    """

    def validate_owner(self, field):
        user_field = getattr(self, "owner_user_id", None)
        if (field.data or "").strip() and user_field is not None and user_field.data is not None:
            raise ValidationError(_("Vælg enten en bruger eller skriv et navn – ikke begge."))


def owner_user_field(label) -> OptionalIdSelectField:
    return OptionalIdSelectField(label)
