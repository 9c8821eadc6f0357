import enum
import secrets

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.organisation import Organisation
from webapp.rules.roles import SUPER_USER


class UserStatus(enum.StrEnum):
    """The guide's four statuses. Inactive: created, registration not yet completed."""

    ACTIVE = "Active"
    INACTIVE = "Inactive"
    SUSPENDED = "Suspended"
    DELETED = "Deleted"


def fold(text: str | None) -> str:
    """How names are compared in searches: Unicode lower case (Zoë, ÉMILE → zoë, émile)."""
    return (text or "").lower()


def new_session_token() -> str:
    return secrets.token_hex(32)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Never reassigned: a deleted account keeps its row and its username.
    username: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str | None] = mapped_column(String(20))
    given_name: Mapped[str] = mapped_column(String(35))
    family_name: Mapped[str] = mapped_column(String(35))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower case
    landline: Mapped[str | None] = mapped_column(String(30))
    mobile: Mapped[str | None] = mapped_column(String(30))
    staff_reference: Mapped[str | None] = mapped_column(String(50))
    verification_provided: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default=UserStatus.INACTIVE.value)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    # Set by an unlock: the next sign-in with the right password becomes a reset, so a
    # guessed password does not survive the unlock.
    password_reset_required: Mapped[bool] = mapped_column(Boolean, default=False,
                                                          server_default=false())
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Part of every session's identity: changing it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    email_verified_at = mapped_column(UTCDateTime)
    terms_accepted_at = mapped_column(UTCDateTime)
    password_changed_at = mapped_column(UTCDateTime)
    last_sign_in_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    # Optimistic locking: two people editing the same account cannot overwrite each other.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # ‘Find user’ searches and sorts these, stored folded (lower case) so the database
    # compares them as they are, with an index, instead of folding every row per query.
    search_given_name: Mapped[str] = mapped_column(String(35), default="", server_default="")
    search_family_name: Mapped[str] = mapped_column(String(35), default="", server_default="")
    search_username: Mapped[str] = mapped_column(String(80), default="", server_default="")

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # Serves Find user's default listing (an organisation's active users by name)
        # straight from the index, a page at a time, without sorting; with the id on
        # PostgreSQL (migration 0008; SQLite's indexes end with it) a page's ids too.
        Index("ix_users_find_user_order", "organisation_id", "status", "search_family_name",
              "search_given_name", "username", postgresql_include=["id"]),
        # Name search (LIKE '%text%') on PostgreSQL through pg_trgm (migration 0007).
        *(Index(f"ix_users_search_{column}_trgm", f"search_{column}", postgresql_using="gin",
                postgresql_ops={f"search_{column}": "gin_trgm_ops"}).ddl_if(dialect="postgresql")
          for column in ("given_name", "family_name", "username")),
    )

    @validates("given_name", "family_name", "username")
    def _fold_for_search(self, key: str, value: str | None) -> str | None:
        setattr(self, f"search_{key}", fold(value))
        return value

    # Flask-Login protocol. The id in the session is the session token, not the row id,
    # so rotating the token signs the user out everywhere.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.can_sign_in

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *names: str) -> bool:
        return bool(self.roles.intersection(names))

    @property
    def is_super_user(self) -> bool:
        return SUPER_USER in self.roles

    @property
    def can_sign_in(self) -> bool:
        return self.status == UserStatus.ACTIVE and not self.locked

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40), primary_key=True)

    # Counting an organisation's active super users starts from the few holders of the role
    # (migration 0010); the primary key, by user first, cannot serve "who holds this role".
    __table_args__ = (Index("ix_user_roles_role_user", "role", "user_id"),)
