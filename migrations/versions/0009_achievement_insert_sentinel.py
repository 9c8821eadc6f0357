"""An insert sentinel column on achievements (issue 13's speed): SQLAlchemy numbers the rows
of a multi-row INSERT … RETURNING in it, so a batch chunk's achievements go to SQLite in one
statement instead of one each, with each returned id matched to its row. Nullable, no
default; rows inserted one at a time leave it empty.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("achievements") as batch:
        batch.add_column(sa.Column("_sentinel", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("achievements") as batch:
        batch.drop_column("_sentinel")
