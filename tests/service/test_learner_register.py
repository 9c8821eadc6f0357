"""The learner register: streamed import, synthetic learners, and verification."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.helpers import AsChannel
from webapp import jobs
from webapp.extensions import db
from webapp.formats.learner_csv import COLUMNS
from webapp.models import AuditEvent, Learner
from webapp.rules.learner_data import LearnerDetails, learner_errors
from webapp.rules.problems import RuleBroken
from webapp.services import learners, organisations, synthetic_learners, verification
from webapp.services.errors import Forbidden, ValidationFailed

# Each call in its own unit of work, committed or rolled back, as a channel makes it.
verification = AsChannel(verification)
organisations = AsChannel(organisations)

TODAY = date(2026, 11, 29)
HEADER = ",".join(COLUMNS)


def csv_text(*rows: str) -> io.StringIO:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n")


GOOD = "1000000043,James,Smith,,,,,2008-05-01,1,SW1A 1AA,"
LINKED = "9276308686,James,Smith,,,,,2008-05-01,1,SW1A 1AA,1000000043"


def count_learners() -> int:
    return db.session.scalar(select(func.count()).select_from(Learner))


# --- import ----------------------------------------------------------------------------------

def test_import_inserts_then_changes_nothing_when_run_again(app):
    first = jobs.import_learners(csv_text(GOOD, LINKED), TODAY)
    assert (first.inserted, first.updated, first.unchanged, first.rejected_count) == (2, 0, 0, 0)
    second = jobs.import_learners(csv_text(GOOD, LINKED), TODAY)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 2)
    assert count_learners() == 2


def test_import_updates_by_uln(app):
    jobs.import_learners(csv_text(GOOD), TODAY)
    report = jobs.import_learners(
        csv_text("1000000043,James,Smith-Brown,,,Smith,,2008-05-01,1,SW1A 1AA,"), TODAY)
    assert report.updated == 1
    learner = db.session.get(Learner, "1000000043")
    assert learner.family_name == "Smith-Brown" and learner.previous_family_name == "Smith"


def test_rejected_rows_are_reported_by_row_and_field_and_nothing_else_is_lost(app):
    report = jobs.import_learners(csv_text(
        GOOD,
        "1000000042,Ann,Lee,,,,,2008-01-01,2,,",        # bad check digit
        "1000102504,J0hn,Lee,,,,,2008-02-30,2,,",        # bad name and impossible date
        "1964986809,Unknown,Lee,,,,,2008-01-01,2,N7 8TT,",  # prohibited text, prison postcode
    ), TODAY)
    assert report.inserted == 1 and report.rejected_count == 3
    lines = list(report.lines())
    assert lines[0].startswith("Rows read: 4. Inserted 1")
    assert any(line.startswith("Row 3: uln (value ‘1000000042’)") for line in lines)
    assert any(line.startswith("Row 4: given_name") for line in lines)
    assert any(line.startswith("Row 4: date_of_birth") for line in lines)
    assert any("Row 5: postcode" in line and "prison" in line for line in lines)
    assert not any("Lee,2008" in line for line in lines), "never the whole record"
    assert count_learners() == 1


def test_a_bad_header_is_refused_before_anything_is_read(app):
    with pytest.raises(RuleBroken, match="missing master_uln") as missing:
        jobs.import_learners(io.StringIO(HEADER.replace(",master_uln", "") + "\n"), TODAY)
    assert missing.value.problems[0].code == "BAD_HEADER"
    with pytest.raises(RuleBroken, match="not expected shoe_size"):
        jobs.import_learners(io.StringIO(HEADER + ",shoe_size\n"), TODAY)
    assert count_learners() == 0


def test_links_to_missing_masters_are_counted(app):
    report = jobs.import_learners(csv_text(LINKED), TODAY)
    assert report.missing_masters == 1
    assert any("master ULN that is not on the register" in line for line in report.lines())


def test_import_commits_in_chunks(app):
    rows = [row for row in synthetic_learners.generate(25, 5, TODAY)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    buffer.seek(0)
    report = jobs.import_learners(buffer, TODAY, chunk_rows=10)
    assert report.inserted == 25 and count_learners() == 25


def test_the_import_is_audited(app):
    jobs.import_learners(csv_text(GOOD), TODAY)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "learners.imported"))
    assert event.details == {"inserted": 1, "updated": 0, "unchanged": 0, "rejected": 0}


# --- synthetic learners ----------------------------------------------------------------------

def test_generated_learners_are_deterministic_valid_and_varied(app):
    first = list(synthetic_learners.generate(3000, 11, TODAY))
    assert first == list(synthetic_learners.generate(3000, 11, TODAY))
    assert first != list(synthetic_learners.generate(3000, 12, TODAY))
    for row in first:
        record = LearnerDetails(**{**{k: v or None for k, v in row.items()},
                                   "date_of_birth": date.fromisoformat(row["date_of_birth"])})
        assert learner_errors(record, TODAY) == [], row
    assert any("-" in row["family_name"] for row in first)
    assert any(row["family_name"][:2] in ("O'", "O’") for row in first)
    assert any(" " in row["given_name"] for row in first)
    assert any(row["previous_family_name"] for row in first)
    ulns = {row["uln"] for row in first}
    assert len(ulns) == len(first)
    linked = [row for row in first if row["master_uln"]]
    assert linked and all(row["master_uln"] in ulns for row in linked)


def test_generated_file_imports_cleanly(app, tmp_path):
    path = tmp_path / "learners.csv"
    with path.open("w", newline="") as out:
        synthetic_learners.write_csv(out, 500, 3, TODAY)
    with path.open(newline="") as source:
        report = jobs.import_learners(source, TODAY)
    assert report.inserted == 500 and report.rejected_count == 0 and report.missing_masters == 0


# --- verification ----------------------------------------------------------------------------

@pytest.fixture
def register(app):
    jobs.import_learners(csv_text(GOOD, LINKED), TODAY)


def ask(uln="1000000043", given="James", family="Smith", dob=date(2008, 5, 1), gender="1"):
    return verification.VerificationRequest(uln, given, family, dob, gender)


def test_verification_is_audited_without_demographics(register, make_user):
    verifier = make_user(roles=["ab_user"])
    result = verification.verify_learner(verifier, ask(given="Jim"))
    assert result.code == "VRC003"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "learner.verified"))
    assert event.target_id == "1000000043" and event.details["code"] == "VRC003"
    assert event.actor_user_id == verifier.id
    blob = repr((event.details, event.before, event.after))
    assert "Jim" not in blob and "Smith" not in blob and "2008" not in blob


def test_a_linked_uln_is_checked_against_and_returns_the_master(register, make_user):
    result = verification.verify_learner(make_user(roles=["ab_user"]), ask(uln="9276308686"))
    assert result.code == "VRC002" and result.returned.uln == "1000000043"


def test_unknown_uln(register, make_user):
    result = verification.verify_learner(make_user(roles=["ab_user"]), ask(uln="1964986809"))
    assert result.code == "VRC006"


@pytest.mark.parametrize("request_changes,field", [
    ({"uln": "1000000042"}, "uln"), ({"uln": "12"}, "uln"), ({"given": " "}, "given_name"),
    ({"family": "x" * 36}, "family_name"), ({"gender": "M"}, "gender"),
    ({"dob": date(2099, 1, 1)}, "date_of_birth"),
])
def test_bad_input_is_an_error_not_a_verification(register, make_user, request_changes, field):
    with pytest.raises(ValidationFailed) as error:
        verification.verify_learner(make_user(roles=["ab_user"]), ask(**request_changes))
    assert error.value.field == field
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "learner.verified")) is None


@pytest.mark.parametrize("role", ["qcf_user", "edc_resolver", "qcf_record_set_user"])
def test_only_verifier_roles_verify(register, make_user, role):
    with pytest.raises(Forbidden):
        verification.verify_learner(make_user(roles=[role]), ask())


def test_models_and_migrations_agree(app):
    """A model change without a migration fails here, not in production."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def for_this_database(obj, name, kind, reflected, compare_to):
        """An index declared for one database only (`.ddl_if(dialect=…)`) is not missing
        from the others."""
        only_on = getattr(getattr(obj, "_ddl_if", None), "dialect", None)
        return only_on in (None, db.engine.dialect.name)

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection,
                                             opts={"include_object": for_this_database})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_generated_changes_of_name_really_change(app):
    rows = list(synthetic_learners.generate(3000, 4, TODAY))
    assert all(row["previous_family_name"] != row["family_name"] for row in rows)
    doubles = [row["given_name"].split() for row in rows if " " in row["given_name"]]
    assert doubles and all(len(set(parts)) == len(parts) for parts in doubles)


