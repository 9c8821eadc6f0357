"""Achievements on the personal learning record: create, update the grade, move to another
learner, withdraw and reinstate (guide 7.1, 7.2), and the searches behind them. The one
service the portal, batch files and web services call; every refusal is a DomainError of
Problems from rules/achievements.py.

Each change stages the achievement, a history row (achievement_events) and an audit row;
the caller's unit of work commits the three together. Only the organisation that owns an
achievement sees or changes it: anyone else gets NotFound, as for a missing one."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from webapp.extensions import db
from webapp.models import (
    Achievement,
    AchievementEvent,
    Learner,
    Qualification,
    User,
)
from webapp.models.base import utcnow
from webapp.rules import achievements as rules
from webapp.rules import matching
from webapp.rules.achievements import Event
from webapp.rules.learner_data import postcode_errors
from webapp.rules.permissions import Area
from webapp.rules.problems import Problem
from webapp.rules.qualifications import canonical_reference, grade_in_scale, reference_problem
from webapp.rules.uln import normalise_uln, uln_problem
from webapp.services import audit, verification
from webapp.services.errors import (
    AlreadyExists,
    ChangedMeanwhile,
    Conflict,
    NotFound,
    ValidationFailed,
)
from webapp.services.learners import learner_for_verification
from webapp.services.qualifications import find as find_qualification
from webapp.services.user_management import require_area
from webapp.services.verification import request_problems


class LearnerNotVerified(ValidationFailed):
    """The learner's details did not verify: the verification result says why."""

    def __init__(self, verification: matching.Verification, problems: list[Problem]):
        super().__init__(problems=problems)
        self.verification = verification


@dataclass(frozen=True)
class SubmittedLearner:
    """Who the achievement is for, as submitted: the guide's create and search fields."""

    uln: str
    given_name: str
    family_name: str
    postcode: str | None = None
    date_of_birth: date | None = None

    def __post_init__(self):  # '471 520 0006' is the ULN 4715200006, as in verification
        object.__setattr__(self, "uln", normalise_uln(self.uln))


@dataclass(frozen=True)
class NewAchievement:
    learner: SubmittedLearner
    reference: str
    award_date: date | None
    grade: str | None = None
    provider_ukprn: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Lookup:
    """How withdraw and reinstate find an achievement: the learner as it was submitted, the
    reference and the award date (the unique reference)."""

    learner: SubmittedLearner
    reference: str
    award_date: date | None


@dataclass(frozen=True)
class Action:
    """Withdraw and reinstate: the date the change was agreed and appendix D's reason."""

    action_date: date | None
    action_reason: str | None


def _entry(qualification: Qualification) -> rules.RegisterEntry:
    """The qualification as the rules read it (a batch chunk's rows share one each)."""
    if (scope := _chunk()) is None:
        return _register_entry(qualification)
    if (entry := scope.entries.get(qualification.reference)) is None:
        entry = scope.entries[qualification.reference] = _register_entry(qualification)
    return entry


def _register_entry(qualification: Qualification) -> rules.RegisterEntry:
    return rules.RegisterEntry(qualification.reference, qualification.owner_ukprn,
                               qualification.availability,
                               qualification.operational_start_date,
                               qualification.certification_end_date, qualification.grades)


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


def _learner_problems(learner: SubmittedLearner) -> list[Problem]:
    problems = request_problems(matching.Supplied(learner.uln, learner.given_name,
                                                  learner.family_name, learner.date_of_birth))
    if learner.postcode:
        problems += [problem for problem in postcode_errors(learner.postcode.upper())
                     if problem.code == "BAD_FORMAT"]  # a format check, not the register's
    return problems


def _lookup_problems(lookup: Lookup, today: date) -> list[Problem]:
    problems = _learner_problems(lookup.learner)
    if problem := reference_problem(lookup.reference):
        problems.append(problem)
    if lookup.award_date is None:
        problems += rules.award_date_problems(None, today)
    return problems


