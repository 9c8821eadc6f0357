"""Appendix B: learner data restrictions, each a named error with field and fix."""

from datetime import date

import pytest

from webapp.rules.learner_data import (
    LearnerDetails,
    date_of_birth_errors,
    gender_errors,
    learner_errors,
    name_errors,
    postcode_errors,
    prison_postcodes,
    prohibited_phrase,
    prohibited_text_errors,
)

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize("name", ["Ann", "O'Brien", "O’Brien", "Smith-Jones", "D`Arcy",
                                  "St. John", "Mary Ann", "A" * 35])
def test_acceptable_names(name):
    assert name_errors("given_name", name) == []


@pytest.mark.parametrize("name,code", [
    ("", "REQUIRED"), ("A" * 36, "TOO_LONG"), ("---", "NO_LETTER"), ("J0hn", "BAD_CHARACTER"),
    ("Anne (deceased)", "BAD_CHARACTER"), ("Zoë", "BAD_CHARACTER"), ("Ann_Smith", "BAD_CHARACTER"),
])
def test_unacceptable_names(name, code):
    (error,) = name_errors("family_name", name)
    assert error.code == code and error.field == "family_name"
    assert error.message  # a plain fix


def test_optional_names_may_be_blank_but_not_bad():
    assert name_errors("previous_family_name", "") == []
    assert name_errors("previous_family_name", "123")[0].code == "NO_LETTER"


@pytest.mark.parametrize("born,ok", [
    (date(2015, 11, 29), True),   # 11 today
    (date(2015, 11, 30), False),  # 11 tomorrow: still 10
    (date(1916, 11, 29), True),   # 110 today
    (date(1915, 11, 30), True),   # 110, 111 tomorrow
    (date(1915, 11, 29), False),  # 111 today
])
def test_age_between_11_and_110_on_the_day(born, ok):
    errors = date_of_birth_errors(born, TODAY)
    assert (errors == []) is ok
    if not ok:
        assert errors[0].code == "AGE_OUT_OF_RANGE"


def test_gender_codes():
    assert gender_errors("1") == [] and gender_errors("9") == []
    assert gender_errors("M")[0].code == "BAD_CODE"


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "sw1a1aa", "M1 1AE", "B33 8TH", "CR2 6XH",
                                      "DN55 1PT", "EC1A 1BB", "BFPO 123", "bfpo 1", ""])
def test_acceptable_postcodes(postcode):
    assert postcode_errors(postcode) == []


@pytest.mark.parametrize("postcode", ["SW1A 1CA", "12345", "ZZ1 1ZZX", "BFPO 12345", "SW1A"])
def test_badly_formed_postcodes(postcode):
    assert postcode_errors(postcode)[0].code == "BAD_FORMAT"


def test_prison_postcodes_are_rejected_from_the_data_file():
    assert len(prison_postcodes()) >= 10
    (error,) = postcode_errors("n7 8tt")
    assert error.code == "PRISON_POSTCODE" and "prison" in error.message


@pytest.mark.parametrize("text,phrase", [
    ("Deceased", "Deceased"), ("john DO NOT USE", "DO NOT USE"), ("Do  not use", "Do  not use"),
])
def test_prohibited_text_on_word_boundaries_any_case(text, phrase):
    assert prohibited_phrase(text) == phrase


@pytest.mark.parametrize("text", ["Deadman", "Testa", "Unknownson", "Refusedo"])
def test_prohibited_text_needs_whole_words(text):
    assert prohibited_phrase(text) is None


def test_prohibited_text_names_the_field():
    (error,) = prohibited_text_errors({"given_name": "Ann", "family_name": "Unknown"})
    assert error.field == "family_name" and error.code == "PROHIBITED_TEXT"


def _record(**changes):
    values = dict(uln="1000000043", given_name="Ann", family_name="Lee",
                  date_of_birth=date(2008, 1, 1), gender="2", postcode="SW1A 1AA")
    values.update(changes)
    return LearnerDetails(**values)


def test_a_good_record_has_no_errors():
    assert learner_errors(_record(), TODAY) == []


def test_every_problem_in_a_record_is_reported_with_its_field():
    errors = learner_errors(_record(uln="1000000042", given_name="J0hn", gender="7",
                                    postcode="N7 8TT", master_uln="1000000043",
                                    date_of_birth=date(2020, 1, 1)), TODAY)
    assert [e.field for e in errors] == ["uln", "given_name", "date_of_birth", "gender",
                                         "postcode"]


def test_a_learner_cannot_be_its_own_master():
    (error,) = learner_errors(_record(master_uln="1000000043"), TODAY)
    assert error.code == "SELF_LINK"
