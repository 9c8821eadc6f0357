"""SQLAlchemy models, one module per domain. Importing this package registers them all."""

from webapp.models.achievement import Achievement, AchievementEvent, AchievementStatus
from webapp.models.audit import AuditEvent
from webapp.models.batch import BatchJob, BatchRowOutcome, BatchStatus
from webapp.models.challenge import Challenge, ChallengeReport
from webapp.models.learner import Learner
from webapp.models.organisation import Organisation, OrganisationRole
from webapp.models.qualification import Qualification
from webapp.models.token import OneTimeToken, TokenPurpose
from webapp.models.user import User, UserRole, UserStatus

__all__ = [
    "Achievement",
    "AchievementEvent",
    "AchievementStatus",
    "AuditEvent",
    "BatchJob",
    "BatchRowOutcome",
    "BatchStatus",
    "Challenge",
    "ChallengeReport",
    "Learner",
    "OneTimeToken",
    "Organisation",
    "OrganisationRole",
    "Qualification",
    "TokenPurpose",
    "User",
    "UserRole",
    "UserStatus",
]