def _qualification_for(actor: User, reference: str) -> tuple[Qualification | None,
                                                              rules.RegisterEntry | None,
                                                              list[Problem]]:
    """The qualification, its register entry, and the problems of using it."""
    qualification = _find_qualification(reference)
    if qualification is None:
        return None, None, [rules.reference_not_found(canonical_reference(reference))]
    entry = _entry(qualification)
    problem = rules.ownership_problem(entry, actor.organisation.ukprn)
    return qualification, entry, [problem] if problem else []


def _verified_learner(learner: SubmittedLearner) -> tuple[Learner, str]:
    """The held learner (the master for a linked ULN) and the return code, once the
    submitted details verify (VRC001–VRC004, and the postcode when both sides have one);
    otherwise LearnerNotVerified carrying the verification. Not audited as a verification
    (User activity counts those): the code goes into the achievement's audit row."""
    supplied = matching.Supplied(normalise_uln(learner.uln), learner.given_name,
                                 learner.family_name, learner.date_of_birth)
    result, held = verification.match_learner(supplied)
    problem = rules.verification_problem(result.code, result.meaning, supplied.uln)
    if problem is None and held is not None:
        problem = rules.postcode_problem(learner.postcode, held.postcode)
    if problem:
        raise LearnerNotVerified(result, [problem])
    return held, result.code


def _history(achievement: "Achievement | _Plain", event: str, actor: User, channel: str,
             action: Action | None = None, **details) -> None:
    row = {"event": event, "actor_user_id": actor.id, "channel": channel,
           "occurred_at": utcnow(),  # when the row ran, not when its chunk is written
           "action_date": action.action_date if action else None,
           "action_reason": action.action_reason if action else None,
           "details": details or None}
    if (scope := _chunk()) is not None:
        scope.history.append((achievement, row))
    else:
        db.session.add(AchievementEvent(achievement=achievement, **row))


# --- a batch chunk ---------------------------------------------------------------------------

class _Plain:
    """An achievement as a batch chunk holds it until a row changes it: its columns, read as
    attributes like the record's. Either held before the chunk (read as a table row, with
    its id) or created by one of its rows and not yet written (no id until the chunk writes
    it). Building, adding and flushing ORM records was about two fifths of an achievement
    row's time; a row that changes one gets the record instead (_Chunk.record)."""

    def __init__(self, values: dict):
        # the columns as plain attributes: a row reads a dozen, and __getattr__ cost ten
        # times a plain read (it runs only after the normal look-up has failed)
        self.__dict__.update(values)
        self.values, self.id = values, values.get("id")


@dataclass
class _Chunk:
    """A batch chunk's view of the achievements: every one held for its learners, loaded
    in one query and kept up to date as its rows create and move; the achievements its rows
    created, still to be written; and the history and audit rows, written after the chunk's
    flush, when every achievement has its id."""

    ulns: set[str]
    held: dict[tuple[str, date, str], Achievement | _Plain]
    qualifications: dict[str, Qualification]
    entries: dict[str, rules.RegisterEntry] = field(default_factory=dict)  # by reference
    staged: list[_Plain] = field(default_factory=list)  # created, not yet written
    history: list[tuple[Achievement | _Plain, dict]] = field(default_factory=list)
    audits: list[tuple[Achievement | _Plain, dict]] = field(default_factory=list)

    def write_staged(self) -> None:
        """Flush the records' changes, then insert the staged achievements in one
        statement, in the rows' order (as the session's flush did: updates, then
        inserts), and give each its id. A clash on the unique reference raises
        IntegrityError, which sends the chunk back row by row."""
        db.session.flush()
        if not self.staged:
            return
        table = Achievement.__table__
        ids = db.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [staged.values for staged in self.staged]).all()
        for staged, new_id in zip(self.staged, ids, strict=True):
            staged.id = new_id
        self.staged.clear()

    def record(self, achievement: Achievement | _Plain) -> Achievement:
        """The record of an achievement a row will change, held in the map in place of its
        plain values (a new one is written first, with every other staged so far). The
        row's rules were checked on the values the chunk read: when someone else has changed
        the record since (its version moved), StaleDataError sends the chunk back row by
        row, each row reading afresh, as a stale flush of a held record would."""
        if not isinstance(achievement, _Plain):
            return achievement
        if achievement.id is None:
            self.write_staged()
        found = db.session.get(Achievement, achievement.id)
        if found is None or ("version" in achievement.values
                             and found.version != achievement.version):
            raise StaleDataError("achievement changed since the chunk read it")
        key = (found.uln, found.award_date, found.reference)
        if self.held.get(key) is achievement:
            self.held[key] = found
        return found

    def write(self) -> None:
        self.write_staged()
        if self.history:
            db.session.execute(insert(AchievementEvent.__table__), [
                {**row, "achievement_id": achievement.id}
                for achievement, row in self.history])
        audit.record_all([{**entry, "target_id": str(achievement.id)}
                          for achievement, entry in self.audits])
        self.history.clear()
        self.audits.clear()


