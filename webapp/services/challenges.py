"""Event data challenges (guide section 8): a learning provider views a learner's record and
raises a challenge on an achievement; the awarding organisation's nominated resolvers
(edc_resolver) work through them, one at a time or many at once; the service desk watches.

Services stage changes, audit rows and emails; the caller's unit of work commits them. An
organisation sees only the challenges on its achievements, a provider only those it raised:
anything else is NotFound, as for a missing one. Every status change checks the version the
person saw, single or bulk, so nothing is overwritten silently.

Emails never carry learner data: the raise notice and the monthly report link to the portal;
the resolution names the challenge by its reference."""

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import (
    Achievement,
    AchievementStatus,
    Challenge,
    ChallengeReport,
    Learner,
    Organisation,
    Qualification,
    User,
    UserRole,
    UserStatus,
)
from webapp.models.base import utcnow
from webapp.rules import challenges as rules
from webapp.rules import matching
from webapp.rules.challenges import Proposal, Status
from webapp.rules.permissions import Area
from webapp.rules.problems import Problem
from webapp.rules.roles import EDC_RESOLVER, SUPER_USER
from webapp.rules.uln import normalise_uln
from webapp.services import audit, mailer, verification
from webapp.services.errors import (
    AlreadyExists,
    ChangedMeanwhile,
    Conflict,
    NotFound,
    ValidationFailed,
)
from webapp.services.paging import Page, paginate, rows_in
from webapp.services.unit_of_work import unit_of_work
from webapp.services.user_management import require_area

UNRESOLVED = "unresolved"  # the list filter for Open and In progress
SHOWN_CODES = frozenset({"VRC001", "VRC002", "VRC003", "VRC004"})
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _not_found() -> NotFound:
    return NotFound(problems=[Problem("CHALLENGE_NOT_FOUND", "No such data challenge")])


# --- the provider's side: view a learner record --------------------------------------------

@dataclass
class LearnerRecord:
    verification: matching.Verification
    uln: str | None = None         # the ULN the record is held on (the master's)
    achievements: list[Achievement] = field(default_factory=list)
    under_challenge: set[int] = field(default_factory=set)

    @property
    def shown(self) -> bool:
        return self.uln is not None


def view_learner_record(actor: User, uln: str, given_name: str, family_name: str
                        ) -> LearnerRecord:
    """Verify the learner with the matching engine; on VRC001–VRC004 their active
    achievements from every awarding organisation and which are under challenge, otherwise
    only the verification (which says why not). Audited as any verification: its shape,
    never the names."""
    require_area(actor, Area.RAISE_CHALLENGES)
    request = matching.Supplied(normalise_uln(uln), given_name, family_name, None)
    if problems := verification.request_problems(request):
        raise ValidationFailed(problems=problems)
    result, held = verification.match_learner(request)
    audit.record("learner.record_viewed", actor=actor, target_type="learner",
                 target_id=request.uln, details={"code": result.code,
                                                 "query": verification.query_shape(request)})
    if result.code not in SHOWN_CODES or held is None:
        return LearnerRecord(result)
    return record_for_uln(actor, held.uln, result)


def record_for_uln(actor: User, held_uln: str | None,
                   result: matching.Verification | None = None) -> LearnerRecord | None:
    """The record of a learner already verified in this session (back from raising)."""
    require_area(actor, Area.RAISE_CHALLENGES)
    if not held_uln:
        return None
    found = list(db.session.scalars(
        select(Achievement).where(Achievement.uln == held_uln,
                                  Achievement.status == AchievementStatus.ACTIVE)
        .order_by(Achievement.award_date.desc(), Achievement.id.desc())))
    return LearnerRecord(result, held_uln, found, under_challenge(found))


def same_qualification(achievement: Achievement) -> list[Achievement]:
    """The other active achievements of the same qualification on the record: what a
    duplicate can name."""
    return list(db.session.scalars(select(Achievement).where(
        Achievement.uln == achievement.uln, Achievement.reference == achievement.reference,
        Achievement.id != achievement.id, Achievement.status == AchievementStatus.ACTIVE)
        .order_by(Achievement.award_date, Achievement.id)))


def organisation_names(found: list[Achievement]) -> dict[int, str]:
    ids = {achievement.organisation_id for achievement in found}
    return dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(ids))).all()) if ids else {}


def achievements_of(challenge: Challenge) -> list[Achievement]:
    return [a for a in (challenge.achievement, challenge.duplicate_achievement) if a]


