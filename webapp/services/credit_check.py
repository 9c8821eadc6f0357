"""Perform Credit Check: does a learner's record hold the units a qualification built from
units needs? The active unit achievements on the learner's record (the master's for a
linked ULN) count; their credit values are added up against the qualification's credits
required, and its mandatory units are looked for (see decisions.md for what counts)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Achievement, Qualification, User
from webapp.rules.permissions import Area
from webapp.rules.problems import Problem
from webapp.rules.qualifications import UNIT, canonical_reference, reference_problem
from webapp.rules.uln import uln_problem
from webapp.services import audit
from webapp.services.errors import ValidationFailed
from webapp.services.learners import learner_for_verification
from webapp.services.qualifications import find, unit_based_qualifications
from webapp.services.user_management import require_area


@dataclass(frozen=True)
class CountingUnit:
    reference: str
    title: str
    level: str
    credit_value: int
    award_date: date
    mandatory: bool


@dataclass(frozen=True)
class MissingUnit:
    reference: str
    title: str   # "" when the unit is not on the register


@dataclass(frozen=True)
class CreditCheck:
    uln: str
    qualification: Qualification
    units: list[CountingUnit]
    missing: list[MissingUnit]

    @property
    def total(self) -> int:
        return sum(unit.credit_value for unit in self.units)

    @property
    def required(self) -> int:
        return self.qualification.credits_required

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.total)

    @property
    def present(self) -> list[CountingUnit]:
        return [unit for unit in self.units if unit.mandatory]

    @property
    def met(self) -> bool:
        return self.shortfall == 0 and not self.missing

    @property
    def verdict(self) -> str:
        if self.met:
            return (f"The learner has the credits ({self.total} of {self.required}) and every "
                    "mandatory unit for this qualification.")
        reasons = []
        if self.shortfall:
            reasons.append(f"{self.shortfall} more credit{'s' if self.shortfall != 1 else ''} "
                           f"({self.total} of {self.required})")
        if self.missing:
            reasons.append(f"{len(self.missing)} mandatory unit"
                           f"{'s' if len(self.missing) != 1 else ''}")
        return "Not yet: the learner needs " + " and ".join(reasons) + "."


def qualifications_to_check() -> list[Qualification]:
    return unit_based_qualifications()


def check(actor: User, uln: str, reference: str) -> CreditCheck:
    """The credit check, audited (ULN and reference only)."""
    require_area(actor, Area.CREDIT_CHECK)
    problems = [problem for problem in (uln_problem(uln), reference_problem(
        reference, "reference", "Qualification")) if problem]
    qualification = None if problems else find(reference)
    if not problems and (qualification is None or not qualification.built_from_units):
        problems.append(Problem("NOT_UNIT_BASED", "This is not a qualification built from "
                                "units", "reference", canonical_reference(reference),
                                "Choose a qualification from the list"))
    learner = None
    if not problems:
        learner = learner_for_verification(uln.strip()).master
        if learner is None:
            problems.append(Problem("LEARNER_NOT_FOUND", "No learner on the register has this "
                                    "ULN", "uln", uln, "Check the ULN with the learning "
                                    "provider"))
    if problems:
        raise ValidationFailed(problems=problems)
    mandatory = qualification.mandatory_unit_list
    rows = db.session.execute(
        select(Achievement, Qualification).join(Qualification)
        .where(Achievement.uln == learner.uln, Achievement.status == "active",
               Qualification.kind == UNIT)
        .order_by(Achievement.award_date, Achievement.reference)).all()
    units, seen = [], set()
    for achievement, unit in rows:
        if unit.reference in seen:   # a unit achieved twice counts once
            continue
        seen.add(unit.reference)
        units.append(CountingUnit(unit.reference, unit.title, unit.level,
                                  unit.credit_value or 0, achievement.award_date,
                                  unit.reference in mandatory))
    titles = {unit.reference: unit.title for unit in db.session.scalars(
        select(Qualification).where(Qualification.reference.in_(mandatory)))}
    missing = [MissingUnit(reference, titles.get(reference, ""))
               for reference in mandatory if reference not in seen]
    result = CreditCheck(learner.uln, qualification, units, missing)
    audit.record("credit.checked", actor=actor, target_type="learner", target_id=learner.uln,
                 details={"reference": qualification.reference, "met": result.met})
    return result
