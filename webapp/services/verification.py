"""Verify a learner: the one service function behind the portal, batch files and web
services. It validates the request, loads the held learner (the master for a linked ULN),
applies the matching rules and audits the verification (ULN and code, no demographics)."""

from dataclasses import replace
from datetime import date

from webapp.extensions import db
from webapp.models import Learner, User
from webapp.rules import matching
from webapp.rules.learner_data import GENDERS, NAME_MAX
from webapp.rules.roles import LEARNER_DATA_KINDS, VERIFICATION_ROLES
from webapp.rules.uln import uln_problem
from webapp.services import audit
from webapp.services.errors import Forbidden, ValidationFailed
from webapp.services.learners import learner_for_verification

# What a channel asks: ULN, given and family name, optional date of birth and gender.
VerificationRequest = matching.Supplied


def check_request(request: VerificationRequest) -> None:
    """Bad input is an error, not a verification: each problem names its field."""
    if problem := uln_problem(request.uln):
        raise ValidationFailed(problem, "uln")
    for field_name, label in (("given_name", "Given Name"), ("family_name", "Family Name")):
        value = getattr(request, field_name).strip()
        if not value:
            raise ValidationFailed(f"Enter the learner's {label.lower()}", field_name)
        if len(value) > NAME_MAX:
            raise ValidationFailed(f"{label} must be {NAME_MAX} characters or fewer",
                                   field_name)
    if request.date_of_birth and request.date_of_birth > date.today():
        raise ValidationFailed("Date of birth must be in the past", "date_of_birth")
    if request.gender and request.gender not in GENDERS:
        raise ValidationFailed("Gender must be 0, 1, 2 or 9", "gender")


def _held(learner: Learner) -> matching.Held:
    return matching.Held(
        uln=learner.uln, given_name=learner.given_name, family_name=learner.family_name,
        date_of_birth=learner.date_of_birth, gender=learner.gender,
        preferred_given_name=learner.preferred_given_name or "",
        middle_other_names=learner.middle_other_names or "",
        previous_family_name=learner.previous_family_name or "",
        family_name_at_16=learner.family_name_at_16 or "")


def verify_learner(actor: User, request: VerificationRequest,
                   channel: str = "portal") -> matching.Verification:
    if not actor.has_role(*VERIFICATION_ROLES):
        raise Forbidden("Your roles do not include learner verification")
    if actor.organisation.kind not in LEARNER_DATA_KINDS:
        raise Forbidden("Only awarding organisations verify learners")
    check_request(request)
    request = replace(request, uln=request.uln.strip())
    uln = request.uln
    learner, linked = learner_for_verification(uln)
    result = matching.verify(request, _held(learner) if learner else None, linked=linked)
    audit.record("learner.verified", actor=actor, target_type="learner", target_id=uln,
                 details={"code": result.code, "flags": result.flags, "channel": channel})
    db.session.commit()
    return result
