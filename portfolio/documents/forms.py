"""Forms for issuing documents and writing lessons learned."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from portfolio.core.forms import CreateForm, EditForm, Form, OptionalIdSelectField
from portfolio.core.validators import MaxLength, Required


class IssueForm(Form):
    report_id = OptionalIdSelectField(_l("Hører til statusrapport (møde)"))
    version_label = StringField(_l("Ny version (programgrundlag)"), validators=[MaxLength(20)])
    note = TextAreaField(
        _l("Bemærkning eller ændringer i versionen"), validators=[MaxLength(5_000)]
    )


class LessonForm(EditForm):
    title = StringField(_l("Overskrift"), validators=[Required(), MaxLength(200)])
    text = TextAreaField(_l("Erfaring"), validators=[MaxLength(20_000)])
    recommendation = TextAreaField(_l("Anbefaling"), validators=[MaxLength(10_000)])


class NewLessonForm(CreateForm, LessonForm):
    pass


class DeleteLessonForm(Form):
    pass
