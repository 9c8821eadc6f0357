"""Demo data for `make run`: one awarding organisation, a super user and one user of
each other role, and a service desk user; passwords are printed once and kept in
instance/demo-accounts.txt."""

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from sqlalchemy import select

from webapp.extensions import db
from webapp.formats.learner_csv import read_learners
from webapp.formats.qualification_csv import read_qualifications
from webapp.models import Achievement, AchievementEvent, Organisation
from webapp.models.base import utcnow
from webapp.rules.challenges import Proposal
from webapp.rules.learner_data import GENDERS
from webapp.rules.roles import (
    AWARDING,
    PROVIDER,
    PROVIDER_USER,
    ROLES,
    ROLES_BY_KIND,
    SERVICE_DESK,
    SERVICE_DESK_ROLE,
)
from webapp.rules.uln import check_digit
from webapp.services import (
    challenges,
    learners,
    organisations,
    qualifications,
    synthetic_learners,
    user_accounts,
)
from webapp.services.unit_of_work import after_commit

DEMO_UKPRN = "10000001"
DEMO_ORGANISATION = "Demo Awarding Body"
DEMO_SERVICE_DESK = "Demo Service Desk"
DEMO_SERVICE_DESK_UKPRN = "10000002"
DEMO_LEARNERS = 2000
DEMO_COLLEGE = "Demo College"
DEMO_COLLEGE_UKPRN = "10000003"
DEMO_ACHIEVEMENTS = (("100/2510/8", date(2012, 7, 1), "Fail"),
                     ("500/9126/8", date(2018, 7, 1), "Pass"),
                     ("500/9126/8", date(2018, 7, 2), "Pass"))


def _demo_ulns(count: int) -> list[str]:
    """Valid ULNs from 9000000010 upwards. The demo loads its own learners after the
    synthetic ones, so should a synthetic ULN fall among them, the demo's learner wins."""
    ulns, stem = [], 900000000
    while len(ulns) < count:
        stem += 1
        if (digit := check_digit(str(stem))) is not None:
            ulns.append(f"{stem}{digit}")
    return ulns


@dataclass(frozen=True)
class Try:
    """Something to type into Verify Single Learner, and the answer it gets."""

    code: str
    why: str
    uln: str
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    gender: str = ""

    def line(self) -> str:
        born = f"  born {self.date_of_birth:%-d %B %Y}" if self.date_of_birth else ""
        gender = f"  {GENDERS[self.gender]}" if self.gender else ""
        return (f"  {self.code} {self.why}:\n      ULN {self.uln}  {self.given_name} "
                f"{self.family_name}{born}{gender}")


(_OLIVER, _JAMES, _SIOBHAN, _AMELIA, _KATHERINE, _WEI, _GRACE, _HARRIET, _LINKED_OLIVER,
 _LINKED_JAMES, _NOBODY) = _demo_ulns(11)
_COLUMNS = ("uln,given_name,family_name,preferred_given_name,middle_other_names,"
            "previous_family_name,family_name_at_16,date_of_birth,gender,postcode,master_uln")
