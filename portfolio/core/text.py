"""Text: the filters templates use, and the one cleaning of text that comes from outside."""

import functools
import re
import unicodedata
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape


def paragraphs(text: str | None) -> Markup:
    """Render text with blank-line-separated paragraphs as <p> elements, escaped."""
    if not text:
        return Markup("")
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in b.split("\n")))
        for b in blocks
    )


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Keep user text from being run as a formula when a spreadsheet opens the export."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# --------------------------------------------------------------------------- text from outside
#
# Text that comes from outside (forms, JSON bodies, file names, workbooks, seed files, what a
# metric source answered) passes through here once, before anything stores or draws it.
#
# - NUL and lone surrogates are never text: PostgreSQL cannot store NUL, no encoder writes a
#   lone surrogate, and no keyboard types either. Where a person or client sent them (a form,
#   the JSON API) the request is refused with a message (see `refusal`); where nobody can
#   be asked (a file, a source's answer, stored rows) they are removed.
# - The other control characters that XML 1.0 forbids (U+0001–U+0008, U+000B, U+000C,
#   U+000E–U+001F, U+FFFE, U+FFFF), DEL and the C1 controls (U+007F–U+009F) are removed
#   everywhere, silently: they arrive with text pasted from word processors and would make
#   every SVG chart and XML file holding them invalid. Word's manual line break (U+000B) and
#   the form feed (U+000C) become a line break, which is what they meant.
# - Tab, line feed and carriage return are kept.

_LINE_BREAKS = {0x0B: "\n", 0x0C: "\n"}
_REMOVED = (
    {c: None for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D)}
    | {c: None for c in range(0x7F, 0xA0)}
    | {c: None for c in range(0xD800, 0xE000)}
    | {0xFFFE: None, 0xFFFF: None}
    | _LINE_BREAKS
)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NEVER_TEXT = re.compile("[\x00\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Return text without NUL, lone surrogates and XML-invalid control characters.

    Tab, line feed and carriage return stay; U+000B and U+000C become line feeds.
    """
    if not _UNSAFE.search(value):
        return value  # the usual case costs one scan
    return value.translate(_REMOVED)


def clean_value(value: Any) -> Any:
    """Clean every string in a value (nested lists, tuples and dict keys and values too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_value(v) for v in value)
    return value


def is_clean(value: str) -> bool:
    """Tell whether text holds nothing `clean_text` would change."""
    return _UNSAFE.search(value) is None


def refusal(value: object) -> str | None:
    """Return why text a person sent cannot be taken (NUL, a lone surrogate), or None.

    Looks into lists and dicts, so a whole JSON body can be checked at once.
    """
    if isinstance(value, str):
        found = _NEVER_TEXT.search(value)
        if found is None:
            return None
        if found.group() == "\x00":
            return str(_("Teksten indeholder et ugyldigt tegn (NUL)."))
        return str(
            _(
                "Teksten indeholder et ugyldigt tegn (en enlig surrogat, U+%(code)04X).",
                code=ord(found.group()),
            )
        )
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        for item in value:
            reason = refusal(item)
            if reason is not None:
                return reason
    return None


# Characters that draw nothing: blanks, controls, format characters (zero-width space,
# joiners, direction marks, BOM, tags), surrogates, the two noncharacters clean_text
# removes, the Hangul fillers, the blank Braille pattern, the combining grapheme joiner
# and the variation selectors. A combining mark alone still draws (on a dotted circle).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})
_BLANK = frozenset(
    "\u034f\u115f\u1160\u3164\uffa0\u2800\ufffe\uffff"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def _is_invisible(char: str) -> bool:
    return char.isspace() or char in _BLANK or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def has_visible_text(value: object) -> bool:
    """Tell whether text holds at least one character that shows (not only blanks,
    zero-width spaces or direction marks)."""
    return isinstance(value, str) and not all(_is_invisible(char) for char in value)


@functools.cache
def visible_text_pattern() -> str:
    """Return a regular expression that finds a character that shows (has_visible_text).

    For the API's document: a class of every invisible character, negated. Characters
    beyond the BMP are written as themselves, which Python's `re` reads as one character
    (an ECMA-262 reader without the u flag sees their two halves). Lone surrogates are
    left out: engines such as Rust's cannot hold them, and the API refuses them anyway.
    """
    ranges: list[tuple[int, int]] = []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # no regular expression engine outside Python takes them; refused anyway
        if _is_invisible(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))

    def written(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    parts = [written(a) if a == b else f"{written(a)}-{written(b)}" for a, b in ranges]
    return "[^" + "".join(parts) + "]"
