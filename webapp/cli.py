"""The `lrs` command group: `lrs …` from the console script, or `flask --app wsgi lrs …`.

Each command is one unit of work (the import, one per chunk): it commits when it
succeeds and leaves nothing behind when it fails."""

import os
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from webapp import jobs
from webapp.formats import batch_files
from webapp.rules.problems import RuleBroken
from webapp.rules.roles import ORGANISATION_KINDS, parse_roles
from webapp.services import batches, challenges, organisations, schema, user_accounts
from webapp.services.errors import DomainError
from webapp.services.unit_of_work import unit_of_work

lrs_group = AppGroup("lrs", help="Learning Records Service administration.")


def _fail(error: DomainError | RuleBroken | str) -> None:
    problems = getattr(error, "problems", None)
    if problems:
        for problem in problems:
            value = f" (‘{problem.value}’)" if problem.value else ""
            fix = f" {problem.fix}" if problem.fix != problem.message else ""
            click.secho(f"Error: {problem.field or 'input'}{value}: {problem.message}.{fix}",
                        fg="red", err=True)
    else:
        click.secho(f"Error: {error}", fg="red", err=True)
    sys.exit(1)


@lrs_group.command("init")
def init_command():
    """Create or upgrade the database schema (safe to run again)."""
    schema.upgrade()
    click.echo(f"Database is up to date: {schema.describe_database()}")


@lrs_group.command("create-organisation")
@click.option("--name", required=True)
@click.option("--ukprn", required=True, help="8-digit UK provider reference number")
@click.option("--kind", required=True, type=click.Choice(ORGANISATION_KINDS))
@click.option("--roles", default="", help="Roles it may grant, comma-separated (default: all "
              "of its kind)")
def create_organisation_command(name, ukprn, kind, roles):
    """Create an organisation."""
    try:
        with unit_of_work():
            organisation = organisations.create_organisation(name, ukprn, kind,
                                                             parse_roles(roles))
    except (DomainError, RuleBroken) as error:
        _fail(error)
    click.echo(f"Created {organisation.kind} organisation {organisation.name} "
               f"(UKPRN {organisation.ukprn}) granting: "
               f"{', '.join(sorted(organisation.grantable_roles))}")


@lrs_group.command("create-user")
@click.option("--ukprn", required=True)
@click.option("--given", "given_name", required=True)
@click.option("--family", "family_name", required=True)
@click.option("--email", required=True)
@click.option("--roles", required=True, help="Comma-separated role names")
@click.option("--password", default=None,
              help="Make the account active at once with this password (otherwise a "
              "welcome email is sent). Prefer the LRS_NEW_PASSWORD environment variable.")
def create_user_command(ukprn, given_name, family_name, email, roles, password):
    """Create a user and print the generated username."""
    password = password or os.environ.get("LRS_NEW_PASSWORD") or None
    try:
        with unit_of_work():
            organisation = organisations.organisation_by_ukprn(ukprn)
            user = user_accounts.create_user(
                organisation,
                user_accounts.NewUser(given_name=given_name, family_name=family_name,
                                      email=email, roles=parse_roles(roles)),
                password=password,
            )
    except (DomainError, RuleBroken) as error:
        _fail(error)
    click.echo(user.username)
    if password is None:
        click.echo(f"A welcome email with a registration link was sent to {user.email}.",
                   err=True)


@lrs_group.command("import-learners")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
def import_learners_command(csv_file):
    """Insert or update learners from a CSV file (see README for the columns)."""
    with open(csv_file, newline="", encoding="utf-8-sig") as source:
        try:
            report = jobs.import_learners(source, date.today())
        except RuleBroken as error:
            _fail(error)
    for line in report.lines():
        click.echo(line)


@lrs_group.command("import-qualifications")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
def import_qualifications_command(csv_file):
    """Insert or update qualifications and units from a CSV file (see README)."""
    with open(csv_file, newline="", encoding="utf-8-sig") as source:
        try:
            report = jobs.import_qualifications(source)
        except RuleBroken as error:
            _fail(error)
    for line in report.lines():
        click.echo(line)


@lrs_group.command("generate-learners")
@click.option("--count", type=click.IntRange(min=1), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
def generate_learners_command(count, seed, out):
    """Write realistic synthetic learners to a CSV file ready for import-learners."""
    with open(out, "w", newline="", encoding="utf-8") as target:
        from webapp.services import synthetic_learners  # Faker: loaded for this only

        written = synthetic_learners.write_csv(target, count, seed, date.today())
    click.echo(f"Wrote {written} learners to {out}")


@lrs_group.command("edc-report")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to report as of (default today); its month is the one claimed.")
def edc_report_command(on):
    """Email every awarding organisation's nominated resolvers its open data challenges
    (once per organisation per month: running it again sends nothing new)."""
    today = on.date() if on else date.today()
    sent = challenges.send_monthly_reports(today)
    for report in sent:
        click.echo(f"{report.organisation.name}: {report.open_challenges} open, "
                   f"{report.recipients} resolver(s) emailed")
    click.echo(f"Sent {len(sent)} report(s) for {today:%B %Y}.")


@lrs_group.command("demo")
def demo_command():
    """Load the demo organisation and users (does nothing if they exist)."""
    with unit_of_work():
        from webapp.services import demo  # Faker: loaded for this only

        result = demo.load_demo_data(current_app.instance_path)
    click.echo(result.report())


@lrs_group.command("worker")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--metrics-port", type=click.IntRange(min=1, max=65535), default=None,
              help="Serve the worker's Prometheus metrics (queue depth, job durations) on "
                   "this port, on WORKER_METRICS_ADDRESS (127.0.0.1 unless set).")
def worker_command(threads, metrics_port):
    """Run the task queue's worker: batch jobs and the periodic tasks."""
    from webapp.jobs.queue import run_worker

    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=os.environ.get("WORKER_METRICS_ADDRESS",
                                                            "127.0.0.1"))
    run_worker(current_app, threads)


batch_group = AppGroup("batch", help="Batch files: check them, and tidy their storage.")
lrs_group.add_command(batch_group)


@batch_group.command("validate")
@click.argument("batch_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(["auto", *batch_files.KINDS]), default="auto",
              show_default=True)
def batch_validate_command(batch_file, kind):
    """Check a batch file offline (no database): structure, header and every field rule
    that needs no register. Prints each problem with its row, field and fix."""
    with open(batch_file, "rb") as source:
        head = source.read(4096)
        source.seek(0)
        try:
            file_format = batch_files.format_of(batch_file, head)
            kind = batch_files.kind_of(file_format, head) if kind == "auto" else kind
            rows_with_problems, problems = set(), 0
            for number, problem in batch_files.validation_report(source, kind, file_format):
                rows_with_problems.add(number)
                problems += 1
                value = f" (‘{problem.value}’)" if problem.value else ""
                click.echo(f"Row {number}, {problem.field or 'row'}{value}: "
                           f"{problem.message}. Fix: {problem.fix}")
        except RuleBroken as error:
            _fail(error)
    click.echo(f"{kind} batch file, {file_format.upper()}: {problems} problem(s) in "
               f"{len(rows_with_problems)} row(s)")
    if problems:
        sys.exit(1)


@batch_group.command("purge")
def batch_purge_command():
    """Delete batch files older than BATCH_RETENTION_DAYS (the worker does this daily)."""
    with unit_of_work():
        purged = batches.purge_expired()
    click.echo(f"Deleted the files of {purged} batch job(s)")


def main() -> None:
    from webapp import create_app

    app = create_app()
    with app.app_context():
        lrs_group(prog_name="lrs")


if __name__ == "__main__":
    main()
