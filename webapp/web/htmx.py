"""HTMX in one place: the ids of the elements that fragments replace, shared by the views
(which answer a fragment when a request aims at one) and the templates (which aim at
them). A view decides on the target, never on HX-Request alone: boosted links send it
too. Templates reach these as `targets.USER_RESULTS`, `targets.user_row(user.id)`."""

from flask import request


class Targets:
    REQUEST_ERROR = "request-error"      # where a refused HTMX request shows its message
    USER_RESULTS = "user-results"        # Find user's results table
    USER_STATUS = "user-status"          # View user's status panel
    VERIFY_PANEL = "verify-panel"        # Verify Single Learner's form and result
    VERIFY_ERRORS = "verify-errors"      # its error summary, above the h1 (out of band)
    VERIFY_RESULT = "verify-result"      # its result, under the form
    ACHIEVEMENT_RESULTS = "achievement-results"  # Manage Learner Achievements' search result
    CREDIT_CHECK = "credit-check"        # Perform Credit Check's form and result
    CHALLENGE_RESULTS = "challenge-results"  # Event Data Challenges' table and bulk form

    @staticmethod
    def user_row(user_id: int) -> str:
        return f"user-row-{user_id}"

    @staticmethod
    def challenge_row(challenge_id: int) -> str:
        return f"challenge-row-{challenge_id}"

    @staticmethod
    def achievement_row(achievement_id: int) -> str:
        return f"achievement-row-{achievement_id}"

    @staticmethod
    def batch_job_row(job_id: int) -> str:
        return f"batch-job-{job_id}"


targets = Targets()


def aimed_at(target_id: str) -> bool:
    """True when this is an HTMX request whose target is the element with this id."""
    return bool(request.htmx) and request.htmx.target == target_id


def css(target_id: str) -> str:
    return f"#{target_id}"
