"""Forms for a programme's master data, its tracks and its projects."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, Regexp

from portfolio.auth.forms import OwnerFields
from portfolio.core.forms import (
    CreateForm,
    EditForm,
    EnumSelectField,
    Form,
    MonthField,
    OptionalIdSelectField,
)
from portfolio.core.validators import MaxLength, Required
from portfolio.programmes.models import ProgrammeStatus, ProjectStatus

LONG_TEXT = 20_000


class PercentField(IntegerField):
    """A whole number of percent, with a Danish message for anything else."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Angiv et helt tal fra 0 til 100.")) from error


class ProgrammeForm(EditForm):
    name = StringField(_l("Programnavn"), validators=[Required(), MaxLength(300)])
    short_name = StringField(_l("Kort navn"), validators=[Required(), MaxLength(40)])
    owner_name = StringField(_l("Programejer"), validators=[Optional(), MaxLength(200)])
    owner_title = StringField(_l("Programejers titel"), validators=[Optional(), MaxLength(200)])
    owner_organisation = StringField(
        _l("Programejers organisation"), validators=[Optional(), MaxLength(200)]
    )
    primary_purpose = StringField(
        _l("Programmets primære formål"), validators=[Optional(), MaxLength(200)]
    )
    programme_model = StringField(_l("Programmodel"), validators=[Optional(), MaxLength(200)])
    programme_model_version = StringField(
        _l("Programmodellens version"), validators=[Optional(), MaxLength(20)]
    )
    status = EnumSelectField(_l("Status"), enum_cls=ProgrammeStatus)
    start_month = MonthField(_l("Start (måned)"), validators=[Optional()])
    end_month = MonthField(_l("Slut (måned)"), validators=[Optional()])
    vision = TextAreaField(_l("Vision"), validators=[MaxLength(LONG_TEXT)])
    purpose = TextAreaField(_l("Formål"), validators=[MaxLength(LONG_TEXT)])
    conditions = TextAreaField(_l("Vilkår og rammer"), validators=[MaxLength(LONG_TEXT)])
    as_is = TextAreaField(_l("As-is-beskrivelse"), validators=[MaxLength(LONG_TEXT)])
    to_be = TextAreaField(_l("To-be-beskrivelse"), validators=[MaxLength(LONG_TEXT)])
    implementation = TextAreaField(_l("Gennemførelse"), validators=[MaxLength(LONG_TEXT)])


class TrackForm(EditForm):
    name = StringField(_l("Navn"), validators=[Required(), MaxLength(300)])
    description = TextAreaField(_l("Beskrivelse"), validators=[MaxLength(LONG_TEXT)])
    deliverables_text = TextAreaField(
        _l("Leverancer (én pr. linje)"), validators=[MaxLength(LONG_TEXT)]
    )

    def deliverable_lines(self) -> list[str]:
        return [
            line.strip()
            for line in (self.deliverables_text.data or "").splitlines()
            if line.strip()
        ]


class ProjectForm(OwnerFields, EditForm):
    code = StringField(
        _l("Nummer"),
        validators=[
            Required(),
            MaxLength(20),
            Regexp(
                r"^[0-9A-Za-zÆØÅæøå .-]+$",
                message=_l("Brug bogstaver, tal, punktum, bindestreg og mellemrum."),
            ),
        ],
    )
    name = StringField(_l("Navn"), validators=[Required(), MaxLength(300)])
    track_id = OptionalIdSelectField(_l("Spor"))
    owner_user_id = OptionalIdSelectField(_l("Projektleder (bruger)"))
    owner = StringField(_l("Projektleder (navn)"), validators=[Optional(), MaxLength(200)])
    status = EnumSelectField(_l("Status"), enum_cls=ProjectStatus)
    percent_complete = PercentField(
        _l("Færdiggjort (procent)"),
        validators=[
            Optional(),
            NumberRange(0, 100, message=_l("Angiv et helt tal fra 0 til 100.")),
        ],
    )
    start_month = MonthField(_l("Start (måned)"), validators=[Optional()])
    end_month = MonthField(_l("Slut (måned)"), validators=[Optional()])
    description = TextAreaField(_l("Beskrivelse"), validators=[MaxLength(LONG_TEXT)])


class NewProjectForm(CreateForm, ProjectForm):
    """Creating a project: there is no stored version to carry yet."""


class DependencyForm(Form):
    """Add a finish-to-start dependency: this project starts when the chosen one is done."""

    depends_on_id = OptionalIdSelectField(_l("Afhænger af projekt"), validators=[Required()])
    description = StringField(_l("Bemærkning"), validators=[Optional(), MaxLength(500)])


class ProjectStepForm(EditForm):
    """Retire, restore or move a project, at the version shown (no fields of its own)."""
