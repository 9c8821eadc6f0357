"""Verification in the service (issue 8): linked ULNs compared with both records, a ULN
typed with spaces or dashes, held details only with a date of birth, and the audited shape
of each query."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from tests.helpers import AsChannel
from webapp import jobs
from webapp.extensions import db
from webapp.formats.learner_csv import COLUMNS
from webapp.models import AuditEvent
from webapp.services import learners, verification
from webapp.services.errors import ValidationFailed

verification = AsChannel(verification)

TODAY = date(2026, 11, 29)
BORN = date(2008, 5, 1)
MASTER = "1000000043,James,Smith,,,,,2008-05-01,1,SW1A 1AA,"
# The same person registered again under another name (a change the master has not got).
LINKED = "9276308686,Jimmy,Smythe-Jones,,,,,2008-05-01,1,SW1A 1AA,1000000043"


@pytest.fixture
def register(app):
    text = "\n".join([",".join(COLUMNS), MASTER, LINKED]) + "\n"
    jobs.import_learners(io.StringIO(text), TODAY)


def ask(uln="1000000043", given="James", family="Smith", dob=BORN, gender="1"):
    return verification.VerificationRequest(uln, given, family, dob, gender)


def last_audit() -> AuditEvent:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == "learner.verified")
                              .order_by(AuditEvent.id.desc())).first()


def test_the_service_loads_both_records_of_a_linked_uln(register):
    records = learners.learner_for_verification("9276308686")
    assert records.linked and records.master.uln == "1000000043"
    assert records.own.uln == "9276308686" and records.own.given_name == "Jimmy"
    alone = learners.learner_for_verification("1000000043")
    assert not alone.linked and alone.master.uln == alone.own.uln == "1000000043"


@pytest.mark.parametrize("given,family,code", [
    ("Jimmy", "Smythe-Jones", "VRC002"),  # exactly the linked record's own details
    ("James", "Smith", "VRC002"),         # exactly the master's
    ("Jim", "Smythe-Jones", "VRC004"),    # possible against the linked record
    ("Peter", "Williams", "VRC005"),
])
def test_a_linked_uln_is_compared_with_its_own_and_the_masters_details(
        register, make_user, given, family, code):
    result = verification.verify_learner(make_user(), ask("9276308686", given, family))
    assert result.code == code
    if code != "VRC005":
        assert result.returned.uln == "1000000043" and result.returned.given_name == "James"


@pytest.mark.parametrize("typed", ["100 000 0043", "1000-000-043", " 1000 0000 43 ",
                                   "1000–000–043"])
def test_a_uln_typed_with_spaces_or_dashes_is_understood(register, make_user, typed):
    result = verification.verify_learner(make_user(), ask(uln=typed))
    assert result.code == "VRC001"
    assert last_audit().target_id == "1000000043"


def test_letters_in_a_uln_are_still_an_error_saying_what_a_uln_looks_like(register, make_user):
    with pytest.raises(ValidationFailed) as error:
        verification.verify_learner(make_user(), ask(uln="10000O0043"))
    problem = error.value.problems[0]
    assert problem.field == "uln" and "10 digits" in problem.message
    assert "like 4715200006" in problem.fix


def test_held_details_are_withheld_without_a_date_of_birth(register, make_user):
    user = make_user()
    without = verification.verify_learner(user, ask(given="Jim", dob=None, gender=None))
    assert without.code == "VRC003" and without.returned is None
    assert "date of birth was not supplied" in without.withheld
    text = " ".join(check.explanation for check in without.checks)
    assert "‘James’" not in text and "‘Smith’" not in text
    exact = verification.verify_learner(user, ask(dob=None))
    assert exact.code == "VRC001" and exact.returned is None and exact.withheld
    shown = verification.verify_learner(user, ask(given="Jim"))
    assert shown.returned.given_name == "James" and shown.withheld is None


def test_the_audit_keeps_the_shape_of_the_query_not_the_names(register, make_user):
    verification.verify_learner(make_user(), ask(given="Mary-Jane", family="O'Brien Smith",
                                                 dob=None, gender="2"))
    details = last_audit().details
    assert details["query"] == {"given_name_parts": [4, 4], "family_name_parts": [6, 5],
                                "date_of_birth": False, "gender": True}
    blob = repr(details)
    assert "Mary" not in blob and "Brien" not in blob
