"""Hardening (issue 9): reset after unlock, held email changes, and an audit trail the
database times and PostgreSQL cannot truncate.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AUDIT_MESSAGE = "audit_events is append-only"
SQLITE_NOW = sa.text("(strftime('%Y-%m-%d %H:%M:%f', 'now'))")


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("password_reset_required", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("one_time_tokens") as batch_op:
        batch_op.add_column(sa.Column("requested_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("takes_effect_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_one_time_tokens_requested_by_id_users"),
                                    "users", ["requested_by_id"], ["id"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_audit()
    else:
        _sqlite_audit()


def _postgresql_audit():
    op.alter_column("audit_events", "occurred_at", server_default=sa.text("clock_timestamp()"))
    # The database, not the application, says when an event happened.
    op.execute("""
        CREATE FUNCTION audit_events_set_time() RETURNS trigger AS $$
        BEGIN NEW.occurred_at := clock_timestamp(); RETURN NEW; END;
        $$ LANGUAGE plpgsql""")
    op.execute("""
        CREATE TRIGGER audit_events_set_time BEFORE INSERT ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_set_time()""")
    # TRUNCATE fires no row triggers: refuse it with a statement trigger.
    op.execute("""
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""")


def _sqlite_audit():
    # Changing a default rebuilds the table on SQLite, which drops its triggers: put the
    # append-only triggers back afterwards.
    with op.batch_alter_table("audit_events", recreate="always") as batch_op:
        batch_op.alter_column("occurred_at", server_default=SQLITE_NOW,
                              existing_type=sa.DateTime(timezone=True), existing_nullable=False)
    for action in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{action.lower()}")
        op.execute(f"""
            CREATE TRIGGER audit_events_no_{action.lower()} BEFORE {action} ON audit_events
            BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_set_time ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_set_time()")
        op.alter_column("audit_events", "occurred_at", server_default=None)
    with op.batch_alter_table("one_time_tokens") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_one_time_tokens_requested_by_id_users"),
                                 type_="foreignkey")
        batch_op.drop_column("takes_effect_at")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("requested_by_id")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("password_reset_required")
