"""Batch jobs and the outcome of each row applied (issue 13).

Revision ID: 0006
Revises: 0004 (re-chained at merge)
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=3), nullable=False),
        sa.Column("validate_only", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("last_row_number", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("input_path", sa.String(length=255), nullable=True),
        sa.Column("output_path", sa.String(length=255), nullable=True),
        sa.Column("failure", sa.String(length=500), nullable=True),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_batch_jobs_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["users.id"],
                                name=op.f("fk_batch_jobs_submitted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_jobs")),
    )
    op.create_index(op.f("ix_batch_jobs_organisation_id"), "batch_jobs", ["organisation_id"])
    op.create_index(op.f("ix_batch_jobs_status"), "batch_jobs", ["status"])
    op.create_index(op.f("ix_batch_jobs_content_hash"), "batch_jobs", ["content_hash"])
    op.create_table(
        "batch_row_outcomes",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["batch_jobs.id"], ondelete="CASCADE",
                                name=op.f("fk_batch_row_outcomes_job_id_batch_jobs")),
        sa.PrimaryKeyConstraint("job_id", "row_number", name=op.f("pk_batch_row_outcomes")),
    )


def downgrade():
    op.drop_table("batch_row_outcomes")
    op.drop_index(op.f("ix_batch_jobs_content_hash"), table_name="batch_jobs")
    op.drop_index(op.f("ix_batch_jobs_status"), table_name="batch_jobs")
    op.drop_index(op.f("ix_batch_jobs_organisation_id"), table_name="batch_jobs")
    op.drop_table("batch_jobs")
