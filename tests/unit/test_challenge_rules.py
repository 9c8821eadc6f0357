"""Resolution comments are emailed: they may hold neither a ULN nor the learner's name or
date of birth, whatever way it is written; ordinary words that are also names pass."""

from datetime import date

import pytest

from webapp.rules.challenges import (
    ChallengeType,
    LearnerNames,
    Proposal,
    comments_problem,
    learner_details_problem,
    proposal_problems,
    written_date,
)

JAMES = LearnerNames(("James", "José"), ("Ó Briain-Wilson",), date(2005, 9, 6))
MARK = LearnerNames(("Mark", "Will"), ("May",), date(2008, 1, 1))


@pytest.mark.parametrize("comments", [
    "Checked with James Wilson: grade corrected",
    "Spoke to james about the Briain record",
    "Jose WILSON confirmed",                      # accents and case folded
    "born 6 September 2005",
    "DOB 06/09/2005",
    "dob 6/9/2005 on file",
    "2005-09-06 on file",
    "6th Sept 2005",
    "September 6, 2005",
    "06.09.05",
])
def test_the_learners_name_or_date_of_birth_is_refused(comments):
    problem = learner_details_problem(comments, [JAMES])
    assert problem and problem.code == "COMMENTS_HOLD_LEARNER_DETAILS" and problem.fix


@pytest.mark.parametrize(("comments", "learner"), [
    ("Grade corrected to 6 after checking the certificate", JAMES),
    ("Award date corrected to 01/08/2019", JAMES),
    ("Spoke to James at the college", JAMES),     # a given name alone is not a person
    ("The mark was corrected and we will reissue it", MARK),
    ("It may be reissued in May", MARK),
    ("Certificate dated 21/1/2008 and 11 January 2008", MARK),  # not 1/1/2008
])
def test_ordinary_comments_pass(comments, learner):
    assert learner_details_problem(comments, [learner]) is None


def test_a_uln_is_refused_in_any_grouping():
    assert comments_problem("upheld", "Learner 471 520 0006 fixed").code == "COMMENTS_HOLD_ULN"


def test_an_empty_correct_value_is_one_error_not_two():
    problems = proposal_problems(Proposal(ChallengeType.WRONG_INFORMATION, "grade", "",
                                          notes="n", contact="c"), ["Pass", "Fail"])
    assert [p.code for p in problems] == ["CORRECT_VALUE_REQUIRED"]


@pytest.mark.parametrize(("text", "expected"), [
    ("27/3/2019", date(2019, 3, 27)), ("2019-03-27", date(2019, 3, 27)),
    ("27 March 2019", date(2019, 3, 27)), ("27 Mar 2019", date(2019, 3, 27)),
    ("31/02/2019", None), ("not a date", None),
])
def test_a_correct_date_as_people_write_it(text, expected):
    assert written_date(text) == expected
