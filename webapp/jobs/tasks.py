"""Every task the worker runs, and the periodic ones.

To run something on a schedule, add it at the end of this file, two lines:

    @huey.periodic_task(crontab(day="1", hour="6", minute="0"))   # 06:00 on the 1st
    @in_app_context
    def monthly_reports(): ...

(crontab fields are UTC; the worker started by `lrs worker` runs them.)"""

import logging
from datetime import date

from huey import crontab

from webapp.jobs import batch_run
from webapp.jobs.queue import huey, in_app_context
from webapp.observability import set_queue_depth, time_job
from webapp.services import batches, challenges, self_service
from webapp.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


@huey.task()
@in_app_context
def run_batch_job(job_id: int) -> None:
    with time_job("batch_job"):
        batch_run.run(job_id)


def queue_batch_job(job_id: int) -> None:
    """Call once the job is committed."""
    run_batch_job(job_id)


@huey.task()
@in_app_context
def request_password_reset(username_or_email: str) -> None:
    """‘I have forgotten my password’, decided after the answer has gone (so the answer
    takes as long for a real account as for none)."""
    with unit_of_work():
        self_service.request_password_reset(username_or_email)


# --- periodic ------------------------------------------------------------------------------

@huey.periodic_task(crontab(minute="*"))
@in_app_context
def requeue_stale_jobs() -> None:
    """A job whose worker died (its heartbeat went silent) is queued again and resumes
    after the last row it recorded."""
    set_queue_depth(huey.pending_count())
    with unit_of_work():
        job_ids = batches.stale_job_ids()
    for job_id in job_ids:
        log.info("Queueing batch job %s again", job_id)
        run_batch_job(job_id)


@huey.periodic_task(crontab(minute="17", hour="3"))
@in_app_context
def purge_batch_files() -> None:
    """Delete batch files older than BATCH_RETENTION_DAYS."""
    with unit_of_work():
        purged = batches.purge_expired()
    log.info("Deleted the files of %s batch job(s) on %s", purged, date.today())


@huey.periodic_task(crontab(day="1", hour="6", minute="0"))
@in_app_context
def monthly_edc_reports() -> None:
    """The monthly data-challenge report, 06:00 UTC on the 1st. Every worker's scheduler
    queues it; the claim per organisation and month (a unique row) makes it send once."""
    with time_job("monthly_edc_reports"):
        sent = challenges.send_monthly_reports(date.today())
    log.info("Sent %s monthly data challenge report(s)", len(sent))
