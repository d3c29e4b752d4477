"""Building blocks shared by the domain models."""

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> dt.datetime:
    """Return the current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone; this makes both databases hand back the same kind of value.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC times")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """Return a portable enum type that stores the members' values as text with a CHECK."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Timestamped:
    """Adds created_at and updated_at."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Versioned:
    """Adds an edit counter that SQLAlchemy checks on every UPDATE (optimistic locking).

    A form or API write carries the version it was started from; a mismatch means a
    colleague saved in between, and the service refuses the edit instead of overwriting.
    """

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    # The column is a 32-bit integer on PostgreSQL: a larger number sent by a client is
    # refused as invalid before it reaches a query (it would not fit the comparison).
    MAX_VERSION = 2**31 - 1

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class ScaledDecimal(sa.types.TypeDecorator):
    """An exact decimal with a fixed number of places, stored as an integer.

    Budgets are kept in mio. kr. with at most three decimals (whole thousands of kroner).
    Storing the integer number of thousandths keeps every sum exact on SQLite, which has
    no decimal type of its own, as well as on PostgreSQL.
    """

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, places: int = 3):
        super().__init__()
        self.places = places
        self._unit = Decimal(1).scaleb(-places)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError("amount must be a finite number")
        if value != value.quantize(self._unit):
            raise ValueError(f"amount has more than {self.places} decimals: {value}")
        return int(value.scaleb(self.places))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.places)


class DecimalText(sa.types.TypeDecorator):
    """An exact decimal of any size and precision, stored as its canonical text.

    Statistics arrive with as many decimals as their provider gives (a rate of 12.3456 %,
    a count of 1234567); none of them may pass through binary floating point on the way.
    SQLite has no decimal type, so the number is kept as text on both databases and
    compared in Python; nothing sorts by it in SQL.
    """

    impl = sa.String(60)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError("a measured value must be a finite number")
        text = str(value)
        if len(text) > 60:
            raise ValueError("a measured value is too long to store exactly")
        return text

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)
