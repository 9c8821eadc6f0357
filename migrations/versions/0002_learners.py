"""The learner register.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "learners",
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("given_name", sa.String(length=35), nullable=False),
        sa.Column("preferred_given_name", sa.String(length=35), nullable=True),
        sa.Column("middle_other_names", sa.String(length=35), nullable=True),
        sa.Column("family_name", sa.String(length=35), nullable=False),
        sa.Column("previous_family_name", sa.String(length=35), nullable=True),
        sa.Column("family_name_at_16", sa.String(length=35), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("postcode", sa.String(length=9), nullable=True),
        sa.Column("master_uln", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uln", name=op.f("pk_learners")),
    )
    op.create_index(op.f("ix_learners_master_uln"), "learners", ["master_uln"])


def downgrade():
    op.drop_index(op.f("ix_learners_master_uln"), table_name="learners")
    op.drop_table("learners")