def test_header_with_spaces_and_a_byte_order_mark_is_read(app):
    header = "\ufeff" + ", ".join(COLUMNS)
    report = jobs.import_learners(io.StringIO(f"{header}\n{GOOD}\n"), TODAY)
    assert report.inserted == 1 and report.rejected_count == 0


def test_rejected_rows_are_numbered_by_file_line_even_after_blank_lines(app):
    report = jobs.import_learners(
        io.StringIO(f"{HEADER}\n{GOOD}\n\n\n1000000042,Ann,Lee,,,,,2008-01-01,2,,\n"), TODAY)
    assert [rejected.row for rejected in report.rejected] == [5]


@pytest.mark.parametrize("text", ["20080501", "2008-W01-1", "01/05/2008", "2008-5-1"])
def test_dates_must_be_yyyy_mm_dd(app, text):
    report = jobs.import_learners(
        csv_text(f"1000000043,James,Smith,,,,,{text},1,,"), TODAY)
    assert report.rejected_count == 1
    assert report.rejected[0].problems[0].code == "BAD_DATE"


def test_a_chain_of_links_is_reported_and_followed_to_the_master(app, make_user):
    report = jobs.import_learners(csv_text(
        GOOD, LINKED, "1000102504,James,Smith,,,,,2008-05-01,1,,9276308686"), TODAY)
    assert report.chained_links == 1
    assert any("itself linked" in line for line in report.lines())
    records = learners.learner_for_verification("1000102504")
    assert records.master.uln == "1000000043" and records.linked
    assert records.own.uln == "1000102504"


