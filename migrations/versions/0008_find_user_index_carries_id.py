"""Find user's ordering index carries the user's id on PostgreSQL (issue 14), so a page of
a name search is read from the index alone: the LIKE '%text%' that the index cannot seek is
checked on each index entry passed, not on a row fetched from the table for it.

SQLite needs nothing: every SQLite index already ends with the rowid, which is users.id.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ORDER = ["organisation_id", "status", "search_family_name", "search_given_name", "username"]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(include=["id"])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(include=[])


def _rebuild(include: list[str]) -> None:
    op.drop_index("ix_users_find_user_order", table_name="users")
    op.create_index("ix_users_find_user_order", "users", ORDER, postgresql_include=include)
