"""WTForms validators with Danish messages (WTForms ships no Danish translation)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Email, Length


def Required():
    """The field must be filled in."""
    return DataRequired(message=_l("Feltet skal udfyldes."))


def MaxLength(limit: int):
    """The text may be at most `limit` characters long."""
    return Length(max=limit, message=_l("Højst %(max)d tegn.", max=limit))


def ValidEmail():
    return Email(message=_l("Angiv en gyldig e-mailadresse."))