def test_a_loop_of_links_does_not_hang(app):
    jobs.import_learners(csv_text(
        "1000000043,James,Smith,,,,,2008-05-01,1,,9276308686",
        "9276308686,James,Smith,,,,,2008-05-01,1,,1000000043"), TODAY)
    records = learners.learner_for_verification("1000000043")
    assert records.master.uln == "9276308686" and records.linked


def test_import_leaves_the_callers_objects_attached(app, make_user):
    user = make_user(roles=["ab_user"])
    jobs.import_learners(csv_text(GOOD), TODAY)
    assert user.username  # would raise DetachedInstanceError if expunged


def test_only_awarding_organisations_verify(app, make_user):
    provider = organisations.create_organisation("A College", "10000088", "provider")
    college_super_user = make_user(roles=["super_user"], password="a long enough password",
                                   org=provider, given="Col", family="Lege")
    jobs.import_learners(csv_text(GOOD), TODAY)
    with pytest.raises(Forbidden):
        verification.verify_learner(college_super_user, ask())


def test_a_non_match_reveals_nothing_held_even_in_the_explanation(register, make_user):
    db.session.execute(
        Learner.__table__.update().where(Learner.uln == "1000000043")
        .values(previous_family_name="Hargreaves"))
    db.session.commit()
    result = verification.verify_learner(
        make_user(roles=["ab_user"]), ask(family="Hargreaves", dob=date(2001, 1, 1)))
    assert result.code == "VRC005"
    text = " ".join(check.explanation for check in result.checks)
    assert "Hargreaves" not in text and "James" not in text and "2008" not in text