# The running batch chunk, if any. A context variable rather than the session's info: it
# is read several times a row, and each read through the scoped session's proxy cost more
# than the rest of the lookup. One job's chunk at a time runs in a thread (or context).
_CHUNK: ContextVar[_Chunk | None] = ContextVar("achievement_chunk", default=None)


def _chunk() -> _Chunk | None:
    return _CHUNK.get()


@contextmanager
def chunk(ulns: Iterable[str], qualifications: Iterable[Qualification] = ()
          ) -> Iterator[None]:
    """Run a batch chunk's rows in one scope: the achievements of these learners (held
    ULNs, masters included) are read once instead of once a row (as plain values: a row
    that changes one reads its record then), and the qualifications given (loaded for the
    rows' references) are found without a lookup; the rows' new achievements are inserted
    together and their changes flushed together at the end instead of one by one, then
    their history and audit rows are written in one statement each, in the rows' order.
    Every rule is the same: a row still sees what an earlier row did. A change by someone
    else meanwhile that the map could not foresee raises IntegrityError (a clash on the
    unique reference) or StaleDataError (an achievement changed since a row read its
    record) at a flush; the caller redoes the chunk row by row, each row reading afresh.
    (One race is left: an achievement moved off a chunk learner by someone else after the
    map was read still refuses a create of that reference in this chunk, as it would have
    a moment earlier.)"""
    wanted = set(ulns)
    table = Achievement.__table__
    held = {(found.uln, found.award_date, found.reference): _Plain(dict(found._mapping))
            for found in db.session.execute(select(table).where(table.c.uln.in_(wanted)))
            } if wanted else {}
    scope = _Chunk(wanted, held, {found.reference: found for found in qualifications})
    token = _CHUNK.set(scope)
    try:
        yield
        scope.write()
    finally:
        _CHUNK.reset(token)


def _find_qualification(reference: str) -> Qualification | None:
    """As qualifications.find: from the chunk's, when a batch chunk loaded its rows'."""
    scope = _chunk()
    if scope is not None and (found := scope.qualifications.get(canonical_reference(reference))):
        return found
    return find_qualification(reference)


def _audit(event: str, actor: User, achievement: "Achievement | _Plain", **details) -> None:
    """Audit the change as it is now; inside a batch chunk the row is written at the
    chunk's end, when the achievement has its id."""
    entry = audit.values(f"achievement.{event}", actor=actor, target_type="achievement",
                         target_id=str(achievement.id),
                         details={"uln": achievement.uln, "reference": achievement.reference,
                                  "award_date": achievement.award_date.isoformat(),
                                  **details})
    if (scope := _chunk()) is not None:
        scope.audits.append((achievement, entry))
    else:
        audit.add(entry)


def _existing(uln: str, award_date: date, reference: str) -> "Achievement | _Plain | None":
    scope = _chunk()
    if scope is not None and uln in scope.ulns:
        return scope.held.get((uln, award_date, reference))
    return db.session.scalar(select(Achievement).where(
        Achievement.uln == uln, Achievement.award_date == award_date,
        Achievement.reference == reference))


