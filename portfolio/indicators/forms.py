"""Forms for indicators and their manual values."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from portfolio.core.forms import (
    CreateForm,
    EditForm,
    EnumSelectField,
    OptionalIdSelectField,
    options,
)
from portfolio.core.validators import MaxLength, Required
from portfolio.indicators.editing import parse_number, parse_period
from portfolio.indicators.models import Direction, Frequency, IndicatorKind
from portfolio.metrics.observations import ObservationStatus


class NumberField(StringField):
    """A decimal typed with a comma ("62,5") or a point; empty means none."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_text = text
        try:
            self.data = parse_number(text)
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Angiv et tal, fx 62,5.")) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data).replace(".", ",")


class PeriodField(StringField):
    """A period typed as a year ("2025") or a month ("2025-03"); empty means none."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = parse_period(text)
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Angiv et år (2025) eller en måned (2025-03).")) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return str(self.data.year) if self.data.month == 1 else str(self.data)


class IndicatorForm(EditForm):
    code = StringField(_l("Kode"), validators=[Required(), MaxLength(40)])
    name = StringField(_l("Navn"), validators=[Required(), MaxLength(300)])
    kind = EnumSelectField(_l("Slags"), enum_cls=IndicatorKind)
    definition = TextAreaField(_l("Definition"), validators=[MaxLength(20_000)])
    unit = StringField(_l("Enhed"), validators=[MaxLength(60)])
    decimals = IntegerField(_l("Decimaler"), default=1, validators=[NumberRange(0, 4)])
    direction = EnumSelectField(_l("Retning"), enum_cls=Direction)
    frequency = EnumSelectField(_l("Målefrekvens"), enum_cls=Frequency)
    method = TextAreaField(_l("Metode"), validators=[MaxLength(20_000)])
    baseline_value = NumberField(_l("Basislinje, værdi"))
    baseline_period = PeriodField(_l("Basislinje, tidspunkt"))
    target_value = NumberField(_l("Mål, værdi"))
    target_period = PeriodField(_l("Mål, tidspunkt"))
    trajectory = TextAreaField(_l("Forløb (én linje pr. år: »2025: 62,5«)"))
    threshold_value = NumberField(_l("Tærskel (nøglerisikoindikator)"))
    metric_id = OptionalIdSelectField(_l("Datakilde (metrik)"))
    disclosure_threshold = IntegerField(
        _l("Diskretionsgrænse"), validators=[Optional(), NumberRange(1, 1000)]
    )
    is_count = BooleanField(_l("Værdierne er antal (personer eller enheder)"))
    responsible = StringField(_l("Ansvarlig"), validators=[Optional(), MaxLength(200)])
    position = IntegerField(_l("Rækkefølge"), default=0, validators=[Optional()])

    def changes(self, *names):
        changes = super().changes(*names)
        changes["position"] = changes.get("position") or 0
        changes["responsible"] = changes.get("responsible") or None
        return changes


class NewIndicatorForm(CreateForm, IndicatorForm):
    """Creating an indicator: there is no stored version to carry yet."""


class ManualValueForm(CreateForm, EditForm):
    period = PeriodField(_l("Periode"))
    value = NumberField(_l("Værdi"))
    status = SelectField(
        _l("Status"),
        choices=options(
            [
                (ObservationStatus.OK.value, _l("Endelig")),
                (ObservationStatus.PROVISIONAL.value, _l("Foreløbig")),
                (ObservationStatus.ESTIMATED.value, _l("Skøn")),
                (ObservationStatus.MISSING.value, _l("Mangler")),
            ]
        ),
    )
    note = TextAreaField(_l("Kilde og bemærkning"), validators=[MaxLength(2_000)])

    def validate_period(self, field):
        if field.data is None:
            raise ValidationError(_l("Feltet skal udfyldes."))