# The demo's own learners: one for each kind of match the guide's return codes describe.
DEMO_REGISTER = f"""{_COLUMNS}
{_OLIVER},Oliver,Bennett,,,,,2008-03-27,1,,
{_JAMES},James,Wilson,,,,,2005-09-06,1,,
{_SIOBHAN},Siobhan,O'Brien,,,,,2009-06-14,2,,
{_AMELIA},Amelia,Smith-Jones,,,,,2007-11-02,2,,
{_KATHERINE},Katherine,Hughes,,,,,2006-01-30,2,,
{_WEI},Wei,Zhang,,,,,2008-07-19,1,,
{_GRACE},Grace,Clarke,,,Taylor,,2004-05-05,2,,
{_HARRIET},Harriet,Morgan,Maisie,,,,2009-02-11,2,,
{_LINKED_OLIVER},Oliver,Bennett,,,,,2008-03-27,1,,{_OLIVER}
{_LINKED_JAMES},James,Wilson,,,,,2005-09-06,1,,{_JAMES}
"""
DEMO_TRIES = (
    Try("VRC001", "exact match", _OLIVER, "Oliver", "Bennett", date(2008, 3, 27), "1"),
    Try("VRC002", "exact match on a linked ULN", _LINKED_OLIVER, "Oliver", "Bennett",
        date(2008, 3, 27), "1"),
    Try("VRC003", "possible match: a short form of the given name (James)", _JAMES, "Jim",
        "Wilson", date(2005, 9, 6), "1"),
    Try("VRC003", "possible match: an accent and no apostrophe (Siobhan O'Brien)", _SIOBHAN,
        "Siobhán", "OBrien"),
    Try("VRC003", "possible match: one part of a double family name (Smith-Jones)", _AMELIA,
        "Amelia", "Jones"),
    Try("VRC003", "possible match: a spelling variant (Katherine)", _KATHERINE, "Katharine",
        "Hughes"),
    Try("VRC003", "possible match: given and family names swapped (Wei Zhang)", _WEI,
        "Zhang", "Wei"),
    Try("VRC003", "possible match: the previous family name (now Clarke)", _GRACE, "Grace",
        "Taylor"),
    Try("VRC003", "possible match: the preferred given name (Harriet)", _HARRIET, "Maisie",
        "Morgan"),
    Try("VRC004", "possible match on a linked ULN", _LINKED_JAMES, "Jim", "Wilson"),
    Try("VRC005", "the learner does not match (James Wilson)", _JAMES, "Peter", "Wilson",
        date(2005, 9, 6), "1"),
    Try("VRC006", "no learner has this ULN", _NOBODY, "Oliver", "Bennett"),
)
DEMO_QUALIFICATIONS = "demo_qualifications.csv"
DEMO_DIPLOMA = "650/9999/0 Demo Level 2 Diploma in Professional Cookery"
DEMO_PEOPLE = {
    "super_user": ("Sam", "Super"),
    "ab_batch_user": ("Bella", "Batch"),
    "ab_user": ("Alex", "Verifier"),
    "qcf_record_set_user": ("Rita", "Records"),
    "qcf_user": ("Quinn", "Achiever"),
    "edc_resolver": ("Eddie", "Resolver"),
}
# A resolver usually mends what a challenge shows is wrong: the demo's also manages
# achievements, so Process offers Edit Grade, Withdraw and Move (guide 8.4).
DEMO_EXTRA_ROLES = {"edc_resolver": ["qcf_user"]}


@dataclass
class DemoResult:
    created: bool
    credentials_file: Path
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # role, username, pw
    learners: list[dict] = field(default_factory=list)
    tries: tuple[Try, ...] = ()
    qualifications: int = 0

    def report(self) -> str:
        if not self.created:
            return (f"Demo data is already loaded. Its accounts and passwords are in "
                    f"{self.credentials_file}")
        lines = [f"Demo organisation {DEMO_ORGANISATION} (UKPRN {DEMO_UKPRN}) created.",
                 "Sign in at the portal with:"]
        lines += [f"  {ROLES[role].label:<26} {username:<22} {password}"
                  for role, username, password in self.accounts]
        lines.append(f"(also written to {self.credentials_file})")
        lines.append(f"{DEMO_LEARNERS} synthetic learners are on the register, and a few "
                     "more for these tries. Type them into Verify Single Learner (as a user "
                     "with the Awarding body user or LRS super user role) to see every "
                     "return code:")
        lines += [attempt.line() for attempt in self.tries]
        lines.append("Some synthetic learners to try as well:")
        lines += [f"  ULN {row['uln']}  {row['given_name']} {row['family_name']}  born "
                  f"{date.fromisoformat(row['date_of_birth']):%-d %B %Y}  "
                  f"{GENDERS.get(row['gender'], row['gender'])}"
                  + (f"  (previously {row['previous_family_name']})"
                     if row["previous_family_name"] else "")
                  + ("  (a linked ULN)" if row["master_uln"] else "")
                  for row in self.learners]
        lines.append(f"{self.qualifications} qualifications and units are on the register "
                     f"(GCSEs, A levels, functional skills and the unit-based "
                     f"{DEMO_DIPLOMA}); those owned by UKPRN 10000001 or shared can be "
                     "awarded in Manage Learner Achievements.")
        return "\n".join(lines)