def _hold(achievement: "Achievement | _Plain", was_uln: str | None = None) -> None:
    """Keep a chunk's map true after a create (or a move from was_uln)."""
    if (scope := _chunk()) is None:
        return
    if was_uln in scope.ulns:
        scope.held.pop((was_uln, achievement.award_date, achievement.reference), None)
    if achievement.uln in scope.ulns:
        scope.held[(achievement.uln, achievement.award_date, achievement.reference)] = \
            achievement


def _flush() -> None:
    """Send the change now, except inside a batch chunk (flushed once at its end)."""
    if _chunk() is None:
        db.session.flush()


def _flush_unique() -> None:
    """Flush, turning a clash on the unique reference (two creates at once) into a refusal;
    the caller's unit of work rolls back. Inside a batch chunk the map has refused every
    duplicate the chunk can see; the chunk's flush finds any other."""
    if _chunk() is None:
        _flush_now()


def _flush_now() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        raise AlreadyExists(problems=[rules.duplicate_problem(rules.ACTIVE)]) from None


# --- create ------------------------------------------------------------------------------------

def create(actor: User, new: NewAchievement, channel: str = "portal",
           today: date | None = None, area: Area = Area.ACHIEVEMENTS
           ) -> "Achievement | _Plain":
    """Check every rule, verify the learner, then stage the achievement, its ‘created’
    history row and the audit row. Field problems are collected and raised together.
    A batch row passes `area` ACHIEVEMENT_BATCHES: the rules are the same. Inside a batch
    chunk the achievement is its staged values, written (and given its id) with the
    chunk: a caller inside a chunk must not read the record's relations from it."""
    require_area(actor, area)
    today = today or date.today()
    problems = _learner_problems(new.learner)
    qualification = entry = None
    if problem := reference_problem(new.reference):
        problems.append(problem)
    else:
        qualification, entry, found = _qualification_for(actor, new.reference)
        problems += found
    problems += rules.award_date_problems(new.award_date, today, entry)
    grade = _clean(new.grade)
    if grade and qualification and (problem := rules.grade_problem(grade, entry.grades)):
        problems.append(problem)
    for problem in (rules.provider_ukprn_problem(_clean(new.provider_ukprn)),
                    rules.language_problem(_clean(new.language))):
        if problem:
            problems.append(problem)
    if problems:
        raise ValidationFailed(problems=problems)

    learner, code = _verified_learner(new.learner)
    if existing := _existing(learner.uln, new.award_date, qualification.reference):
        raise AlreadyExists(problems=[rules.duplicate_problem(existing.status)],
                            existing_id=existing.id
                            if existing.organisation_id == actor.organisation_id else None)
    values = dict(
        uln=learner.uln, reference=qualification.reference, award_date=new.award_date,
        grade=grade_in_scale(grade, entry.grades) if grade else None,
        provider_ukprn=_clean(new.provider_ukprn), language=_clean(new.language),
        organisation_id=actor.organisation_id, submitted_uln=new.learner.uln.strip(),
        submitted_given_name=_clean(new.learner.given_name),
        submitted_family_name=_clean(new.learner.family_name),
        submitted_date_of_birth=new.learner.date_of_birth,
        submitted_postcode=(_clean(new.learner.postcode) or "").upper() or None,
        status=rules.ACTIVE, channel=channel)
    if (scope := _chunk()) is not None:
        achievement = _Plain(values)
        scope.staged.append(achievement)
    else:
        achievement = Achievement(**values)
        db.session.add(achievement)
    _history(achievement, Event.CREATED, actor, channel, grade=achievement.grade,
             **({"linked_uln": achievement.submitted_uln}
                if achievement.submitted_uln != learner.uln else {}))
    _hold(achievement)
    _flush_unique()
    _audit(Event.CREATED, actor, achievement, channel=channel, grade=achievement.grade,
           verification=code)
    return achievement


# --- finding -----------------------------------------------------------------------------------

