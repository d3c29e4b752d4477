"""Users and the roles they hold in programmes."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portfolio.core.models import Timestamped, UTCDateTime, Versioned, enum_column
from portfolio.extensions import db


class Role(enum.Enum):
    """A role in a programme. Administrators are marked on the user instead."""

    SECRETARIAT = "secretariat"
    TRACK_LEAD = "track_lead"
    BENEFIT_OWNER = "benefit_owner"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return str(_ROLE_LABELS[self])


_ROLE_LABELS = {
    Role.SECRETARIAT: _l("Programsekretariat"),
    Role.TRACK_LEAD: _l("Sporleder"),
    Role.BENEFIT_OWNER: _l("Gevinstejer"),
    Role.VIEWER: _l("Læseadgang (styregruppe)"),
}


class User(UserMixin, Versioned, Timestamped, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.Index("uq_users_oidc", "oidc_issuer", "oidc_subject", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Neither read nor written any more: API tokens are rows of api_tokens (migration 0007
    # moved each one there and emptied this column). It stays one release, so that the
    # release before it still loads users during a rolling upgrade; a later migration
    # drops it. Deferred, so no query loads it.
    api_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True, deferred=True)
    # Raised on logout, a password change, deactivation and reactivation: each ends every
    # session issued before it (the epoch travels in the session cookie, see get_id).
    session_epoch: Mapped[int] = mapped_column(default=0)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Who the user is at the OpenID Connect provider: its issuer and the stable subject
    # claim. Users signing in through the provider are matched by these, never by e-mail.
    oidc_issuer: Mapped[str | None] = mapped_column(sa.String(500))
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.is_active_account

    def get_id(self) -> str:
        # The epoch travels in the session cookie; a stale epoch logs the session out.
        return f"{self.id}:{self.session_epoch}"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class TokenEnd(enum.Enum):
    """Why an API token stopped working."""

    REVOKED_BY_OWNER = "revoked_by_owner"
    REVOKED_BY_ADMIN = "revoked_by_admin"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
    ACCOUNT_DEACTIVATED = "account_deactivated"

    @property
    def label(self) -> str:
        return str(_TOKEN_END_LABELS[self])


_TOKEN_END_LABELS = {
    TokenEnd.REVOKED_BY_OWNER: _l("Tilbagekaldt af ejeren"),
    TokenEnd.REVOKED_BY_ADMIN: _l("Tilbagekaldt af en administrator"),
    TokenEnd.PASSWORD_CHANGED: _l("Ophørt ved skift af adgangskode"),
    TokenEnd.ACCOUNT_DEACTIVATED: _l("Ophørt, da kontoen blev lukket"),
}


class ApiToken(Timestamped, db.Model):
    """A personal API token: a bearer secret that acts with its owner's rights.

    Only the SHA-256 of the secret is kept; the secret is shown once, when it is made. An
    ended token stays as a row (with when and why it ended) so its owner can see it.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The secret's first characters, so its owner can tell which token is which.
    prefix: Mapped[str] = mapped_column(sa.String(8), default="")
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[TokenEnd | None] = mapped_column(enum_column(TokenEnd, "token_end"))

    user: Mapped[User] = relationship()

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    def __repr__(self) -> str:
        state = "live" if self.is_live else self.end_reason.value if self.end_reason else "ended"
        return f"<ApiToken {self.id} user={self.user_id} {state}>"


class Membership(db.Model):
    """A user's role in one programme (or, with no programme, in every programme).

    A track lead's membership names the track; a benefit owner's names the benefit.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        sa.CheckConstraint(
            "(role <> 'track_lead' OR track_id IS NOT NULL)"
            " AND (role <> 'benefit_owner' OR benefit_id IS NOT NULL)",
            name="scope_given",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id"))
    benefit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefits.id"))

    user: Mapped[User] = relationship(back_populates="memberships")
    programme = relationship("Programme")
    track = relationship("Track")
    benefit = relationship("Benefit")

    def __repr__(self) -> str:
        return f"<Membership user={self.user_id} {self.role.value} programme={self.programme_id}>"


class OwnedByPerson:
    """An owner (or lead) who is a user of the system or a person named in free text.

    The text column `owner` stays for people without an account; `owner_user_id` names a
    user. One of them is set, or neither (core rule in auth/people.py); a user shows by
    their current name.
    """

    @declared_attr
    def owner_user_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id"), index=True)

    @declared_attr
    def owner_user(cls) -> Mapped[User | None]:
        return relationship("User", lazy="joined")

    @property
    def owner_label(self) -> str | None:
        """The owner as pages show them: the user's name, else the named person."""
        if self.owner_user is not None:
            return self.owner_user.display_name
        return getattr(self, "owner", None) or None


class OidcGroupRole(Timestamped, db.Model):
    """A group (or app role) claim value from the OIDC provider, and the role it grants.

    With no programme the role holds in every programme. Roles of users who sign in through
    the provider are set from these on each sign-in (unless OIDC_ROLE_SYNC is "manual").
    """

    __tablename__ = "oidc_group_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_value: Mapped[str] = mapped_column(sa.String(200), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"))

    programme = relationship("Programme")

    def __repr__(self) -> str:
        return (
            f"<OidcGroupRole {self.claim_value!r} {self.role.value} programme={self.programme_id}>"
        )
