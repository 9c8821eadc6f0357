"""A batch job's counts by the names its output file and its View page use.

Apart from the job runner (batch_run) because the portal shows them too: a web worker that
imported the runner would also load its worker pool (multiprocessing), which no request
needs (about 1.5 MiB a worker, issue 14)."""

from webapp.formats.batch_files import ACHIEVEMENT
from webapp.models import BatchJob

PAST = {"create": "created", "update": "updated", "withdraw": "withdrawn",
        "reinstate": "reinstated", "move": "moved"}
# A validate-only job changes nothing. Its output file is the one the real run would write
# (issue 13), so a file can be compared before and after; the View page says "would be".
WOULD_BE = {done: f"would be {done}" for done in PAST.values()}
SUMMARY_ORDER = ("created", "updated", "withdrawn", "reinstated", "moved",
                 "field data errors", "learner data errors", "business rule errors")


def summary(job: BatchJob) -> dict:
    """The counts, by the names the output and the View page use."""
    counts = job.counts or {}
    return {name.title().replace(" ", "") if " " in name else name: counts.get(name, 0)
            for name in _names(job)}


def counts_for_people(job: BatchJob) -> list[tuple[str, int]]:
    counts = job.counts or {}
    shown = [name for name in _names(job) if counts.get(name)]
    labels = {name: WOULD_BE.get(name, name) if job.validate_only else name for name in shown}
    return [(labels[name][0].upper() + labels[name][1:], counts[name]) for name in shown]


def _names(job: BatchJob):
    """An achievement job's counts in the fixed order; a verify job's, its return codes."""
    return SUMMARY_ORDER if job.kind == ACHIEVEMENT else sorted(job.counts or {})