def achievement_for(actor: User, achievement_id: int, area: Area = Area.ACHIEVEMENTS
                    ) -> Achievement:
    """One of the actor's organisation's achievements, or NotFound."""
    require_area(actor, area)
    achievement = db.session.get(Achievement, achievement_id)
    if achievement is None or achievement.organisation_id != actor.organisation_id:
        raise NotFound(problems=[rules.not_found_problem()])
    return achievement


def for_learner(actor: User, uln: str) -> tuple[str, list[Achievement]]:
    """The organisation's achievements for a learner (a linked ULN finds the master's), newest
    award first, with their history: (the ULN they are held on, the achievements)."""
    require_area(actor, Area.ACHIEVEMENTS)
    uln = normalise_uln(uln)
    if problem := uln_problem(uln):
        raise ValidationFailed(problems=[problem])
    learner = learner_for_verification(uln).master
    held_uln = learner.uln if learner else uln.strip()
    found = db.session.scalars(
        select(Achievement).options(selectinload(Achievement.history))
        .where(Achievement.uln == held_uln, Achievement.organisation_id == actor.organisation_id)
        .order_by(Achievement.award_date.desc(), Achievement.id.desc()))
    return held_uln, list(found)


def find(actor: User, lookup: Lookup, today: date | None = None,
         area: Area = Area.ACHIEVEMENTS) -> Achievement:
    """Withdraw's and reinstate's search: the organisation's achievement with this unique
    reference whose submitted names (and date of birth and postcode, when both sides have
    one) are those given. Anything else is ACHIEVEMENT_NOT_FOUND."""
    require_area(actor, area)
    today = today or date.today()
    if problems := _lookup_problems(lookup, today):
        raise ValidationFailed(problems=problems)
    learner = lookup.learner
    held = learner_for_verification(normalise_uln(learner.uln)).master
    uln = held.uln if held else learner.uln.strip()
    achievement = _existing(uln, lookup.award_date, canonical_reference(lookup.reference))
    if (achievement is None or achievement.organisation_id != actor.organisation_id
            or not rules.same_name(learner.given_name, achievement.submitted_given_name)
            or not rules.same_name(learner.family_name, achievement.submitted_family_name)
            or _differs(learner.date_of_birth, achievement.submitted_date_of_birth)
            or _differs(learner.postcode and learner.postcode.replace(" ", "").upper(),
                        (achievement.submitted_postcode or "").replace(" ", "") or None)):
        raise NotFound(problems=[rules.not_found_problem()])
    if (scope := _chunk()) is not None:  # the chunk holds values; the caller changes it
        return scope.record(achievement)
    return achievement


def _differs(supplied, held) -> bool:
    return supplied is not None and held is not None and supplied != held


# --- changes -----------------------------------------------------------------------------------

def _refuse_state(action: str, achievement: Achievement) -> None:
    if problem := rules.state_problem(action, achievement.status):
        raise Conflict(problems=[problem])


def update_grade(actor: User, achievement_id: int, grade: str, channel: str = "portal",
                 version: int | None = None, area: Area = Area.ACHIEVEMENTS) -> Achievement:
    """Change the grade of an active achievement to one of its qualification's scale (an
    empty grade removes it)."""
    achievement = achievement_for(actor, achievement_id, area)
    if version is not None and version != achievement.version:
        raise ChangedMeanwhile()
    _refuse_state("update", achievement)
    grade = _clean(grade)
    grades = achievement.qualification.grades
    if grade and (problem := rules.grade_problem(grade, grades)):
        raise ValidationFailed(problems=[problem])
    new_grade = grade_in_scale(grade, grades) if grade else None
    if new_grade == achievement.grade:
        return achievement
    before, achievement.grade = achievement.grade, new_grade
    _history(achievement, Event.GRADE_CHANGED, actor, channel, before=before, after=new_grade)
    _audit(Event.GRADE_CHANGED, actor, achievement, channel=channel, before=before,
           after=new_grade)
    _flush()
    return achievement