def under_challenge(found: list[Achievement]) -> set[int]:
    """Which of these achievements have an unresolved challenge (the PLR's flag)."""
    ids = [achievement.id for achievement in found]
    if not ids:
        return set()
    rows = db.session.execute(
        select(Challenge.achievement_id, Challenge.duplicate_achievement_id).where(
            Challenge.status.in_(rules.UNRESOLVED),
            or_(Challenge.achievement_id.in_(ids), Challenge.duplicate_achievement_id.in_(ids))))
    return {one for row in rows for one in row if one in ids}


def achievement_on_record(actor: User, held_uln: str | None, achievement_id: int
                          ) -> Achievement:
    """An active achievement on the record the provider has just viewed; NotFound for any
    other, so an id cannot be used to read someone else's record."""
    require_area(actor, Area.RAISE_CHALLENGES)
    achievement = db.session.get(Achievement, achievement_id)
    if (achievement is None or held_uln is None or achievement.uln != held_uln
            or achievement.status != AchievementStatus.ACTIVE):
        raise NotFound(problems=[Problem("ACHIEVEMENT_NOT_FOUND",
                                         "No such achievement on this learner's record")])
    return achievement


# --- raising -----------------------------------------------------------------------------------

def _new_reference() -> str:
    return "EDC" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def resolvers_of(organisation_id: int) -> list[User]:
    """The organisation's nominated resolvers; its super users when it has nominated none,
    so a challenge is never raised into silence."""
    def holding(role: str) -> list[User]:
        return list(db.session.scalars(
            select(User).join(UserRole, UserRole.user_id == User.id)
            .where(User.organisation_id == organisation_id, UserRole.role == role,
                   User.status == UserStatus.ACTIVE).order_by(User.id)))
    return holding(EDC_RESOLVER) or holding(SUPER_USER)


def raise_challenge(actor: User, held_uln: str | None, achievement_id: int,
                    proposal: Proposal) -> Challenge:
    """Stage an Open challenge, its audit row and the notices to the owning organisation's
    resolvers (a link, never learner data)."""
    achievement = achievement_on_record(actor, held_uln, achievement_id)
    qualification = achievement.qualification
    problems = rules.proposal_problems(proposal,
                                       qualification.grades if qualification else None)
    duplicate = None
    if proposal.type == rules.ChallengeType.DUPLICATE and proposal.duplicate_of is not None:
        if proposal.duplicate_of == achievement.id:
            problems.append(rules.same_achievement_problem())
        else:
            duplicate = db.session.get(Achievement, proposal.duplicate_of)
            # Same organisation too: its resolver can only mend its own achievements, and
            # must not be shown another organisation's record and history.
            if (duplicate is None or duplicate.uln != achievement.uln
                    or duplicate.organisation_id != achievement.organisation_id
                    or duplicate.status != AchievementStatus.ACTIVE
                    or duplicate.reference != achievement.reference):
                problems.append(Problem("DUPLICATE_NOT_FOUND", "Select an achievement of the "
                                        "same qualification on this record", "duplicate_of"))
    if problems:
        raise ValidationFailed(problems=problems)
    _refuse_duplicate(achievement.id, proposal.type)
    challenge = Challenge(
        reference=_new_reference(), organisation_id=achievement.organisation_id,
        achievement_id=achievement.id,
        duplicate_achievement_id=duplicate.id if duplicate else None, uln=achievement.uln,
        type=proposal.type, reason=proposal.reason if rules.REASONS[
            rules.ChallengeType(proposal.type)] else None,
        proposed_value=((proposal.proposed_value or "").strip() or None)
        if proposal.type == rules.ChallengeType.WRONG_INFORMATION else None,
        notes=proposal.notes.strip(), contact=proposal.contact.strip(),
        raised_by_user_id=actor.id, raised_by_organisation_id=actor.organisation_id,
        status=Status.OPEN)
    db.session.add(challenge)
    try:
        db.session.flush()
    except IntegrityError:  # raised twice at the same moment: the index keeps one
        raise AlreadyExists(problems=[rules.duplicate_problem(proposal.type, "")]) from None
    _audit("raised", actor, challenge, type=challenge.type, reason=challenge.reason,
           achievement_id=achievement.id,
           duplicate_achievement_id=challenge.duplicate_achievement_id)
    for resolver in resolvers_of(challenge.organisation_id):
        mailer.send_email(resolver.email, f"Data challenge {challenge.reference} raised",
                          "challenge_raised", challenge=challenge,
                          type_label=rules.TYPE_LABELS[rules.ChallengeType(challenge.type)],
                          link=mailer.portal_url(f"/challenges/{challenge.id}"))
    return challenge


