"""Backups (docs/deployment.md): the dump and restore commands written there, run as
written, give a fresh database with the same rows, the same schema revision and an audit
trail that is still append-only."""

import re
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import POSTGRES_URL, _app_for
from tests.helpers import STRONG_PASSWORD, migrations_head, sign_in
from webapp.extensions import db
from webapp.models import AuditEvent, User
from webapp.services import schema

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only: pg_dump")
DEPLOYMENT = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def _commands(section: str) -> list[str]:
    """The shell lines of the ```sh block under a heading of docs/deployment.md."""
    text_after = DEPLOYMENT.read_text().split(section, 1)[1]
    block = re.search(r"```sh\n(.*?)```", text_after, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_a_dump_restores_into_a_fresh_database(app, client, user, tmp_path):
    sign_in(client, user.username, STRONG_PASSWORD)  # some audit rows to carry over
    users = db.session.scalar(select(func.count()).select_from(User))
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    fresh = f"lrs_restore_{uuid.uuid4().hex[:8]}"
    base = POSTGRES_URL.rsplit("/", 1)[0]
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": POSTGRES_URL,
           "RESTORE_URL": f"{base}/{fresh}", "RESTORE_DB": fresh, "PGHOST": "127.0.0.1",
           "PGUSER": "postgres"}
    try:
        for line in _commands("### Backing up") + _commands("### Restoring"):
            subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, check=True,
                           capture_output=True, text=True)
        restored = _app_for(f"{base}/{fresh}", tmp_path / "restored")
        with restored.app_context():
            schema.upgrade()  # `lrs init` on the restored copy: nothing to do
            assert db.session.scalar(select(func.count()).select_from(User)) == users
            assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
            version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
            assert version == migrations_head()
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text("UPDATE audit_events SET event = 'rewritten'"))
            db.session.rollback()
            db.engine.dispose()
    finally:
        engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"),
                               isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
        engine.dispose()