def move_target(actor: User, achievement_id: int, new_uln: str,
                area: Area = Area.ACHIEVEMENTS) -> tuple[Achievement, Learner]:
    """Check a move before it is made (the portal's check page): the achievement and the
    learner it would move to (the master for a linked ULN)."""
    achievement = achievement_for(actor, achievement_id, area)
    _refuse_state("move", achievement)
    new_uln = normalise_uln(new_uln)
    if problem := uln_problem(new_uln, "new_uln", "New ULN"):
        raise ValidationFailed(problems=[problem])
    learner = learner_for_verification(normalise_uln(new_uln)).master
    if learner is None:
        raise ValidationFailed("No learner on the register has this ULN", "new_uln",
                               code="LEARNER_NOT_FOUND", value=new_uln,
                               fix="Check the ULN with the learning provider")
    if learner.uln == achievement.uln:
        raise ValidationFailed("The achievement is already on this learner's record",
                               "new_uln", code="MOVE_TO_SAME_LEARNER", value=new_uln,
                               fix="Enter the ULN of the learner it should move to")
    if existing := _existing(learner.uln, achievement.award_date, achievement.reference):
        raise AlreadyExists(problems=[replace(rules.duplicate_problem(existing.status),
                                              field="new_uln")])
    return achievement, learner


def move(actor: User, achievement_id: int, new_uln: str, channel: str = "portal",
         area: Area = Area.ACHIEVEMENTS) -> Achievement:
    """Move the achievement to another learner's record. The names it was submitted with
    belonged to the other learner, so the target learner's held names and date of birth
    become its submitted details (see decisions.md); the history keeps both ULNs."""
    achievement, learner = move_target(actor, achievement_id, new_uln, area)
    before = achievement.uln
    achievement.uln, achievement.submitted_uln = learner.uln, normalise_uln(new_uln)
    achievement.submitted_given_name = learner.given_name
    achievement.submitted_family_name = learner.family_name
    achievement.submitted_date_of_birth = learner.date_of_birth
    achievement.submitted_postcode = None
    _history(achievement, Event.MOVED, actor, channel, before=before, after=learner.uln)
    _hold(achievement, was_uln=before)
    _flush_unique()
    _audit(Event.MOVED, actor, achievement, channel=channel, before=before, after=learner.uln)
    return achievement


def _action(actor: User, lookup: Lookup, action: Action, today: date | None,
            area: Area = Area.ACHIEVEMENTS) -> tuple[Achievement, date]:
    today = today or date.today()
    problems = _lookup_problems(lookup, today) + rules.action_problems(
        action.action_date, action.action_reason, today)
    if problems:
        raise ValidationFailed(problems=problems)
    return find(actor, lookup, today, area), today


def withdraw(actor: User, lookup: Lookup, action: Action, channel: str = "portal",
             today: date | None = None, area: Area = Area.ACHIEVEMENTS) -> Achievement:
    achievement, _today = _action(actor, lookup, action, today, area)
    _refuse_state("withdraw", achievement)
    achievement.status = rules.WITHDRAWN
    _history(achievement, Event.WITHDRAWN, actor, channel, action)
    _audit(Event.WITHDRAWN, actor, achievement, channel=channel,
           action_reason=action.action_reason)
    _flush()
    return achievement


def reinstate(actor: User, lookup: Lookup, action: Action, channel: str = "portal",
              today: date | None = None, grade: str | None = None,
              area: Area = Area.ACHIEVEMENTS) -> Achievement:
    """Reinstate a withdrawn achievement as it was. A batch row or API call may carry a
    grade: it must be the held one (reinstating cannot change the grade)."""
    achievement, _today = _action(actor, lookup, action, today, area)
    _refuse_state("reinstate", achievement)
    if problem := rules.reinstate_grade_problem(grade, achievement.grade):
        raise ValidationFailed(problems=[problem])
    achievement.status = rules.ACTIVE
    _history(achievement, Event.REINSTATED, actor, channel, action)
    _audit(Event.REINSTATED, actor, achievement, channel=channel,
           action_reason=action.action_reason)
    _flush()
    return achievement
