"""The stakeholder form."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portfolio.core.forms import (
    CreateForm,
    EditForm,
    EnumSelectField,
    Form,
    OptionalIdSelectField,
    confirmation_field,
    options,
)
from portfolio.core.validators import MaxLength, Required
from portfolio.organisation.models import Attitude, BodyKind


class StakeholderForm(EditForm):
    name = StringField(_l("Interessent"), validators=[Required(), MaxLength(300)])
    attitude = EnumSelectField(_l("Holdning"), enum_cls=Attitude)
    involvement = TextAreaField(_l("Inddragelse"), validators=[MaxLength(5_000)])


class NewStakeholderForm(CreateForm, StakeholderForm):
    """Creating one: there is no stored version to carry yet."""


class DeleteForm(Form):
    """Confirms a deletion with a box the user must tick (checked on the server)."""

    confirmed = confirmation_field()


class BodyForm(EditForm):
    name = StringField(_l("Navn"), validators=[Required(), MaxLength(300)])
    kind = EnumSelectField(_l("Type"), enum_cls=BodyKind)
    parent_id = OptionalIdSelectField(_l("Under organet"))
    track_id = OptionalIdSelectField(_l("Spor"))
    project_id = OptionalIdSelectField(_l("Projekt"))
    description = TextAreaField(_l("Beskrivelse"), validators=[MaxLength(5_000)])


class NewBodyForm(CreateForm, BodyForm):
    """Creating one: there is no stored version to carry yet."""


class MemberForm(Form):
    name = StringField(
        _l("Medlem (person eller organisation)"), validators=[Required(), MaxLength(300)]
    )
    role = StringField(_l("Rolle i organet"), validators=[Optional(), MaxLength(200)])

    def changes(self) -> dict:
        return {"name": (self.name.data or "").strip(), "role": (self.role.data or "").strip()}


class MoveForm(Form):
    """Move a row one place up or down."""

    direction = SelectField(
        _l("Flyt"),
        choices=options([("up", _l("Op")), ("down", _l("Ned"))]),
        validators=[Required()],
    )

    @property
    def step(self) -> int:
        return -1 if self.direction.data == "up" else 1
