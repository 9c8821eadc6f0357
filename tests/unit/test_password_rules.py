from hypothesis import given
from hypothesis import strategies as st

from webapp.rules import passwords


def test_length_boundaries_for_ordinary_users():
    assert passwords.password_problem("a" * 11 + "z", is_super_user=False) is None
    problem = passwords.password_problem("qz" * 5 + "x", is_super_user=False)
    assert "12 characters" in problem.message


def test_super_users_need_fifteen_characters():
    fourteen = "tangerine-kite"
    assert len(fourteen) == 14
    assert passwords.password_problem(fourteen, is_super_user=False) is None
    assert "15 characters" in passwords.password_problem(fourteen, is_super_user=True).message
    assert passwords.password_problem(fourteen + "s", is_super_user=True) is None


def test_at_least_64_characters_are_accepted_and_a_cap_exists():
    assert passwords.password_problem("x" * 30 + "y" * 34, is_super_user=True) is None
    assert passwords.password_problem("x" * 129, is_super_user=False) is not None


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


@given(st.text(min_size=15, max_size=64).filter(lambda s: not passwords.is_common(s)))
def test_any_long_uncommon_password_is_accepted(password):
    assert passwords.password_problem(password, is_super_user=True) is None


def test_requirements_shown_on_screen_match_the_rule():
    assert "at least 15 characters" in passwords.requirements(True)[0]
    assert "at least 12 characters" in passwords.requirements(False)[0]