def load_demo_data(instance_path: str) -> DemoResult:
    """Stage the demo organisations, accounts and learners; the credentials file is
    written once the caller's unit of work commits."""
    credentials = Path(instance_path) / "demo-accounts.txt"
    if db.session.scalar(select(Organisation).where(Organisation.ukprn == DEMO_UKPRN)):
        return DemoResult(created=False, credentials_file=credentials)
    organisation = organisations.create_organisation(DEMO_ORGANISATION, DEMO_UKPRN, AWARDING)
    result = DemoResult(created=True, credentials_file=credentials)
    people = {}
    for role in ROLES_BY_KIND[AWARDING]:
        given, family = DEMO_PEOPLE[role]
        password = user_accounts.generate_password()
        user = user_accounts.create_user(
            organisation,
            user_accounts.NewUser(given_name=given, family_name=family,
                             email=f"{given}.{family}@demo-awarding.example".lower(),
                             roles=[role, *DEMO_EXTRA_ROLES.get(role, [])],
                             verification_provided="Demo account"),
            password=password,
        )
        result.accounts.append((role, user.username, password))
        people[role] = user
    desk = organisations.create_organisation(DEMO_SERVICE_DESK, DEMO_SERVICE_DESK_UKPRN,
                                             SERVICE_DESK)
    password = user_accounts.generate_password()
    desk_user = user_accounts.create_user(
        desk, user_accounts.NewUser(given_name="Desmond", family_name="Desk",
                               email="desmond.desk@demo-service-desk.example",
                               roles=[SERVICE_DESK_ROLE], verification_provided="Demo account"),
        password=password)
    result.accounts.append((SERVICE_DESK_ROLE, desk_user.username, password))
    result.learners = _load_demo_learners()
    result.tries = DEMO_TRIES
    result.qualifications = _load_demo_qualifications()
    college_user, password = _demo_college()
    result.accounts.append((PROVIDER_USER, college_user.username, password))
    _load_demo_challenges(people["qcf_user"], college_user)
    after_commit(lambda: _write_credentials(credentials, result))
    return result


def _demo_college():
    college = organisations.create_organisation(DEMO_COLLEGE, DEMO_COLLEGE_UKPRN, PROVIDER)
    password = user_accounts.generate_password()
    user = user_accounts.create_user(
        college, user_accounts.NewUser(given_name="Pat", family_name="Provider",
                                       email="pat.provider@demo-college.example",
                                       roles=[PROVIDER_USER],
                                       verification_provided="Demo account"),
        password=password)
    return user, password


def _load_demo_challenges(awarding_user, college_user) -> None:
    """A few achievements for James Wilson (ULN in DEMO_TRIES) and data challenges on them
    from the demo college, so Event Data Challenges and My data challenges have rows."""
    db.session.flush()
    made = []
    for reference, awarded, grade in DEMO_ACHIEVEMENTS:
        achievement = Achievement(
            uln=_JAMES, reference=reference, award_date=awarded, grade=grade,
            organisation_id=awarding_user.organisation_id, submitted_uln=_JAMES,
            submitted_given_name="James", submitted_family_name="Wilson", status="active",
            channel="portal")
        db.session.add(achievement)
        db.session.add(AchievementEvent(achievement=achievement, event="created",
                                        actor_user_id=awarding_user.id, channel="portal",
                                        details={"grade": grade}))
        made.append(achievement)
    db.session.flush()
    first, second, third = made
    for achievement, proposal in (
            (first, Proposal("wrong_information", "grade", "Pass", notes="The learner's "
                             "certificate shows a pass", contact="Exams office, 0161 496 0000")),
            (second, Proposal("duplicate", duplicate_of=third.id, notes="Uploaded twice",
                              contact="Exams office, 0161 496 0000")),
            (third, Proposal("not_this_learner", "disputed", notes="The learner never "
                             "took this qualification", contact="Pat Provider"))):
        challenges.raise_challenge(college_user, _JAMES, achievement.id, proposal)


def _load_demo_learners() -> list[dict]:
    """Synthetic learners for the register, and a few to try in Verify Single Learner."""
    buffer = io.StringIO()
    synthetic_learners.write_csv(buffer, DEMO_LEARNERS, seed=2026, today=date.today())
    buffer.seek(0)
    load = learners.LearnerLoad(date.today())
    load.save(list(load.valid(read_learners(buffer))))
    load.finish()
    own = learners.LearnerLoad(date.today())  # after the synthetic ones, so these win
    own.save(list(own.valid(read_learners(io.StringIO(DEMO_REGISTER)))))
    own.finish()
    buffer.seek(0)
    rows = list(csv.DictReader(buffer))
    linked = next(row for row in rows if row["master_uln"])
    changed = next(row for row in rows if row["previous_family_name"] and not row["master_uln"])
    return [rows[0], changed, linked]


def _load_demo_qualifications() -> int:
    """Real GCSE, A level and functional skills numbers and titles (public DfE data) and a
    synthetic unit-based diploma with its units: webapp/services/data/demo_qualifications.csv."""
    load = qualifications.QualificationLoad()
    text = resources.files("webapp.services.data").joinpath(DEMO_QUALIFICATIONS)
    with text.open(encoding="utf-8", newline="") as source:
        load.save(list(load.valid(read_qualifications(source))))
    load.finish()
    return load.report.inserted


def _write_credentials(path: Path, result: DemoResult) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"# Demo accounts created {utcnow():%Y-%m-%d %H:%M} UTC\n")
        for role, username, password in result.accounts:
            handle.write(f"{role}\t{username}\t{password}\n")
