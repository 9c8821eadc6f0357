"""The check tests/conftest.py runs on every email: it must catch a ULN sent with a
demographic, and let a ULN alone (or a name alone) through."""

from tests.achievement_data import load_registers
from tests.mail_privacy import learner_data_in
from webapp.extensions import db
from webapp.services.mailer import new_message

JAMES = "1000000043"  # James Smith, born 2008-05-01, male, SW1A 1AA


def findings(body: str) -> list[str]:
    with db.engine.connect() as connection:
        return learner_data_in(connection, new_message("a@b.example", "Subject", body))


def test_a_uln_with_any_demographic_is_caught(app):
    load_registers()
    assert findings(f"Learner {JAMES}, James") == ["ULN 1000000043 with given name"]
    assert findings("ULN 100 000 0043 family name SMITH") == [
        "ULN 1000000043 with family name"]
    assert findings(f"{JAMES} born 1 May 2008") == ["ULN 1000000043 with date of birth"]
    assert findings(f"{JAMES} 2008-05-01") == ["ULN 1000000043 with date of birth"]
    assert findings(f"{JAMES} Male") == ["ULN 1000000043 with gender"]
    assert findings(f"{JAMES} sw1a1aa") == ["ULN 1000000043 with postcode"]


def test_a_uln_alone_or_a_name_alone_passes(app):
    load_registers()
    assert findings(f"Challenge on ULN {JAMES}: see the portal") == []
    assert findings("James Smith asked for a new password") == []
    assert findings("Reference 1964986809 James Smith") == []  # not a learner's ULN


def test_the_fixture_fails_a_test_whose_email_gives_data_away(app, no_learner_data_in_email):
    from webapp.services import mailer
    from webapp.services.unit_of_work import unit_of_work

    load_registers()
    with unit_of_work():
        mailer.send_email("a@b.example", f"About {JAMES}", "challenge_raised",
                          challenge=type("C", (), {"reference": "James Smith"})(),
                          type_label="x", link="")
    assert sorted(no_learner_data_in_email) == [
        "‘About 1000000043’ to a@b.example: ULN 1000000043 with family name",
        "‘About 1000000043’ to a@b.example: ULN 1000000043 with given name"]
    no_learner_data_in_email.clear()  # seen: this test expected it
