"""A chunk of achievement rows writes its new achievements as plain values in one
statement; the same file run one row to a transaction (each row exactly as on the screen)
must leave the same output, achievements, history and audit rows, ids included."""

from datetime import date

import pytest
from sqlalchemy import select, text

from tests.achievement_data import ANN, JAMES, LINKED, NOBODY, OWN, qcf_user
from tests.batch.test_batch_jobs import achievement, batch_user, csv_output, file_of, run
from tests.helpers import committed
from webapp.extensions import db
from webapp.models import Achievement, AchievementEvent, AuditEvent
from webapp.services import achievements
from webapp.services.achievements import NewAchievement, SubmittedLearner

__all__ = ["batch_user"]  # the fixture, shared with the other batch tests

ANN_CELLS = {"ULN": ANN, "GivenName": "Ann", "FamilyName": "Lee"}
WITHDRAW = {"ActionDate": "2026-01-01", "ActionReason": "SUBINERROR"}
REINSTATE = {"ActionDate": "2026-01-02", "ActionReason": "SUBINERROR"}

# Creates, and later rows that change what an earlier row of the same chunk created (so
# not yet written), what was held before the job, and what was moved; duplicates of each.
ROWS = [
    achievement("create", MISIdentifier="1", Grade="Fail"),
    achievement("create", MISIdentifier="2", Reference=OWN, AwardDate="2019-08-02",
                Grade="4", **ANN_CELLS),
    achievement("update", MISIdentifier="3", Grade="Pass"),
    achievement("create", MISIdentifier="4", Reference=OWN, AwardDate="2019-08-03",
                Grade="7"),
    achievement("withdraw", MISIdentifier="5", **WITHDRAW),
    achievement("create", MISIdentifier="5b", Grade="Pass"),  # a duplicate of a withdrawn one
    achievement("reinstate", MISIdentifier="6", **REINSTATE),
    achievement("move", MISIdentifier="7", Reference=OWN, AwardDate="2019-08-02",
                NewULN=JAMES, **ANN_CELLS),
    achievement("create", MISIdentifier="8", Reference=OWN, AwardDate="2019-08-02",
                Grade="3", **ANN_CELLS),
    achievement("create", MISIdentifier="9", ULN=LINKED, AwardDate="2019-08-04"),
    achievement("create", MISIdentifier="10", AwardDate="2019-08-04", Grade="Pass"),
    achievement("create", MISIdentifier="10b", Reference=OWN, AwardDate="2019-08-05",
                Grade="5"),  # a duplicate of one held before the job
    achievement("update", MISIdentifier="11", Reference=OWN, AwardDate="2019-08-05",
                Grade="6"),
    achievement("withdraw", MISIdentifier="12", Reference=OWN, AwardDate="2019-08-05",
                **WITHDRAW),
    achievement("create", MISIdentifier="13", AwardDate="01/08/2019"),
    achievement("update", MISIdentifier="14", ULN=NOBODY, Grade="Pass"),
    achievement("move", MISIdentifier="15", Reference=OWN, AwardDate="2019-08-03",
                NewULN=ANN),
    achievement("create", MISIdentifier="16", Reference=OWN, AwardDate="2019-08-03",
                Grade="8"),
    achievement("create", MISIdentifier="17", GivenName="Jim", FamilyName="Jones",
                AwardDate="2019-08-06"),
    achievement("reinstate", MISIdentifier="18", Reference=OWN, AwardDate="2019-08-05",
                Grade="6", **REINSTATE),
]


def _held_before_the_job(owner) -> None:
    committed(achievements.create, owner, NewAchievement(
        SubmittedLearner(JAMES, "James", "Smith"), OWN, date(2019, 8, 5), "5"))


def _forget_achievements() -> None:
    """Delete every achievement, its history and audit rows and the jobs (the history and
    audit trail refuse deletes: their triggers are off for this alone). Ids go on from
    where they were, so the snapshot counts them from the first achievement."""
    session = db.session
    if db.engine.dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
        triggers = []
    else:
        triggers = session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _sql in triggers:
            session.execute(text(f'DROP TRIGGER "{name}"'))
    for statement in ("DELETE FROM batch_row_outcomes", "DELETE FROM batch_jobs",
                      "DELETE FROM achievement_events", "DELETE FROM achievements",
                      "DELETE FROM audit_events WHERE event LIKE 'achievement.%'"):
        session.execute(text(statement))
    for _name, sql in triggers:
        session.execute(text(sql))
    session.commit()


def _snapshot(job) -> dict:
    """What the job left: its output and counts, and every achievement, history row and
    achievement audit row, ids counted from the first achievement's."""
    db.session.expire_all()
    found = db.session.scalars(select(Achievement).order_by(Achievement.id)).all()
    first = found[0].id

    def local(achievement_id) -> int:
        return int(achievement_id) - first

    # The version is the optimistic lock: it counts the writes of a record, and a chunk
    # writes a record once for several rows' changes (as before the chunk wrote plain
    # values); it only has to change when the record does.
    skipped = {"id", "created_at", "updated_at", "_sentinel", "version"}
    columns = [column.key for column in Achievement.__table__.columns
               if column.key not in skipped]
    return {
        "output": csv_output(job),
        "counts": job.counts,
        "achievements": [(local(a.id), *[getattr(a, name) for name in columns])
                         for a in found],
        "history": [(local(e.achievement_id), e.event, e.actor_user_id, e.channel,
                     e.action_date, e.action_reason, e.details)
                    for e in db.session.scalars(select(AchievementEvent)
                                                .order_by(AchievementEvent.id))],
        "audit": [(e.event, e.actor_user_id, e.organisation_id, e.target_type,
                   local(e.target_id), e.before, e.after, e.details)
                  for e in db.session.scalars(select(AuditEvent).where(
                      AuditEvent.event.like("achievement.%")).order_by(AuditEvent.id))],
    }


@pytest.mark.parametrize("chunk_rows", [4, 100])
def test_a_chunk_leaves_what_its_rows_one_by_one_leave(batch_user, make_user, app,
                                                         chunk_rows):
    owner = qcf_user(make_user, email_address="quinn@exams.example")
    app.config["BATCH_CHUNK_ROWS"] = 1  # each row alone: exactly as on the screen
    _held_before_the_job(owner)
    row_by_row = _snapshot(run(batch_user, "achievement", "a.csv",
                               file_of("achievement", "csv", ROWS)))
    _forget_achievements()

    app.config["BATCH_CHUNK_ROWS"] = chunk_rows
    _held_before_the_job(owner)
    chunked = _snapshot(run(batch_user, "achievement", "a.csv",
                            file_of("achievement", "csv", ROWS)))

    assert [row["Outcome"] for row in row_by_row["output"]] == [
        "created", "created", "updated", "created", "withdrawn", "rejected", "reinstated",
        "moved", "created", "created", "rejected", "rejected", "updated", "withdrawn",
        "rejected", "rejected", "moved", "created", "rejected", "reinstated"]
    assert row_by_row["output"][5]["ErrorCode"] == "ACHIEVEMENT_EXISTS_WITHDRAWN"
    assert len(row_by_row["achievements"]) == 7 and len(row_by_row["audit"]) == 15
    for part in ("output", "counts", "achievements", "history", "audit"):
        assert chunked[part] == row_by_row[part], part