def _refuse_duplicate(achievement_id: int, challenge_type: str) -> None:
    existing = db.session.scalar(select(Challenge).where(
        Challenge.achievement_id == achievement_id, Challenge.type == challenge_type,
        Challenge.status.in_(rules.UNRESOLVED)))
    if existing is not None:
        raise AlreadyExists(problems=[rules.duplicate_problem(challenge_type,
                                                               existing.reference)])


def _audit(event: str, actor: User, challenge: Challenge, **details) -> None:
    audit.record(f"challenge.{event}", actor=actor, target_type="challenge",
                 target_id=challenge.reference, details={"challenge_id": challenge.id,
                                                         **details})


# --- finding -----------------------------------------------------------------------------------

def _oldest_first(statement):
    return statement.order_by(Challenge.raised_at, Challenge.id)


def _of_status(statement, status: str | None):
    """One status; `unresolved` for Open and In progress; anything else, every status."""
    if status in rules.STATUSES:
        return statement.where(Challenge.status == status)
    if status == UNRESOLVED:
        return statement.where(Challenge.status.in_(rules.UNRESOLVED))
    return statement


@dataclass(frozen=True, slots=True)
class ListedChallenge:
    """A challenge as the resolver's list shows it: its own columns and the names a row
    prints from its achievement, qualification and raising organisation. The list reads
    these as plain columns in one query rather than building 25 Challenge entities with
    their joined achievements (most of the list's query time); a single row re-rendered
    after a change is made from the entity by `listed`, so both give the same row."""

    id: int
    reference: str
    version: int
    type: str
    uln: str
    status: str
    raised_at: datetime
    duplicate_achievement_id: int | None
    achievement_reference: str
    qualification_title: str
    raised_by_name: str


def listed(challenge: Challenge) -> ListedChallenge:
    return ListedChallenge(
        id=challenge.id, reference=challenge.reference, version=challenge.version,
        type=challenge.type, uln=challenge.uln, status=challenge.status,
        raised_at=challenge.raised_at,
        duplicate_achievement_id=challenge.duplicate_achievement_id,
        achievement_reference=challenge.achievement.reference,
        qualification_title=challenge.achievement.qualification.title,
        raised_by_name=challenge.raised_by_organisation.name)


_LISTED = (select(Challenge.id, Challenge.reference, Challenge.version, Challenge.type,
                  Challenge.uln, Challenge.status, Challenge.raised_at,
                  Challenge.duplicate_achievement_id, Achievement.reference,
                  Qualification.title, Organisation.name)
           .join(Achievement, Achievement.id == Challenge.achievement_id)
           .join(Qualification, Qualification.reference == Achievement.reference)
           .join(Organisation, Organisation.id == Challenge.raised_by_organisation_id))


def list_for_resolver(actor: User, status: str | None = None, page: int = 1) -> Page:
    """The organisation's challenges, oldest first, perhaps of one status (or unresolved),
    as `ListedChallenge`s."""
    require_area(actor, Area.RESOLVE_CHALLENGES)

    def of_this_list(statement):
        return _of_status(statement.where(Challenge.organisation_id == actor.organisation_id),
                          status)

    def read(window: Select) -> list[ListedChallenge]:
        return [ListedChallenge(*row) for row in db.session.execute(
            rows_in(window, Challenge.id, _oldest_first(_LISTED)))]

    # Paged by id alone, so the count needs none of the joins; the page's rows come in the
    # same statement as its ids.
    return paginate(_oldest_first(of_this_list(select(Challenge.id))), page, read=read)


def list_for_provider(actor: User, page: int = 1) -> Page:
    """The challenges the provider's organisation raised, newest first."""
    require_area(actor, Area.RAISE_CHALLENGES)
    statement = select(Challenge).where(
        Challenge.raised_by_organisation_id == actor.organisation_id).order_by(
        Challenge.raised_at.desc(), Challenge.id.desc())
    return paginate(statement, page)


def list_for_desk(actor: User, status: str | None = None, page: int = 1) -> Page:
    """Every organisation's challenges, read-only, oldest first."""
    require_area(actor, Area.CHALLENGE_OVERSIGHT)
    return paginate(_oldest_first(_of_status(select(Challenge), status)), page)


def challenge_for_desk(actor: User, challenge_id: int) -> Challenge:
    """Any organisation's challenge, for the service desk to read."""
    require_area(actor, Area.CHALLENGE_OVERSIGHT)
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None:
        raise _not_found()
    return challenge


