"""Form pieces shared by every domain, and the one way a form is saved."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, cast

import sqlalchemy as sa
import wtforms
from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import Optional, ValidationError

from portfolio.core.errors import RuleViolation, StaleEdit
from portfolio.core.locking import RETRY_AFTER_SECONDS, lost_turn
from portfolio.core.models import Versioned
from portfolio.core.months import Month
from portfolio.core.text import clean_text, clean_value, refusal
from portfolio.core.validators import month_refusal, parse_day
from portfolio.extensions import db


class MonthField(StringField):
    """A month typed as YYYY-MM (browsers show a month picker); empty means none."""

    widget_input_type = "month"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {})["type"] = "month"
        kwargs["render_kw"].setdefault("placeholder", "ÅÅÅÅ-MM")
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = Month.parse(text)
        except ValueError as error:
            self.data = None
            raise ValueError(_("Angiv en måned som ÅÅÅÅ-MM, fx 2026-11.")) from error
        reason = month_refusal(self.data)
        if reason is not None:
            self.data = None
            raise ValueError(reason)


class DateField(wtforms.DateField):
    """A date typed as YYYY-MM-DD (browsers show a date picker); empty means none.

    Only days between 1900 and 2200 are taken (core/validators.parse_day): an impossible
    day such as 2026-02-30 is "ugyldig dato", not a missing one.
    """

    def _value(self):
        if self.raw_data:
            return " ".join(v for v in self.raw_data if isinstance(v, str))
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist):
        texts = [v for v in valuelist if isinstance(v, str) and v.strip()]
        if not texts:
            self.data = None
            return
        try:
            self.data = parse_day(" ".join(texts))
        except ValueError:
            self.data = None
            raise


def options(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into the option objects select fields take."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def enum_choices(enum_cls: type[enum.Enum], members=None) -> list[SelectChoice]:
    return options((member.value, member.label) for member in (members or enum_cls))


class EnumSelectField(SelectField):
    """A select of an enum's members, shown by their (translated) labels."""

    def __init__(self, label=None, validators=None, enum_cls=None, members=None, **kwargs):
        self.enum_cls = enum_cls
        self.members = tuple(members or enum_cls)
        self.optional = any(isinstance(v, Optional) for v in validators or ())
        choices = enum_choices(enum_cls, self.members)
        if self.optional:
            choices = [SelectChoice(value="", label="–"), *choices]
        # Bound fields are built per form instance, so the labels follow the user's language.
        super().__init__(
            label,
            validators,
            choices=choices,
            coerce=self._coerce,
            **kwargs,
        )

    def _coerce(self, value):
        if isinstance(value, self.enum_cls) or value is None:
            return value
        return None if value == "" else self.enum_cls(value)

    def pre_validate(self, form):
        if self.data is None and not self.optional:
            raise ValidationError(_("Vælg en af mulighederne."))

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] == "" and self.optional:
            self.data = None
        elif valuelist:
            try:
                self.data = self.enum_cls(valuelist[0])
            except ValueError as error:
                self.data = None
                raise ValueError(_("Vælg en af mulighederne.")) from error
            if self.data not in self.members:
                self.data = None
                raise ValueError(_("Vælg en af mulighederne."))


