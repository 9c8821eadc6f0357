"""Verify a learner: the one service function behind the portal, batch files and web
services. It validates the request (a ULN typed with spaces or dashes is understood), loads
the held learner (for a linked ULN both its own record and the master's), applies the
matching rules and audits the verification: ULN, code, flags and the shape of the query
(how many name parts and how long each is, whether a date of birth and gender were given),
never the names themselves."""

import re
from dataclasses import replace
from datetime import date

from webapp.models import Learner, User
from webapp.rules import matching
from webapp.rules.learner_data import GENDERS, NAME_MAX, LearnerDetails
from webapp.rules.names import parts as name_parts
from webapp.rules.permissions import Area
from webapp.rules.problems import Problem
from webapp.rules.uln import normalise_uln, uln_problem
from webapp.services import audit
from webapp.services.errors import ValidationFailed
from webapp.services.learners import learner_for_verification
from webapp.services.user_management import require_area

# What a channel asks: ULN, given and family name, optional date of birth and gender.
VerificationRequest = matching.Supplied


def request_problems(request: VerificationRequest) -> list[Problem]:
    """Bad input is an error, not a verification: each problem names its field."""
    problems = []
    if problem := uln_problem(request.uln):
        problems.append(problem)
    for field_name, label in (("given_name", "Given name"), ("family_name", "Family name")):
        value = getattr(request, field_name).strip()
        if not value:
            problems.append(Problem("NAME_REQUIRED", f"Enter the learner's {label.lower()}",
                                    field_name))
        elif len(value) > NAME_MAX:
            problems.append(Problem("NAME_TOO_LONG", f"{label} must be {NAME_MAX} characters "
                                                     "or fewer", field_name, value))
    if request.date_of_birth and request.date_of_birth > date.today():
        problems.append(Problem("DATE_OF_BIRTH_IN_FUTURE", "Date of birth must be in the past",
                                "date_of_birth", request.date_of_birth.isoformat()))
    if request.gender and request.gender not in GENDERS:
        problems.append(Problem("BAD_GENDER", "Gender must be 0, 1, 2 or 9", "gender",
                                request.gender))
    return problems


def verify_learner(actor: User, request: VerificationRequest, channel: str = "portal",
                   area: Area = Area.SINGLE_VERIFICATION) -> matching.Verification:
    """Stage the audit row; the caller's unit of work commits it with the answer."""
    require_area(actor, area)
    if (uln := normalise_uln(request.uln)) != request.uln:
        request = replace(request, uln=uln)
    if problems := request_problems(request):
        raise ValidationFailed(problems=problems)
    result, _learner = match_learner(request)
    audit.record("learner.verified", actor=actor, target_type="learner", target_id=request.uln,
                 details={"code": result.code, "flags": result.flags, "channel": channel,
                          "query": query_shape(request)})
    return result


def match_learner(request: VerificationRequest) -> tuple[matching.Verification, Learner | None]:
    """The one comparison behind every channel and every use (verification, achievements):
    the answer, and the learner whose details are returned (the master for a linked ULN).
    Neither checked nor audited here: the callers do that for their own purpose."""
    records = learner_for_verification(request.uln)
    held = LearnerDetails.of(records.master) if records.master else None
    own = LearnerDetails.of(records.own) if records.linked and records.own else None
    return matching.verify(request, held, linked=records.linked, linked_held=own), records.master


def query_shape(request: VerificationRequest) -> dict:
    """What the audit keeps of a query: enough to see a trawl (many or odd name parts, no
    date of birth), nothing that identifies anyone. Lengths of the parts as folded."""
    return {"given_name_parts": _part_lengths(request.given_name),
            "family_name_parts": _part_lengths(request.family_name),
            "date_of_birth": request.date_of_birth is not None,
            "gender": bool((request.gender or "").strip())}


# Plain letters and single spaces: such a name folds to itself in lower case.
_PLAIN_NAME = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def _part_lengths(name: str) -> list[int]:
    """The lengths of the name's parts as folded; a plain name is split without folding
    (folding a name not seen before costs more than the rest of its audit row)."""
    if _PLAIN_NAME.fullmatch(name):
        return [len(part) for part in name.split(" ")]
    return [len(part) for part in name_parts(name)]
