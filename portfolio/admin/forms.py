"""Forms for managing users, their roles, and filtering the audit log."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import Optional

from portfolio.auth.models import Role
from portfolio.core.forms import (
    DateField,
    EditForm,
    EnumSelectField,
    Form,
    OptionalIdSelectField,
    options,
)
from portfolio.core.validators import MaxLength, Required, ValidEmail


class NewUserForm(Form):
    email = EmailField(_l("E-mail"), validators=[Required(), ValidEmail(), MaxLength(254)])
    name = StringField(_l("Navn"), validators=[MaxLength(200)])
    password = PasswordField(_l("Adgangskode"), validators=[Required(), MaxLength(500)])
    is_admin = BooleanField(_l("Administrator"))


class UserForm(EditForm):
    name = StringField(_l("Navn"), validators=[MaxLength(200)])
    is_admin = BooleanField(_l("Administrator"))
    is_active_account = BooleanField(_l("Aktiv konto"))
    oidc_subject = StringField(
        _l("Subject hos login-udbyderen (OIDC)"),
        validators=[Optional(), MaxLength(255)],
        description=_l(
            "Knytter kontoen til brugerens login hos udbyderen (ID-tokenets subject-claim,"
            " i Entra ID objekt-id'et eller sub). Tomt: intet login via udbyderen."
        ),
    )


class MembershipForm(Form):
    role = EnumSelectField(_l("Rolle"), enum_cls=Role)
    programme_id = OptionalIdSelectField(_l("Program"))
    track_id = OptionalIdSelectField(_l("Spor (kun sporleder)"))
    benefit_id = OptionalIdSelectField(_l("Gevinst (kun gevinstejer)"))


class ProgrammeFileForm(Form):
    file = FileField(_l("Programfil (.yaml)"), validators=[FileRequired(_l("Vælg en fil."))])


class ConfirmProgrammeFileForm(Form):
    # The file's text as previewed, sent back to be imported: checked again in full.
    text = HiddenField(validators=[Required()])


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form changes nothing

    programme_id = OptionalIdSelectField(_l("Program"), validators=[Optional()])
    entity = SelectField(_l("Type"), validators=[Optional()], validate_choice=False)
    actor = StringField(_l("Hvem"), validators=[Optional(), MaxLength(200)])
    action = SelectField(
        _l("Handling"),
        choices=options(
            [
                ("", _l("Alle")),
                ("create", _l("Oprettet")),
                ("update", _l("Ændret")),
                ("delete", _l("Slettet")),
                ("restore", _l("Gendannet")),
            ]
        ),
        validators=[Optional()],
    )
    since = DateField(_l("Fra dato"), validators=[Optional()])
    until = DateField(_l("Til dato"), validators=[Optional()])
    text = StringField(_l("Søg i værdier"), validators=[Optional(), MaxLength(200)])


class GroupRoleForm(Form):
    claim_value = StringField(
        _l("Gruppe eller app-rolle (værdi i ID-tokenet)"), validators=[Required(), MaxLength(200)]
    )
    role = EnumSelectField(_l("Rolle"), enum_cls=Role, members=(Role.SECRETARIAT, Role.VIEWER))
    programme_id = OptionalIdSelectField(_l("Program"))
