"""The qualification and unit register: streamed import, `lrs import-qualifications`, demo."""

import io

import pytest
from sqlalchemy import func, select

from webapp import jobs
from webapp.extensions import db
from webapp.formats.qualification_csv import COLUMNS
from webapp.models import AuditEvent, Qualification
from webapp.rules.problems import RuleBroken
from webapp.services import qualifications

HEADER = ",".join(COLUMNS)
GCSE = "600/1166/X,qualification,GCSE Maths,GCSE,1/2,10000001,restricted,2015-09-01,,,9;8;7;U,,,"
AIM = "60021901,qualification,Some title,GCSE,1/2,10000001,shared,2015-09-01,,,A;B,,,"
UNIT = "K/501/5773,unit,Food safety,Unit,2,10000001,restricted,2016-09-01,,,Pass;Fail,3,,"
DIPLOMA = ("650/9999/0,qualification,Diploma,Diploma,2,10000001,restricted,2016-09-01,,,"
           "Pass;Merit;Distinction,,25,K/501/5773;H/650/1001")


def csv_text(*rows: str) -> io.StringIO:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n")


def held() -> int:
    return db.session.scalar(select(func.count()).select_from(Qualification))


def test_import_inserts_then_changes_nothing_when_run_again(app):
    first = jobs.import_qualifications(csv_text(GCSE, UNIT, DIPLOMA))
    assert (first.inserted, first.updated, first.unchanged, first.rejected_count) == (3, 0, 0, 0)
    second = jobs.import_qualifications(csv_text(GCSE, UNIT, DIPLOMA))
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    assert held() == 3
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.event == "qualifications.imported")) == 2


def test_import_updates_by_reference_and_holds_aim_references_with_obliques(app):
    jobs.import_qualifications(csv_text(GCSE, AIM))
    report = jobs.import_qualifications(csv_text(GCSE.replace("GCSE Maths", "GCSE Mathematics")))
    assert report.updated == 1
    assert db.session.get(Qualification, "600/1166/X").title == "GCSE Mathematics"
    assert qualifications.find("60021901").title == "Some title"
    assert qualifications.find("600/2190/1").grades == ["A", "B"]


def test_mandatory_units_not_on_the_register_are_reported(app):
    report = jobs.import_qualifications(csv_text(UNIT, DIPLOMA))
    assert report.missing_mandatory_units == ["H/650/1001"]
    assert any("H/650/1001" in line for line in report.lines())
    diploma = qualifications.find("650/9999/0")
    assert diploma.built_from_units and diploma.mandatory_unit_list == ["K/501/5773",
                                                                       "H/650/1001"]


def test_rejected_rows_are_reported_by_row_field_and_fix_and_the_rest_load(app):
    report = jobs.import_qualifications(csv_text(
        GCSE,
        GCSE.replace("600/1166/X", "600/1166/1"),                 # check character
        UNIT.replace(",3,,", ",,,"),                               # unit without credits
        GCSE.replace("2015-09-01", "2015-02-30"),                  # impossible date
        GCSE.replace("restricted", "public").replace("600/1166/X", "600/2190/1"),
    ))
    assert report.inserted == 1 and report.rejected_count == 4
    lines = list(report.lines())
    assert lines[0].startswith("Rows read: 5. Inserted 1")
    assert any(line.startswith("Row 3: reference (value ‘600/1166/1’)") for line in lines)
    assert any(line.startswith("Row 4: credit_value") for line in lines)
    assert any(line.startswith("Row 5: operational_start_date (value ‘2015-02-30’)")
               for line in lines)
    assert not any("START_DATE_REQUIRED" in line or "Give the operational start" in line
                   for line in lines), "an unreadable date is reported once"
    assert any(line.startswith("Row 6: availability") for line in lines)
    assert held() == 1


def test_a_bad_header_is_refused_before_anything_is_read(app):
    with pytest.raises(RuleBroken, match="missing mandatory_units"):
        jobs.import_qualifications(io.StringIO(HEADER.replace(",mandatory_units", "") + "\n"))
    assert held() == 0


def test_import_commits_a_chunk_at_a_time(app):
    rows = [GCSE, AIM, UNIT, DIPLOMA, "bad"]
    report = jobs.import_qualifications(csv_text(*rows), chunk_rows=2)
    assert report.inserted == 4 and report.rejected_count == 1


def test_cli_import_qualifications(app, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "register.csv"
    good.write_text(csv_text(GCSE, UNIT).getvalue(), encoding="utf-8")
    first = runner.invoke(args=["lrs", "import-qualifications", str(good)])
    assert first.exit_code == 0 and "Inserted 2" in first.output
    again = runner.invoke(args=["lrs", "import-qualifications", str(good)])
    assert "Inserted 0, updated 0, unchanged 2" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("reference,title\n", encoding="utf-8")
    refused = runner.invoke(args=["lrs", "import-qualifications", str(bad)])
    assert refused.exit_code == 1 and "header row is not right" in refused.output


def test_demo_loads_the_register(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lrs", "demo"])
    assert result.exit_code == 0, result.output
    assert "qualifications and units are on the register" in result.output
    assert held() > 500
    diploma = qualifications.find("650/9999/0")
    assert diploma.credits_required == 25 and len(qualifications.units_of(diploma)) == 3
    assert qualifications.missing_mandatory_units() == []
    assert {row.type for row in db.session.scalars(select(Qualification))} >= {
        "GCSE", "GCE A Level", "GCE AS Level", "Functional Skills", "Diploma", "Unit"}
