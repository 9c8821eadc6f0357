"""Batch jobs (guide 6.2, 7.3): an uploaded file, its progress and its outcome counts, and
the outcome of each row as it was applied. A row's outcome is committed in the same
transaction as the change it made, so a job resumed after a crash starts after the last
row recorded and never applies a row twice."""

import enum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.organisation import Organisation
from webapp.models.user import User


class BatchStatus(enum.StrEnum):
    WAITING = "Waiting"
    IN_PROGRESS = "In progress"
    SUCCESSFUL = "Successful"
    FAILED = "Failed"
    CANCELLED = "Cancelled"


ENDED = (BatchStatus.SUCCESSFUL, BatchStatus.FAILED, BatchStatus.CANCELLED)


class BatchJob(db.Model):
    __tablename__ = "batch_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))            # verify | achievement
    file_name: Mapped[str] = mapped_column(String(255))       # as uploaded, shown only
    file_format: Mapped[str] = mapped_column(String(3))       # csv | xml
    validate_only: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=BatchStatus.WAITING, index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256 of the file
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    last_row_number: Mapped[int] = mapped_column(Integer, default=0)  # resume after this
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # outcome → rows
    # File names in the batches folder (batches.stored() finds them), never a host's path.
    input_path: Mapped[str | None] = mapped_column(String(255))
    output_path: Mapped[str | None] = mapped_column(String(255))
    failure: Mapped[str | None] = mapped_column(String(500))  # why a job failed, no learner data
    claimed_by: Mapped[str | None] = mapped_column(String(32))  # the worker running it
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_at = mapped_column(UTCDateTime)
    heartbeat_at = mapped_column(UTCDateTime)
    finished_at = mapped_column(UTCDateTime)
    purged_at = mapped_column(UTCDateTime)  # files deleted after the retention period

    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User] = relationship(lazy="joined")

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.SUCCESSFUL:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class BatchRowOutcome(db.Model):
    """One row's answer, kept until the output file is written."""

    __tablename__ = "batch_row_outcomes"

    job_id: Mapped[int] = mapped_column(ForeignKey("batch_jobs.id", ondelete="CASCADE"),
                                        primary_key=True)
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20))
    cells: Mapped[list] = mapped_column(JSON)  # the output row, in the output's column order
