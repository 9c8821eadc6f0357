"""Find user at scale (issue 14): names stored folded, an index for the default listing,
and trigram indexes for the name search on PostgreSQL.

Revision ID: 0007
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEARCHED = ("given_name", "family_name", "username")
TRIGRAM_INDEXES = {column: f"ix_users_search_{column}_trgm" for column in SEARCHED}


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("search_given_name", sa.String(length=35),
                                   nullable=False, server_default=""))
        batch.add_column(sa.Column("search_family_name", sa.String(length=35),
                                   nullable=False, server_default=""))
        batch.add_column(sa.Column("search_username", sa.String(length=80),
                                   nullable=False, server_default=""))
    # lower() is Unicode-aware on both: PostgreSQL's, and on SQLite the application's
    # (registered on every connection in webapp/extensions.py), as the application folds.
    op.execute("UPDATE users SET search_given_name = lower(given_name), "
               "search_family_name = lower(family_name), search_username = lower(username)")
    op.create_index("ix_users_find_user_order", "users", [
        "organisation_id", "status", "search_family_name", "search_given_name", "username"])
    if _postgres_with_trigrams():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column, name in TRIGRAM_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON users USING gin (search_{column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES.values():
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_users_find_user_order", table_name="users")
    with op.batch_alter_table("users") as batch:
        for column in SEARCHED:
            batch.drop_column(f"search_{column}")


def _postgres_with_trigrams() -> bool:
    """pg_trgm ships with PostgreSQL's contrib and is a trusted extension (13+), so the
    schema's owner may create it; without it the search still works, by scanning."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return bool(bind.execute(sa.text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar())
