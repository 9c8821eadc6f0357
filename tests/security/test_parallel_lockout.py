"""Issue 9, ‘Lockout can be raced’: twenty attempts fired at once (on SQLite and on
PostgreSQL, whichever DATABASE_URL names) must not check more passwords than the lock
allows, and the right password must not win a session after the lock was written."""

import threading

import pytest
from sqlalchemy import select

from tests.helpers import BOSS_PASSWORD, STRONG_PASSWORD
from webapp.extensions import db
from webapp.models import AuditEvent, User
from webapp.services import sign_in
from webapp.services.unit_of_work import unit_of_work

PARALLEL = 20


@pytest.fixture
def app_overrides():
    # Hashing slow enough (a few ms) for unguarded attempts to overlap, as they do on a
    # real server, yet quick enough that twenty checks decided one at a time stay well
    # inside SQLite's five-second busy timeout on a loaded machine.
    return {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 4 * 1024}


def _fire(app, calls):
    """Run each call in its own thread, app context and unit of work, all at once."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work():
                    results[index] = call()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def _replay(user_id):
    """Replay the audit trail in order: no password was checked on a locked account, the
    counter rose one at a time, and a success came only before the fifth failure."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_id == str(user_id),
        AuditEvent.event.in_(["sign_in.failed", "sign_in.succeeded", "email_change.refused"]))
        .order_by(AuditEvent.id)).all()
    consecutive = checked = successes = 0
    for event in events:
        reason = (event.details or {}).get("reason")
        if event.event == "sign_in.succeeded":
            assert consecutive < 5, "the right password won after the lock"
            consecutive, successes = 0, successes + 1
        elif reason == "wrong_password":
            consecutive += 1
            checked += 1
            assert consecutive <= 5, "a password was checked on a locked account"
            assert event.details["consecutive_failures"] == consecutive
        else:
            assert reason == "locked" and consecutive >= 5, event.details
    return checked, successes


def test_twenty_parallel_sign_ins_check_no_more_passwords_than_the_lock_allows(
        app, make_user, outbox):
    user = make_user()
    username, user_id, address = user.username, user.id, user.email
    calls = [lambda n=n: sign_in.authenticate(username, f"wrong guess number {n}")
             for n in range(PARALLEL - 1)]
    calls.insert(PARALLEL // 2, lambda: sign_in.authenticate(username, STRONG_PASSWORD))
    _fire(app, calls)
    stored = db.session.get(User, user_id)
    db.session.refresh(stored)
    checked, successes = _replay(user_id)
    assert stored.locked and stored.failed_sign_ins == 5
    assert checked <= 5 + 4 * successes
    assert len(outbox.to(address)) == 1, "one lock email"


def test_twenty_parallel_wrong_passwords_on_edit_email_lock_at_five(app, make_user, outbox):
    user = make_user(roles=["super_user"], password=BOSS_PASSWORD)
    user_id, address = user.id, user.email

    def guess(n):
        def call():
            me = db.session.get(User, user_id)
            return sign_in.check_password(me, f"wrong guess number {n}", "email_change.refused")
        return call

    results = _fire(app, [guess(n) for n in range(PARALLEL)])
    assert not any(results)
    stored = db.session.get(User, user_id)
    db.session.refresh(stored)
    checked, _ = _replay(user_id)
    assert stored.locked and stored.failed_sign_ins == 5
    assert checked == 5, f"{checked} passwords were checked: the lock allows five"
    assert len(outbox.to(address)) == 1