def challenge_for(actor: User, challenge_id: int) -> Challenge:
    """One of the organisation's challenges, or NotFound."""
    require_area(actor, Area.RESOLVE_CHALLENGES)
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or challenge.organisation_id != actor.organisation_id:
        raise _not_found()
    return challenge


def challenges_for(actor: User, challenge_ids: list[int]) -> list[Challenge]:
    """The organisation's challenges among these ids, in the order asked."""
    require_area(actor, Area.RESOLVE_CHALLENGES)
    found = {c.id: c for c in db.session.scalars(select(Challenge).where(
        Challenge.id.in_(challenge_ids), Challenge.organisation_id == actor.organisation_id))}
    return [found[i] for i in challenge_ids if i in found]


# --- changing the status -------------------------------------------------------------------------

CHANGED, NOT_ALLOWED, CHANGED_MEANWHILE, NOT_FOUND = ("changed", "not allowed",
                                                      "changed meanwhile", "not found")


@dataclass
class Outcome:
    challenge_id: int
    result: str
    challenge: Challenge | None = None
    problem: Problem | None = None


def _learner_names(chosen) -> list[rules.LearnerNames]:
    """The names and dates of birth held for the challenges' learners, and those the
    awarding organisation submitted with the achievements."""
    chosen = list(chosen)
    ulns = {challenge.uln for challenge in chosen}
    learners = db.session.scalars(select(Learner).where(Learner.uln.in_(ulns))) if ulns else []
    return [rules.LearnerNames((learner.given_name, learner.preferred_given_name,
                                learner.middle_other_names),
                               (learner.family_name, learner.previous_family_name,
                                learner.family_name_at_16), learner.date_of_birth)
            for learner in learners] + [
        rules.LearnerNames((challenge.achievement.submitted_given_name,),
                           (challenge.achievement.submitted_family_name,),
                           challenge.achievement.submitted_date_of_birth)
        for challenge in chosen]


def set_statuses(actor: User, seen: dict[int, int | None], status: str, comments: str = ""
                 ) -> list[Outcome]:
    """Move each challenge (id → the version the person saw) to `status`, in the caller's
    one unit of work. Each row answers: changed, not allowed (its state forbids it),
    changed meanwhile (someone saved it since it was shown) or not found. Comments are
    checked once, before anything changes: resolving needs them."""
    require_area(actor, Area.RESOLVE_CHALLENGES)
    if status not in rules.STATUSES:
        raise ValidationFailed(problems=[rules.transition_problem(Status.OPEN, status)])
    if problem := rules.comments_problem(status, comments):
        raise ValidationFailed(problems=[problem])
    found = {c.id: c for c in challenges_for(actor, list(seen))}
    if status in rules.RESOLVED and (problem := rules.learner_details_problem(
            comments, _learner_names(found.values()))):
        raise ValidationFailed(problems=[problem])
    outcomes = []
    for challenge_id, version in seen.items():
        challenge = found.get(challenge_id)
        if challenge is None:
            outcomes.append(Outcome(challenge_id, NOT_FOUND))
        elif version is not None and version != challenge.version:
            outcomes.append(Outcome(challenge_id, CHANGED_MEANWHILE, challenge,
                                    ChangedMeanwhile().problems[0]))
        elif problem := rules.transition_problem(challenge.status, status):
            outcomes.append(Outcome(challenge_id, NOT_ALLOWED, challenge, problem))
        else:
            _move(actor, challenge, status, comments.strip())
            outcomes.append(Outcome(challenge_id, CHANGED, challenge))
    db.session.flush()  # a row saved by someone since it was read: StaleDataError, rolled back
    return outcomes


def set_status(actor: User, challenge_id: int, version: int | None, status: str,
               comments: str = "") -> Challenge:
    """One challenge: changed, or the refusal raised (ChangedMeanwhile, Conflict, NotFound)."""
    outcome = set_statuses(actor, {challenge_id: version}, status, comments)[0]
    if outcome.result == NOT_FOUND:
        raise _not_found()
    if outcome.result == CHANGED_MEANWHILE:
        raise ChangedMeanwhile()
    if outcome.result == NOT_ALLOWED:
        raise Conflict(problems=[outcome.problem])
    return outcome.challenge


def _move(actor: User, challenge: Challenge, status: str, comments: str) -> None:
    before, challenge.status = challenge.status, status
    details = {"before": before, "after": status}
    if status in rules.RESOLVED:
        challenge.resolution_comments = comments
        challenge.resolved_by_user_id, challenge.resolved_at = actor.id, utcnow()
        details["comments"] = comments
        _send_resolution(challenge, actor)
    _audit("status_changed", actor, challenge, **details)


