"""Small text filters for templates."""

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
