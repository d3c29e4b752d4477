"""Ids in URLs, bounded to what the database's integer columns hold."""

from werkzeug.routing import IntegerConverter

# Integer primary keys are 32-bit on PostgreSQL; a larger number cannot name a row, and
# comparing a column with it is an error in the database driver, not an empty result.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in a route matches 1 … MAX_ID only: a larger number is a 404."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def id_arg(text: str) -> int:
    """Read an id from the query string: `request.args.get("a", type=id_arg)`."""
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"not an id: {text}")
    return value
