"""Resolution comments are emailed: they may hold neither a ULN nor the learner's name or
date of birth, whatever way it is written."""

from datetime import date

import pytest

from webapp.rules.challenges import LearnerNames, comments_problem, learner_details_problem

JAMES = LearnerNames(("James", None, "Ó Briain-Wilson"), date(2005, 9, 6))


@pytest.mark.parametrize("comments", [
    "Checked with James: grade corrected",
    "Spoke to james's college",
    "Wilson's record corrected",
    "Ó BRIAIN confirmed",
    "born 6 September 2005",
    "DOB 06/09/2005",
    "dob 6/9/2005",
    "2005-09-06 on file",
    "06 sep 2005",
])
def test_the_learners_name_or_date_of_birth_is_refused(comments):
    problem = learner_details_problem(comments, [JAMES])
    assert problem and problem.code == "COMMENTS_HOLD_LEARNER_DETAILS" and problem.fix


@pytest.mark.parametrize("comments", [
    "Grade corrected to 6 after checking the certificate",
    "Award date corrected to 01/08/2019",
    "Duplicate withdrawn; the other achievement stands",
    "Jameson Street centre confirmed",  # a longer word is not the name
])
def test_ordinary_comments_pass(comments):
    assert learner_details_problem(comments, [JAMES]) is None


def test_a_uln_is_refused_in_any_grouping():
    assert comments_problem("upheld", "Learner 471 520 0006 fixed").code == "COMMENTS_HOLD_ULN"
