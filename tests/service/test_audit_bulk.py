"""Audit events written together (a batch chunk's) are stored exactly as one at a time."""

from sqlalchemy import text

from webapp.extensions import db
from webapp.services import audit


def _stored() -> list[tuple]:
    """Each event's before, after and details as the database holds them: SQL NULL (None)
    is not JSON null ('null')."""
    return db.session.execute(text(
        "SELECT event, CAST(before AS TEXT), CAST(after AS TEXT), CAST(details AS TEXT) "
        "FROM audit_events WHERE event LIKE 'test.%' ORDER BY id")).all()


def test_events_written_together_are_stored_as_one_at_a_time(user):
    given = [{"event": "test.plain", "details": {"code": "VRC001", "flags": []}},
             {"event": "test.nothing"},
             {"event": "test.change", "before": {"grade": "Pass"}, "after": {"grade": "Merit"},
              "details": {"uln": "1000000043"}}]
    for entry in given:
        audit.add(audit.values(actor=user, **entry))
    db.session.flush()
    one_at_a_time = _stored()
    assert [row[1:3] for row in one_at_a_time] == [
        ("null", "null"), ("null", "null"), ('{"grade": "Pass"}', '{"grade": "Merit"}')]

    for events in (given[:2], given):  # without changes only; with one among them
        db.session.rollback()  # forget what was written, then write it together
        audit.record_all([audit.values(actor=user, **entry) for entry in events])
        db.session.flush()
        assert _stored() == one_at_a_time[:len(events)]
