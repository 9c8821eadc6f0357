import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from webapp.rules.uln import check_digit, is_valid_uln, uln_problem

VALID = ["9276308686", "1000102504", "1000000043", "1964986809", "8383558804", "6936002314"]
INVALID = ["1000000042", "1000102508", "1000000063", "0000000042", "9999999999"]


@pytest.mark.parametrize("uln", VALID)
def test_published_valid_ulns(uln):
    assert is_valid_uln(uln)


@pytest.mark.parametrize("uln", INVALID)
def test_published_invalid_ulns(uln):
    assert not is_valid_uln(uln)


@pytest.mark.parametrize("text,message", [
    ("", "Enter the ULN"), ("12345", "10 digits"), ("12345678a0", "10 digits"),
    ("0123456789", "must not start with 0"), ("1000000042", "check digit"),
])
def test_problems_are_named(text, message):
    assert message in uln_problem(text).message


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(
    lambda s: s[0] != "0")


def _valid(first_nine: str) -> str:
    digit = check_digit(first_nine)
    assume(digit is not None and first_nine + str(digit) != "9999999999")
    return first_nine + str(digit)


@given(nine_digits)
def test_every_constructed_uln_is_accepted(first_nine):
    assert is_valid_uln(_valid(first_nine))


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_every_single_digit_change_is_rejected(first_nine, position, shift):
    uln = _valid(first_nine)
    changed = uln[:position] + str((int(uln[position]) + shift) % 10) + uln[position + 1:]
    assert not is_valid_uln(changed)


@given(nine_digits)
def test_weighted_sum_over_all_ten_digits_is_10_mod_11(first_nine):
    uln = _valid(first_nine)
    assert sum(int(d) * w for d, w in zip(uln, range(10, 0, -1), strict=True)) % 11 == 10


@pytest.mark.parametrize("typed,clean", [
    ("471 520 0006", "4715200006"), ("4715-200-006", "4715200006"),
    (" 4715 2000 06 ", "4715200006"), ("4715–200–006", "4715200006"), ("", ""),
])
def test_spaces_and_dashes_are_taken_out_of_a_uln(typed, clean):
    from webapp.rules.uln import normalise_uln

    assert normalise_uln(typed) == clean


def test_letters_stay_in_and_are_refused_with_what_a_uln_looks_like():
    from webapp.rules.uln import normalise_uln

    problem = uln_problem(normalise_uln("4715 2OO 006"))
    assert problem.code == "BAD_ULN" and "like 4715200006" in problem.fix


def test_a_second_check_of_a_uln_is_answered_from_the_first_with_its_own_field_and_label():
    """A batch row's ULN is checked by the file's field rules and again by the service:
    the second check reuses the verdict, yet each names its own field and label."""
    from webapp.rules.uln import _fault

    _fault.cache_clear()
    assert uln_problem("4715200006", "ULN") is None
    assert uln_problem("4715200006") is None
    assert _fault.cache_info().hits == 1
    in_file = uln_problem("1000000042", "NewULN", "NewULN")
    in_service = uln_problem("1000000042", "new_uln", "New ULN")
    assert (in_file.field, in_file.code, in_file.value) == ("NewULN", "BAD_ULN", "1000000042")
    assert in_file.message.startswith("NewULN is not valid")
    assert (in_service.field, in_service.message) == (
        "new_uln", "New ULN is not valid: check the 10 digits (the last digit is a check digit)")
    assert _fault.cache_info().hits == 2
    assert uln_problem(" 9999999999 ").message == "9999999999 is a placeholder, not a learner's ULN"
    assert uln_problem(None).code == "ULN_REQUIRED" and uln_problem(None).value == ""


def test_a_long_text_is_refused_without_being_kept():
    """A hostile file's cell may be a megabyte: the verdict cache keeps ULN-length texts only."""
    from webapp.rules.uln import _fault

    _fault.cache_clear()
    assert uln_problem("1" * 100_000).code == "BAD_ULN"
    assert _fault.cache_info().currsize == 0