def _send_resolution(challenge: Challenge, actor: User) -> None:
    context = {"challenge": challenge, "organisation": actor.organisation.name,
               "resolution": rules.status_label(challenge.status),
               "comments": challenge.resolution_comments}
    mailer.send_email(current_app.config["SERVICE_DESK_EMAIL"],
                      f"Data challenge {challenge.reference} resolved", "challenge_resolved",
                      **context, for_desk=True, link=mailer.portal_url("/challenges/all"))
    raiser = db.session.get(User, challenge.raised_by_user_id)
    if raiser is not None and raiser.status != UserStatus.DELETED:
        mailer.send_email(raiser.email, f"Your data challenge {challenge.reference} has been "
                          "resolved", "challenge_resolved", **context, for_desk=False,
                          link=mailer.portal_url("/my-challenges"))


# --- the monthly report --------------------------------------------------------------------------

@dataclass
class Report:
    organisation: Organisation
    month: str
    by_type: dict[str, int]
    by_age: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def report_for(organisation: Organisation, today: date) -> Report:
    rows = db.session.execute(select(Challenge.type, Challenge.raised_at).where(
        Challenge.organisation_id == organisation.id, Challenge.status.in_(rules.UNRESOLVED)))
    by_type, by_age = Counter(), Counter()
    for challenge_type, raised_at in rows:
        by_type[rules.SHORT_TYPE_LABELS.get(challenge_type, challenge_type)] += 1
        by_age[rules.age_band(raised_at.date(), today)] += 1
    return Report(organisation, f"{today:%Y-%m}",
                  {label: by_type[label] for label in rules.SHORT_TYPE_LABELS.values()},
                  {label: by_age[label] for label, _low, _high in rules.AGE_BANDS})


def stage_monthly_report(organisation_id: int, today: date) -> ChallengeReport | None:
    """Claim (organisation, month) and stage one email per resolver, in the caller's unit
    of work. None when there is nothing to send or the month is already claimed: by an
    earlier run, or by another worker now (its unique row makes this flush fail, and the
    caller's rollback discards the emails)."""
    organisation = db.session.get(Organisation, organisation_id)
    report = report_for(organisation, today)
    if report.total == 0 or db.session.scalar(select(ChallengeReport.id).where(
            ChallengeReport.organisation_id == organisation_id,
            ChallengeReport.month == report.month)):
        return None
    resolvers = resolvers_of(organisation_id)
    sent = ChallengeReport(organisation_id=organisation_id, month=report.month,
                           open_challenges=report.total, recipients=len(resolvers))
    db.session.add(sent)
    db.session.flush()  # IntegrityError here: another worker claimed the month first
    audit.record("challenge.report_sent", organisation_id=organisation_id,
                 target_type="organisation", target_id=str(organisation_id),
                 details={"month": report.month, "open": report.total,
                          "recipients": len(resolvers)})
    for resolver in resolvers:
        mailer.send_email(resolver.email, f"Open data challenges: {today:%B %Y}",
                          "challenge_report", report=report,
                          link=mailer.portal_url("/challenges?status=open"))
    return sent


def organisations_with_open_challenges() -> list[int]:
    return list(db.session.scalars(select(Challenge.organisation_id).where(
        Challenge.status.in_(rules.UNRESOLVED)).distinct().order_by(Challenge.organisation_id)))


def send_monthly_reports(today: date | None = None) -> list[ChallengeReport]:
    """The monthly report (`lrs edc-report`, and the worker on the first of each month):
    each organisation with unresolved challenges in its own unit of work, so one refused
    claim does not undo the others. Running it again in the same month sends nothing new."""
    today = today or date.today()
    sent = []
    for organisation_id in organisations_with_open_challenges():
        try:
            with unit_of_work():
                report = stage_monthly_report(organisation_id, today)
        except (IntegrityError, Conflict):
            continue  # claimed by another run at the same moment
        if report is not None:
            sent.append(report)
    return sent


def report_history(actor: User, page: int = 1) -> Page:
    require_area(actor, Area.CHALLENGE_OVERSIGHT)
    return paginate(select(ChallengeReport).order_by(ChallengeReport.sent_at.desc(),
                                                     ChallengeReport.id.desc()), page)


def age_in_days(challenge: Challenge | ListedChallenge, today: date | None = None) -> int:
    return ((today or date.today()) - challenge.raised_at.date()).days
