from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    ukprn: Mapped[str] = mapped_column(String(8), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # rules.roles.ORGANISATION_KINDS
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    # Loaded when asked for (creating users, Find user's role boxes), not with every
    # request's signed-in user: a selectin load here was a second query on every page.
    grantable: Mapped[list["OrganisationRole"]] = relationship(
        cascade="all, delete-orphan", lazy="select"
    )
    # The same roles' names, space-separated, when the statement that loaded the
    # organisation read them too: the signed-in user's (services/sign_in.py), so a super
    # user's page (the menu, Find user's role boxes) needs no query of its own for them.
    # None otherwise, and after the organisation is expired (a commit).
    grantable_names: Mapped[str | None] = query_expression()

    @property
    def grantable_roles(self) -> set[str]:
        loaded = self.__dict__  # read as they stand: no refresh of an expired organisation
        if loaded.get("grantable_names") is not None and "grantable" not in loaded:
            return set(loaded["grantable_names"].split())
        return {row.role for row in self.grantable}

    def __repr__(self) -> str:
        return f"<Organisation {self.ukprn} {self.name!r}>"


class OrganisationRole(db.Model):
    """A role that the organisation's super users may grant (set up by the service desk)."""

    __tablename__ = "organisation_roles"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40), primary_key=True)
