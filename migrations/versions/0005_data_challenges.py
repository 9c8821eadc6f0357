"""Event data challenges and the monthly report's record of what was sent.

Revision ID: 0005
Revises: 0004 (qualifications and achievements)
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UNRESOLVED = "status IN ('open', 'in_progress')"


def _fk(column: str, table: str, name_table: str = "challenges") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{table}.id"],
                                   name=op.f(f"fk_{name_table}_{column}_{table}"))


def upgrade():
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("duplicate_achievement_id", sa.Integer(), nullable=True),
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("proposed_value", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("raised_by_user_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_organisation_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolution_comments", sa.Text(), nullable=True),
        sa.Column("resolved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
        sa.UniqueConstraint("reference", name=op.f("uq_challenges_reference")),
        _fk("organisation_id", "organisations"),
        _fk("achievement_id", "achievements"),
        _fk("duplicate_achievement_id", "achievements"),
        _fk("raised_by_user_id", "users"),
        _fk("raised_by_organisation_id", "organisations"),
        _fk("resolved_by_user_id", "users"),
    )
    # The resolver's list: one organisation, perhaps one status, oldest first.
    op.create_index("ix_challenges_organisation_status_raised", "challenges",
                    ["organisation_id", "status", "raised_at", "id"])
    op.create_index("ix_challenges_organisation_raised", "challenges",
                    ["organisation_id", "raised_at", "id"])
    op.create_index("ix_challenges_raised_by_organisation", "challenges",
                    ["raised_by_organisation_id", "raised_at", "id"])
    # One unresolved challenge per achievement and type, however many are raised at once.
    op.create_index("uq_challenges_unresolved_type", "challenges", ["achievement_id", "type"],
                    unique=True, sqlite_where=sa.text(UNRESOLVED),
                    postgresql_where=sa.text(UNRESOLVED))

    op.create_table(
        "challenge_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("open_challenges", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_reports")),
        sa.UniqueConstraint("organisation_id", "month",
                            name="uq_challenge_reports_organisation_month"),
        _fk("organisation_id", "organisations", "challenge_reports"),
    )


def downgrade():
    op.drop_table("challenge_reports")
    op.drop_index("uq_challenges_unresolved_type", table_name="challenges")
    op.drop_index("ix_challenges_raised_by_organisation", table_name="challenges")
    op.drop_index("ix_challenges_organisation_raised", table_name="challenges")
    op.drop_index("ix_challenges_organisation_status_raised", table_name="challenges")
    op.drop_table("challenges")
