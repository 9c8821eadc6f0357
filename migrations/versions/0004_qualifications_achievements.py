"""The qualification and unit register, achievements and their append-only history.

Revision ID: 0004
Revises: 0003 (the hardened audit table)
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HISTORY_MESSAGE = "achievement_events is append-only"


def upgrade():
    op.create_table(
        "qualifications",
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=13), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("owner_ukprn", sa.String(length=8), nullable=False),
        sa.Column("availability", sa.String(length=10), nullable=False),
        sa.Column("operational_start_date", sa.Date(), nullable=False),
        sa.Column("operational_end_date", sa.Date(), nullable=True),
        sa.Column("certification_end_date", sa.Date(), nullable=True),
        sa.Column("grading_scale", sa.Text(), nullable=False),
        sa.Column("credit_value", sa.Integer(), nullable=True),
        sa.Column("credits_required", sa.Integer(), nullable=True),
        sa.Column("mandatory_units", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_qualifications")),
    )
    op.create_index(op.f("ix_qualifications_owner_ukprn"), "qualifications", ["owner_ukprn"])

    op.create_table(
        "achievements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uln", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("award_date", sa.Date(), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=True),
        sa.Column("provider_ukprn", sa.String(length=8), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("submitted_uln", sa.String(length=10), nullable=False),
        sa.Column("submitted_given_name", sa.String(length=35), nullable=False),
        sa.Column("submitted_family_name", sa.String(length=35), nullable=False),
        sa.Column("submitted_date_of_birth", sa.Date(), nullable=True),
        sa.Column("submitted_postcode", sa.String(length=9), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_achievements_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["reference"], ["qualifications.reference"],
                                name=op.f("fk_achievements_reference_qualifications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievements")),
        sa.UniqueConstraint("uln", "award_date", "reference",
                            name="uq_achievements_uln_award_date_reference"),
    )
    op.create_index(op.f("ix_achievements_uln"), "achievements", ["uln"])
    op.create_index(op.f("ix_achievements_reference"), "achievements", ["reference"])
    op.create_index(op.f("ix_achievements_organisation_id"), "achievements",
                    ["organisation_id"])

    op.create_table(
        "achievement_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action_date", sa.Date(), nullable=True),
        sa.Column("action_reason", sa.String(length=10), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["achievement_id"], ["achievements.id"],
                                name=op.f("fk_achievement_events_achievement_id_achievements")),
        sa.ForeignKeyConstraint(["actor_user_id"], ["users.id"],
                                name=op.f("fk_achievement_events_actor_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement_events")),
    )
    op.create_index(op.f("ix_achievement_events_achievement_id"), "achievement_events",
                    ["achievement_id"])
    _make_history_append_only()


def _make_history_append_only():
    """Refuse UPDATE and DELETE on an achievement's history, as on the audit trail."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION achievement_events_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{HISTORY_MESSAGE}'; END;
            $$ LANGUAGE plpgsql""")
        op.execute("""
            CREATE TRIGGER achievement_events_append_only BEFORE UPDATE OR DELETE
            ON achievement_events FOR EACH ROW EXECUTE FUNCTION achievement_events_append_only()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER achievement_events_no_{action.lower()} BEFORE {action}
                ON achievement_events BEGIN SELECT RAISE(ABORT, '{HISTORY_MESSAGE}'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS achievement_events_append_only ON achievement_events")
        op.execute("DROP FUNCTION IF EXISTS achievement_events_append_only()")
    op.drop_table("achievement_events")
    op.drop_table("achievements")
    op.drop_index(op.f("ix_qualifications_owner_ukprn"), table_name="qualifications")
    op.drop_table("qualifications")
