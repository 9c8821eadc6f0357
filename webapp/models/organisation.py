from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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

    @property
    def grantable_roles(self) -> set[str]:
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
