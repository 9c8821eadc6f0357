"""A small learner register and qualification register for the achievement tests, shared by
the service, web and browser tests."""

import io
from datetime import date

from webapp import jobs
from webapp.formats.learner_csv import COLUMNS as LEARNER_COLUMNS
from webapp.formats.qualification_csv import COLUMNS as REGISTER_COLUMNS

TODAY = date(2026, 11, 29)
JAMES = "1000000043"      # James Smith, born 2008-05-01, SW1A 1AA
LINKED = "9276308686"     # linked to James
ANN = "1000102504"        # Ann Lee, born 2007-03-02, no postcode
NOBODY = "1964986809"     # a valid ULN not on the register
OWN = "600/1166/X"        # owned by the test organisation, 9-1 scale, 2015 – 2025
SHARED = "500/9126/8"     # another organisation's, shared, Pass;Fail
THEIRS = "100/2510/8"     # another organisation's, restricted
UNIT = "K/501/5773"       # the test organisation's unit, 3 credits (mandatory in DIPLOMA)
UNIT_2 = "H/650/1001"     # 6 credits, optional
UNIT_3 = "M/650/1003"     # 4 credits, mandatory
DIPLOMA = "650/9999/0"    # 12 credits required; K/501/5773 and M/650/1003 mandatory

LEARNERS = [
    f"{JAMES},James,Smith,,,,,2008-05-01,1,SW1A 1AA,",
    f"{LINKED},James,Smith,,,,,2008-05-01,1,SW1A 1AA,{JAMES}",
    f"{ANN},Ann,Lee,,,,,2007-03-02,2,,",
]
REGISTER = [
    f"{OWN},qualification,GCSE Maths,GCSE,1/2,10012345,restricted,2015-09-01,2020-08-31,"
    "2025-08-31,9;8;7;6;5;4;3;2;1;U,,,",
    f"{SHARED},qualification,FS English,Functional Skills,2,10067890,shared,2008-09-01,,,"
    "Pass;Fail,,,",
    f"{THEIRS},qualification,Adult Literacy,Basic Skills,2,10067890,restricted,2006-09-01,"
    ",,Pass;Fail,,,",
    f"{UNIT},unit,Food safety,Unit,2,10012345,restricted,2016-09-01,,,Pass;Fail,3,,",
    f"{UNIT_2},unit,Prepare vegetables,Unit,2,10012345,restricted,2016-09-01,,,Pass;Fail,6,,",
    f"{UNIT_3},unit,Working in hospitality,Unit,2,10067890,shared,2016-09-01,,,Pass;Fail,4,,",
    f"{DIPLOMA},qualification,Diploma in Cookery,Diploma,2,10012345,restricted,2016-09-01,,,"
    f"Pass;Merit;Distinction,,12,{UNIT};{UNIT_3}",
]


def csv_text(columns, *rows) -> io.StringIO:
    return io.StringIO("\n".join([",".join(columns), *rows]) + "\n")


def load_registers() -> None:
    """The learners and the qualification register above, each import committed."""
    jobs.import_learners(csv_text(LEARNER_COLUMNS, *LEARNERS), TODAY)
    jobs.import_qualifications(csv_text(REGISTER_COLUMNS, *REGISTER))


def qcf_user(make_user, **kwargs):
    """An achievements user (qcf_user) of the test organisation."""
    return make_user(roles=["qcf_user"], given="Quinn", family="Achiever", **kwargs)


def two_achievements_of_james(owner):
    """James Smith's two achievements of OWN (awarded 1 and 2 August 2019), each committed:
    what a data challenge, and a duplicate one, is raised on."""
    from tests.helpers import committed
    from webapp.services import achievements
    from webapp.services.achievements import NewAchievement, SubmittedLearner

    james = SubmittedLearner(JAMES, "James", "Smith")
    return tuple(committed(achievements.create, owner,
                           NewAchievement(james, OWN, date(2019, 8, day), "5")) for day in (1, 2))


def rival_user(make_user, other_organisation, **kwargs):
    """An achievements user of the other organisation."""
    return make_user(roles=["qcf_user"], org=other_organisation, given="Rory", family="Rival",
                     email_address="rory@southern.example", **kwargs)
