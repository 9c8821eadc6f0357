"""The batch pages: a bad file refused at once with its reason, the job list with a row
that HTMX refreshes only while the job runs, templates beside each submit page, and the
`lrs batch validate` toolkit command (offline: no database)."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.achievement_data import JAMES, load_registers
from tests.helpers import committed, csrf_from, error_summary, htmx_to, page, sign_in
from webapp.extensions import db
from webapp.jobs import tasks
from webapp.models import BatchJob
from webapp.services import batches

HEADER = "MISIdentifier,ULN,FamilyName,GivenName,DateOfBirth,Gender"


@pytest.fixture
def batcher(client, make_user):
    load_registers()
    user = make_user(roles=["ab_batch_user", "qcf_record_set_user"])
    sign_in(client, user.username)
    return user


def upload(client, path, name, content: bytes, **fields):
    form = client.get(path)
    return client.post(path, data={"csrf_token": csrf_from(form),
                                   "batch_file": (io.BytesIO(content), name), **fields},
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("a.csv", b"ULN\r\n1\r\n", "The header row is not right"),
    ("a.csv", f"{HEADER}\r\n".encode(), "has a header but no rows"),
    ("a.csv", f"{HEADER}\r\n1,{JAMES},Zoë,A,,\r\n".encode("cp1252"), "not in UTF-8"),
    ("a.xml", b"<!DOCTYPE x [<!ENTITY a 'b'>]><VerifyBatch/>", "DTD"),
    ("a.pdf", b"%PDF", "must be a .csv or .xml"),
])
def test_a_bad_file_is_refused_at_once_with_its_reason(client, batcher, name, content, reason):
    answer = upload(client, "/batches/verification/submit", name, content)
    assert answer.status_code == 422
    assert any(reason in message for message in error_summary(answer))
    assert db.session.scalars(select(BatchJob)).all() == []


def test_the_same_file_twice_asks_to_confirm(client, batcher):
    content = f"{HEADER}\r\n1,{JAMES},Smith,James,,\r\n".encode()
    assert upload(client, "/batches/verification/submit", "a.csv", content).status_code == 302
    again = upload(client, "/batches/verification/submit", "a.csv", content)
    assert again.status_code == 422 and "already submitted" in again.get_data(as_text=True)
    assert page(again).find("input", {"name": "submit_again"}) is not None
    confirmed = upload(client, "/batches/verification/submit", "a.csv", content,
                       submit_again="y")
    assert confirmed.status_code == 302


def test_a_running_job_polls_and_an_ended_one_does_not(client, batcher):
    job = committed(batches.submit, batcher, "verify", batches.Upload(
        "a.csv", io.BytesIO(f"{HEADER}\r\n1,{JAMES},Smith,James,,\r\n".encode())))
    listing = page(client.get("/batches/verification"))
    row = listing.find(id=f"batch-job-{job.id}")
    assert row["hx-get"] == f"/batches/verification/{job.id}/row"
    assert "Waiting" in row.get_text() and row.find("progress") is not None
    assert "Cancel" in row.find("button").get_text()
    tasks.queue_batch_job(job.id)  # the queue runs it at once in tests
    fragment = client.get(f"/batches/verification/{job.id}/row",
                          headers=htmx_to(f"batch-job-{job.id}"))
    refreshed = page(fragment).find(id=f"batch-job-{job.id}")
    assert not refreshed.has_attr("hx-get") and "Successful" in refreshed.get_text()
    assert "Download output" in refreshed.get_text()
    assert client.get(f"/batches/verification/{job.id}/row").status_code == 302


def test_cancel_a_waiting_job(client, batcher):
    job = committed(batches.submit, batcher, "verify", batches.Upload(
        "a.csv", io.BytesIO(f"{HEADER}\r\n1,{JAMES},Smith,James,,\r\n".encode())))
    listing = client.get("/batches/verification")
    answer = client.post(f"/batches/verification/{job.id}/cancel",
                         data={"csrf_token": csrf_from(listing)})
    assert answer.status_code == 302
    assert "Cancelled" in client.get("/batches/verification").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/batches/verification/template.csv",
                                  "/batches/verification/template.xml",
                                  "/batches/verification/template.xsd",
                                  "/batches/achievements/template.csv",
                                  "/batches/achievements/template.xml",
                                  "/batches/achievements/template.xsd"])
def test_templates_download_beside_each_submit_page(client, batcher, path):
    answer = client.get(path)
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    submit_page = path.rsplit("/", 1)[0] + "/submit"
    assert path in client.get(submit_page).get_data(as_text=True)


def test_the_csv_template_passes_the_offline_check(client, batcher, tmp_path):
    for kind_path in ("verification", "achievements"):
        template = tmp_path / f"{kind_path}.csv"
        template.write_bytes(client.get(f"/batches/{kind_path}/template.csv").data)
        checked = validate(template)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def validate(path: Path) -> subprocess.CompletedProcess:
    """`lrs batch validate`, in its own process with a database URL that cannot connect."""
    env = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "PATH": "/usr/bin:/bin",
           "LRS_INSTANCE_PATH": str(path.parent / "instance"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run([sys.executable, "-m", "webapp.cli", "batch", "validate", str(path)],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


def test_batch_validate_reports_row_field_and_fix_offline(tmp_path):
    bad = tmp_path / "learners.csv"
    bad.write_text(f"{HEADER}\r\n1,{JAMES},Smith,James,2008-05-01,1\r\n"
                   "2,1000000044,Smith,James,01/05/2008,7\r\n", encoding="utf-8")
    checked = validate(bad)
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert any(line.startswith("Row 3, ULN") for line in lines)
    assert any(line.startswith("Row 3, DateOfBirth (‘01/05/2008’)") and "Fix:" in line
               for line in lines)
    assert lines[-1] == "verify batch file, CSV: 3 problem(s) in 1 row(s)"
    broken = tmp_path / "broken.xml"
    broken.write_text("<!DOCTYPE x><VerifyBatch/>")
    refused = validate(broken)
    assert refused.returncode == 1 and "DTD" in refused.stderr


def test_validate_only_is_offered_where_records_can_change(client, batcher):
    """A verify batch changes no record, so it has nothing to validate first."""
    verify = page(client.get("/batches/verification/submit"))
    achievement = page(client.get("/batches/achievements/submit"))
    assert not verify.find("input", attrs={"name": "validate_only"})
    assert achievement.find("input", attrs={"name": "validate_only"})
    assert "Gender is a code" in verify.get_text()
