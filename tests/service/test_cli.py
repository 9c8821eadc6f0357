"""The `lrs` command group, run as `flask lrs …` through Click's runner."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Organisation, User, UserStatus


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["lrs", *args])

    return invoke


def test_init_is_idempotent(run):
    first, second = run("init"), run("init")
    assert first.exit_code == 0 and second.exit_code == 0
    assert "Database is up to date" in second.output


def test_create_organisation_defaults_to_every_role_of_its_kind(run):
    result = run("create-organisation", "--name", "Big Board", "--ukprn", "10000123",
                 "--kind", "awarding")
    assert result.exit_code == 0, result.output
    organisation = db.session.scalar(select(Organisation).where(Organisation.ukprn == "10000123"))
    assert "edc_resolver" in organisation.grantable_roles and len(
        organisation.grantable_roles) == 6


def test_create_organisation_with_narrowed_roles_and_bad_input(run):
    assert run("create-organisation", "--name", "P", "--ukprn", "10000124", "--kind",
               "provider", "--roles", "provider_user").exit_code == 0
    bad_ukprn = run("create-organisation", "--name", "X", "--ukprn", "123", "--kind", "awarding")
    assert bad_ukprn.exit_code == 1 and "not 8 digits" in bad_ukprn.output
    bad_role = run("create-organisation", "--name", "X", "--ukprn", "10000125", "--kind",
                   "provider", "--roles", "qcf_user")
    assert bad_role.exit_code == 1 and "cannot grant QCF user" in bad_role.output


def test_create_user_with_password_is_active_at_once(run, organisation):
    result = run("create-user", "--ukprn", organisation.ukprn, "--given", "Ada", "--family",
                 "Lovelace", "--email", "ada@exams.example", "--roles", "super_user,ab_user",
                 "--password", "an analytical engine password")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "ada.lovelace"
    user = db.session.scalar(select(User).where(User.username == "ada.lovelace"))
    assert user.status == UserStatus.ACTIVE.value and user.roles == {"super_user", "ab_user"}


def test_create_user_without_password_sends_the_welcome_email(run, organisation, outbox):
    result = run("create-user", "--ukprn", organisation.ukprn, "--given", "Bo", "--family",
                 "Peep", "--email", "bo@exams.example", "--roles", "ab_user")
    assert result.exit_code == 0, result.output
    assert len(outbox.to("bo@exams.example")) == 1


def test_create_user_errors_are_plain(run, organisation):
    unknown_org = run("create-user", "--ukprn", "99999999", "--given", "A", "--family", "B",
                      "--email", "a@b.example", "--roles", "ab_user")
    assert unknown_org.exit_code == 1 and "No organisation has UKPRN 99999999" in unknown_org.output
    weak = run("create-user", "--ukprn", organisation.ukprn, "--given", "A", "--family", "B",
               "--email", "a@b.example", "--roles", "super_user", "--password", "short")
    assert weak.exit_code == 1 and "15 characters" in weak.output
    assert "Traceback" not in weak.output


def test_demo_data_is_loaded_once(run, app):
    first = run("demo")
    assert first.exit_code == 0, first.output
    roles = ["LRS super user", "Awarding body batch user", "Awarding body user",
             "QCF record set user", "QCF user", "EDC resolver", "Service desk"]
    assert all(role in first.output for role in roles)
    count = db.session.scalar(select(func.count(User.id)))
    second = run("demo")
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count(User.id))) == count == 8  # and a provider
    credentials = Path(app.instance_path) / "demo-accounts.txt"
    assert credentials.stat().st_mode & 0o077 == 0


def test_demo_passwords_work(run, app):
    from webapp.services import sign_in

    run("demo")
    credentials = (Path(app.instance_path) / "demo-accounts.txt").read_text().splitlines()[1:]
    for line in credentials:
        role, username, password = line.split("\t")
        assert sign_in.authenticate(username, password).user.username == username


def test_the_lrs_console_script_runs_on_a_fresh_instance(tmp_path):
    import os
    import subprocess
    import sys

    lrs = Path(sys.executable).parent / "lrs"
    env = {**os.environ, "LRS_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": ""}
    for args in (["init"], ["demo"], ["init"]):
        done = subprocess.run([str(lrs), *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "lrs.sqlite").exists() and (tmp_path / "secret_key").exists()
    assert "already loaded" not in done.stdout


def test_demo_loads_synthetic_learners_and_suggests_some(run, app):
    from webapp.models import Learner
    from webapp.services.demo import DEMO_REGISTER

    result = run("demo")
    own = len(DEMO_REGISTER.strip().splitlines()) - 1  # the demo's learners for its tries
    assert db.session.scalar(select(func.count()).select_from(Learner)) == 2000 + own
    assert "Type them into Verify Single Learner" in result.output
    assert "(a linked ULN)" in result.output


def test_generate_then_import_learners(run, tmp_path):
    from webapp.models import Learner

    out = tmp_path / "learners.csv"
    generated = run("generate-learners", "--count", "300", "--seed", "9", "--out", str(out))
    assert generated.exit_code == 0 and "Wrote 300 learners" in generated.output
    first = run("import-learners", str(out))
    assert "Inserted 300, updated 0, unchanged 0, rejected 0" in first.output
    again = run("import-learners", str(out))
    assert "Inserted 0, updated 0, unchanged 300, rejected 0" in again.output
    assert db.session.scalar(select(func.count()).select_from(Learner)) == 300


def test_import_learners_refuses_a_bad_header_plainly(run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("uln,name\n1000000043,James\n")
    result = run("import-learners", str(bad))
    assert result.exit_code == 1 and "The header row must be: uln,given_name" in result.output


def test_the_demo_prints_a_try_for_every_return_code_and_kind_of_possible_match(run, app,
                                                                              make_user):
    """Each try the demo prints gets the answer it promises, through the real service."""
    from webapp.services import verification
    from webapp.services.demo import DEMO_TRIES
    from webapp.services.unit_of_work import unit_of_work

    result = run("demo")
    assert result.exit_code == 0, result.output
    verifier = make_user(roles=["ab_user"])
    for attempt in DEMO_TRIES:
        assert f"ULN {attempt.uln}  {attempt.given_name} {attempt.family_name}" in \
            result.output
        with unit_of_work():
            answer = verification.verify_learner(verifier, verification.VerificationRequest(
                uln=attempt.uln, given_name=attempt.given_name,
                family_name=attempt.family_name, date_of_birth=attempt.date_of_birth,
                gender=attempt.gender or None))
        assert answer.code == attempt.code, (attempt, answer)
    assert {attempt.code for attempt in DEMO_TRIES} == {f"VRC00{n}" for n in range(1, 7)}
    kinds = [attempt.why for attempt in DEMO_TRIES if attempt.code == "VRC003"]
    for kind in ("short form", "accent", "double", "spelling", "swapped", "previous",
                 "preferred"):
        assert any(kind in why for why in kinds), kind
