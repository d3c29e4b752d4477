"""Forms of the metric source admin: a source's common settings and a metric.

An adapter's own options are not WTForms fields: they follow its config schema and are
read from the request by `portfolio.metrics.sources` (inputs named `opt-<name>`,
`secret-<name>` and `clear-<name>`).
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, Regexp

from portfolio.core.forms import CreateForm, EditForm
from portfolio.core.validators import MaxLength, Required

KEY_PATTERN = Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    message=_l("Brug bogstaver, tal, punktum, bindestreg og understregning."),
)


class WholeNumberField(IntegerField):
    """A whole number, with Danish messages."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Skal være et helt tal.")) from error


def Between(low: int, high: int):
    return NumberRange(
        low, high, message=_l("Skal være mellem %(min)s og %(max)s.", min=low, max=high)
    )


class SourceForm(EditForm):
    key = StringField(_l("Nøgle"), validators=[Required(), MaxLength(80), KEY_PATTERN])
    name = StringField(_l("Navn"), validators=[Required(), MaxLength(200)])
    location = StringField(
        _l("Adresse (URL eller sti)"),
        validators=[MaxLength(1000)],
        description=_l(
            "En fil skal ligge i en af de mapper, driften har åbnet for kilder. En "
            "adgangskode eller nøgle i adressen gemmes som hemmelig og vises som ••••; "
            "lad •••• stå for at beholde den."
        ),
    )
    timeout_seconds = WholeNumberField(
        _l("Tidsgrænse (sekunder)"), default=30, validators=[Required(), Between(1, 600)]
    )
    disclosure_threshold = WholeNumberField(
        _l("Diskretionsgrænse"), default=5, validators=[Required(), Between(1, 1000)]
    )
    is_demo = BooleanField(_l("Demodata (den indbyggede demo-dataplatform)"))
    description = TextAreaField(_l("Beskrivelse"), validators=[MaxLength(5000)])


class NewSourceForm(CreateForm, SourceForm):
    """Creating one: there is no stored version to carry yet."""


class MetricForm(EditForm):
    key = StringField(_l("Nøgle"), validators=[Required(), MaxLength(120), KEY_PATTERN])
    name = StringField(_l("Navn"), validators=[Required(), MaxLength(300)])
    filters = TextAreaField(
        _l("Filtre (dimension=kode, én pr. linje)"), validators=[MaxLength(5000)]
    )
    unit = StringField(_l("Enhed"), validators=[Optional(), MaxLength(60)])
    is_count = BooleanField(_l("Antal (omfattet af diskretionering)"))
    disclosure_threshold = WholeNumberField(
        _l("Diskretionsgrænse (tom: kildens)"),
        validators=[Optional(), Between(1, 1000)],
    )
    refresh_hours = WholeNumberField(
        _l("Opdateres hver (timer)"), default=24, validators=[Required(), Between(1, 8760)]
    )


class NewMetricForm(CreateForm, MetricForm):
    """Creating one: there is no stored version to carry yet."""


class StepForm(EditForm):
    """Confirms an action on a source (test, resume) at the version shown."""
