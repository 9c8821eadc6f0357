import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.rules import passwords


def test_length_boundaries_for_ordinary_users():
    assert passwords.password_problem("plum kettle!", is_super_user=False) is None
    problem = passwords.password_problem("plum kettl!", is_super_user=False)
    assert "12 characters" in problem.message


def test_super_users_need_fifteen_characters_and_a_stronger_password():
    fourteen = "tangerine-kite"
    assert len(fourteen) == 14
    assert passwords.password_problem(fourteen, is_super_user=False) is None
    assert "15 characters" in passwords.password_problem(fourteen, is_super_user=True).message
    assert passwords.password_problem("tangerine-kite-orbit", is_super_user=True) is None


def test_at_least_64_characters_are_accepted_and_a_cap_exists():
    assert passwords.password_problem("plum kettle orbit saxophone " * 2 + "tangerine",
                                      is_super_user=True) is None
    assert passwords.password_problem("x" * 129, is_super_user=False) is not None


@pytest.mark.parametrize("length", [72, 73, 100, 128])
def test_passphrases_up_to_the_cap_are_judged_not_refused_by_the_strength_check(length):
    """zxcvbn refuses input over 72 characters; a long passphrase must still get an answer."""
    phrase = ("plum kettle orbit saxophone tangerine velvet " * 3)[:length]
    assert passwords.password_problem(phrase, is_super_user=True) is None


def test_common_passwords_are_rejected_whatever_the_case():
    assert passwords.is_common("Password1234")
    problem = passwords.password_problem("1qaz2wsx3edc", is_super_user=False)
    assert problem and "too common" in problem.message


def test_the_common_list_is_large():
    assert len(passwords._common_passwords()) >= 10_000


def test_username_and_email_are_not_passwords():
    problem = passwords.password_problem("jane.smithson", is_super_user=False,
                                         username="jane.smithson")
    assert problem and "username" in problem.message


def test_no_composition_rules_spaces_and_unicode_allowed():
    assert passwords.password_problem("ünïcode pass phrase", is_super_user=False) is None


# Issue 9, ‘Trivial passwords are accepted’: each of these passed the old length-and-list
# rule.
TRIVIAL = ["            ", "aaaaaaaaaaaa", "111111111111", "123456789012", "qwertyuiopas",
           "passwordpassword"]


@pytest.mark.parametrize("password", TRIVIAL)
def test_trivial_passwords_are_refused(password):
    assert passwords.password_problem(password, is_super_user=False) is not None


def test_length_is_measured_after_trimming():
    problem = passwords.password_problem("   plum kettle   ", is_super_user=False)
    assert problem.code == "PASSWORD_TOO_SHORT"


def test_the_username_followed_by_digits_is_refused():
    problem = passwords.password_problem("jane.smith2024", is_super_user=False,
                                         username="jane.smith", names=("Jane", "Smith"))
    assert problem and problem.code == "PASSWORD_WEAK"


def test_the_organisation_name_is_refused():
    for guess in ("Northern Exams Board", "northernexamsboard1"):
        problem = passwords.password_problem(guess, is_super_user=False,
                                             organisation="Northern Exams Board")
        assert problem and problem.code == "PASSWORD_WEAK", guess


def test_a_passphrase_is_accepted_for_everyone():
    for super_user in (False, True):
        assert passwords.password_problem(
            "correct horse battery staple", is_super_user=super_user, username="jane.smith",
            names=("Jane", "Smith"), organisation="Northern Exams Board") is None


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=0, max_size=200))
def test_any_text_gets_an_answer_and_never_keeps_the_password(password):
    problem = passwords.password_problem(password, is_super_user=True)
    assert problem is None or (problem.value == "" and problem.field == "password")


def test_requirements_shown_on_screen_match_the_rule():
    assert "at least 15 characters" in passwords.requirements(True)[0]
    assert "at least 12 characters" in passwords.requirements(False)[0]