class OptionalIdSelectField(SelectField):
    """A select of ids, where the empty choice means none."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=self._coerce, validate_choice=True, **kwargs)

    @staticmethod
    def _coerce(value):
        if value in (None, "", "None"):
            return None
        return int(value)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Vælg en af mulighederne.")) from error

    def pre_validate(self, form: wtforms.Form) -> None:
        # WTForms' own refusal of an id not offered is English ("Not a valid choice.").
        try:
            super().pre_validate(form)
        except ValidationError as error:
            raise ValidationError(_("Vælg en af mulighederne.")) from error


def _clean_data(value):
    """The filter every field of every form runs: text as core/text.clean_text leaves it."""
    if isinstance(value, str | list):
        return clean_value(value)
    return value


class Form(FlaskForm):
    """The base of every form: text from outside passes core/text.py once, here.

    Text with NUL or a lone surrogate is refused with a form error (nobody types them, and
    PostgreSQL cannot store NUL); the other XML-invalid control characters are removed.
    The submitted data itself is cleaned before any field reads it, so not even a refused
    form shows them back; a filter cleans the data fields take from stored objects too.
    """

    class Meta(DefaultMeta):
        def bind_field(self, form, unbound_field, options):
            filters = [_clean_data, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Markup:
            # A hidden field needs no id (no label points at it); without one, two forms on
            # a page, each with its csrf_token and version, do not give the page an id twice.
            if field.type in ("HiddenField", "CSRFTokenField"):
                render_kw = {"id": False, **render_kw}
            return cast(Markup, super().render_field(field, render_kw))

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        formdata = self.meta.wrap_formdata(self, formdata)
        if formdata is not None:  # a later process(obj=…) keeps what the submission had
            self._refusals: dict[str, str] = {}
            cleaned = MultiDict()
            for key, value in formdata.items(multi=True):
                if not isinstance(key, str):
                    continue  # a part without a name (a mangled multipart header) is no field
                reason = refusal([key, value])
                if reason is not None:
                    self._refusals.setdefault(clean_text(key), reason)
                cleaned.add(clean_text(key), clean_value(value))
            formdata = cleaned
        super().process(formdata, obj, data, extra_filters, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        refused = dict(getattr(self, "_refusals", {}))
        for field in self:
            reason = refused.pop(field.name, None)
            if reason is not None:
                field.errors = [*field.errors, reason]
                valid = False
        # Inputs a view reads beside its fields (the budget grid's cells) are refused too.
        if refused:
            self.form_errors.append(next(iter(refused.values())))
            valid = False
        return valid


class EditForm(Form):
    """A form that edits a stored object and carries the version it was opened at."""

    version = HiddenField()

    def validate_version(self, field):
        if self.expected_version is None:
            if (field.data or "").strip():
                raise ValidationError(_("Formularens version er ugyldig. Indlæs siden igen."))
            raise ValidationError(_("Formularen mangler sin version. Indlæs siden igen."))

    @property
    def expected_version(self) -> int | None:
        """The version the form was opened at; None when missing or not one we could issue."""
        try:
            version = int(self.version.data)
        except (TypeError, ValueError):
            return None
        return version if 1 <= version <= Versioned.MAX_VERSION else None

    def changes(self, *names: str) -> dict:
        """Return the named fields' data (all but version and csrf_token when none named)."""
        skip = {"version", "csrf_token", "submit"}
        fields = names or [n for n in self._fields if n not in skip]
        return {name: _clean(self[name].data) for name in fields}


def _confirmed(form, field):
    if not field.data:
        raise ValidationError(_("Sæt kryds for at bekræfte. Intet er ændret."))


def confirmation_field() -> BooleanField:
    """The box a user must tick before an irreversible step; checked on the server."""
    return BooleanField(
        _l("Jeg har læst ovenstående og vil fortsætte. Det kan ikke fortrydes."),
        validators=[_confirmed],
    )


class ConfirmForm(EditForm):
    """Confirms an irreversible step at the version shown, with a box the user must tick.

    The box is checked on the server: without it the step is not taken, whatever the
    browser did (templates/_confirm.html shows what will be locked and what is missing).
    """

    confirmed = confirmation_field()


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def commit_or_flash(work: Callable[[], object], success_message: str) -> bool:
    """Do one unit of work and commit it, flashing the outcome; return whether it was saved.

    A refusal by the rules or a colleague's newer edit rolls everything back and is
    flashed as the error it is.
    """
    try:
        work()
        db.session.commit()
    except (RuleViolation, StaleEdit) as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    except sa.exc.SQLAlchemyError as error:
        refusal = lost_turn(error)
        if refusal is None:
            raise
        db.session.rollback()
        flash(refusal[1], "error")
        return False
    flash(success_message, "success")
    return True


def save_form(
    form: FlaskForm,
    save: Callable[[], object],
    *,
    template: str,
    success_url: Callable[[object], str] | str,
    success_message: str,
    **context,
):
    """Validate, save in one transaction, flash and redirect; or show the form with errors.

    `save` calls a service and returns its result. A rule the service enforces comes back
    as field errors; a colleague's newer save comes back as a conflict listing their changes;
    losing a race to a parallel request (core/locking.lost_turn) comes back as a form error.
    Either way nothing is written, and the form still holds what was typed.
    """
    conflict = None
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                result = save()
                db.session.commit()
            except RuleViolation as error:
                db.session.rollback()
                _attach_errors(form, error)
                status = 422
            except StaleEdit as error:
                db.session.rollback()
                conflict = error
                status = 409
            except sa.exc.SQLAlchemyError as error:
                # A parallel save got there first, or the database was too busy to wait:
                # the form comes back with what was typed, saying that nothing was saved.
                refusal = lost_turn(error)
                if refusal is None:
                    raise
                db.session.rollback()
                status, message = refusal
                form.form_errors.append(message)
            else:
                flash(success_message, "success")
                url = success_url(result) if callable(success_url) else success_url
                return redirect(url)
        else:
            status = 422
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else {}
    return render_template(template, form=form, conflict=conflict, **context), status, headers


def _attach_errors(form: FlaskForm, error: RuleViolation) -> None:
    placed = False
    for name, messages in error.errors.items():
        field: Field | None = form._fields.get(name)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed or not error.errors:
        form.form_errors.append(error.message)


class CreateForm:
    """Put first among the bases of a form that creates an object: a new object has no
    stored version for the form to carry, so none is asked for."""

    def validate_version(self, field: wtforms.Field) -> None:
        return None
