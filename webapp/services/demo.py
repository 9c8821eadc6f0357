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
from webapp.models import Organisation
from webapp.models.base import utcnow
from webapp.rules.roles import AWARDING, ROLES, ROLES_BY_KIND, SERVICE_DESK, SERVICE_DESK_ROLE
from webapp.services import (
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


@dataclass
class DemoResult:
    created: bool
    credentials_file: Path
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # role, username, pw
    learners: list[dict] = field(default_factory=list)
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
        lines.append(f"{DEMO_LEARNERS} synthetic learners are on the register. Try these in "
                     "Verify Single Learner:")
        lines += [f"  ULN {row['uln']}  {row['given_name']} {row['family_name']}  born "
                  f"{row['date_of_birth']}  gender {row['gender']}"
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
    for role in ROLES_BY_KIND[AWARDING]:
        given, family = DEMO_PEOPLE[role]
        password = user_accounts.generate_password()
        user = user_accounts.create_user(
            organisation,
            user_accounts.NewUser(given_name=given, family_name=family,
                             email=f"{given}.{family}@demo-awarding.example".lower(),
                             roles=[role], verification_provided="Demo account"),
            password=password,
        )
        result.accounts.append((role, user.username, password))
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
    result.qualifications = _load_demo_qualifications()
    after_commit(lambda: _write_credentials(credentials, result))
    return result


def _load_demo_learners() -> list[dict]:
    """Synthetic learners for the register, and a few to try in Verify Single Learner."""
    buffer = io.StringIO()
    synthetic_learners.write_csv(buffer, DEMO_LEARNERS, seed=2026, today=date.today())
    buffer.seek(0)
    load = learners.LearnerLoad(date.today())
    load.save(list(load.valid(read_learners(buffer))))
    load.finish()
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
