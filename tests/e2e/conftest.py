"""Browser journeys: the real app served over HTTP on a free local port, driven by the
Debian Chromium through Playwright (plain playwright.sync_api; Playwright cannot download
its own browsers here).

Every test under tests/e2e is marked `e2e`. Without /usr/bin/chromium they are skipped,
unless LRS_REQUIRE_BROWSER=1 (as `make e2e` sets), when they fail instead."""

import email
import email.policy
import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.models import Learner
from webapp.models.base import utcnow
from webapp.services import organisations, user_accounts
from webapp.services.unit_of_work import unit_of_work

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
HOST = "127.0.0.1"
E2E_FOLDER = Path(__file__).resolve().parent
TIMEOUT_MS = 10_000  # a step that takes longer than this is broken, not slow


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_FOLDER in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# --- the browser --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (f"{CHROMIUM} is missing, so the browser journeys cannot run. "
                   "Install it with `apt-get install chromium`.")
        if os.environ.get("LRS_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class ConsoleLog:
    """What the page reported: console errors and uncaught exceptions."""

    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors
                if "Content Security Policy" in e or "Refused to" in e]


@pytest.fixture
def console():
    return ConsoleLog()


def _open_tab(browser, live_server, console, **context_options):
    """A page in a fresh browser context (its own cookies), reporting to `console`."""
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("console", lambda m: console.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: console.errors.append(f"uncaught: {error}"))
    return tab


@pytest.fixture
def page(browser, live_server, console):
    tab = _open_tab(browser, live_server, console)
    yield tab
    tab.context.close()


@pytest.fixture
def new_page(browser, live_server, console):
    """Opens another page in its own browser context: a second person, or the same person
    in another browser. Keyword arguments go to browser.new_context, for example
    java_script_enabled=False. Closed when the test ends."""
    opened = []

    def open_page(**context_options):
        tab = _open_tab(browser, live_server, console, **context_options)
        opened.append(tab)
        return tab

    yield open_page
    for tab in opened:
        tab.context.close()


# --- the live server ----------------------------------------------------------------------

class Outbox:
    """The .eml files the app wrote to <instance>/mail/, oldest first."""

    def __init__(self, folder: Path, base_url: str):
        self.folder = folder
        self.base_url = base_url

    def to(self, address: str) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        messages = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                    for path in sorted(self.folder.glob("*.eml"))]  # names start with a time
        return [m for m in messages if address in m["To"]]

    def subjects(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def newest(self, address: str) -> email.message.EmailMessage:
        messages = self.to(address)
        assert messages, f"no email to {address}"
        return messages[-1]

    def newest_link(self, address: str) -> str:
        """The absolute portal link in the newest message to this address."""
        body = self.body(self.newest(address))
        link = re.search(re.escape(self.base_url) + r"/\S+", body)
        assert link, f"no link to {self.base_url} in: {body}"
        return link.group(0)


@dataclass
class LiveServer:
    url: str
    app: object
    outbox: Outbox

    @contextmanager
    def data(self) -> Iterator[None]:
        """An app context for setting up data. Its session is removed on leaving, so the
        test thread holds no database connection or lock while the browser works."""
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    def make_organisation(self, name="Northern Exams Board", ukprn="10012345",
                          kind="awarding"):
        with self.data(), unit_of_work():
            return organisations.create_organisation(name, ukprn, kind).ukprn

    def make_user(self, *, ukprn="10012345", password=None, accept_terms=False, locked=False,
                  given="Jane", family="Smith", email_address="jane.smith@exams.example",
                  roles=("ab_user",)) -> dict:
        """Create a user; returns plain values (username, email, organisation), never the
        ORM object, which would be detached once the set-up session is removed."""
        with self.data(), unit_of_work():
            organisation = organisations.organisation_by_ukprn(ukprn)
            user = user_accounts.create_user(
                organisation,
                user_accounts.NewUser(given_name=given, family_name=family,
                                      email=email_address, roles=list(roles),
                                      verification_provided="staff id"),
                password=password,
            )
            if accept_terms:
                user.terms_accepted_at = utcnow()
            if locked:
                user.locked = True
                user.failed_sign_ins = TestConfig.MAX_FAILED_SIGN_INS
            db.session.flush()
            return {"username": user.username, "email": user.email,
                    "organisation": organisation.name, "full_name": user.full_name}

    def make_learner(self, uln: str, given: str = "James", family: str = "Wilson",
                     date_of_birth: date = date(2008, 3, 27), gender: str = "1",
                     **details) -> str:
        """Put a learner on the register; `details` are other Learner columns, for example
        master_uln for a linked ULN. Returns the ULN."""
        with self.data():
            db.session.add(Learner(uln=uln, given_name=given, family_name=family,
                                   date_of_birth=date_of_birth, gender=gender, **details))
            db.session.commit()
        return uln


class _QuietRequestHandler(WSGIRequestHandler):
    """No line per request (a page loads a dozen assets); errors are still logged."""

    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture
def live_server(database_url, tmp_path, app_overrides) -> Iterator[LiveServer]:
    """The app on http://127.0.0.1:<free port>, with BASE_URL naming that address so the
    links in its emails open in the browser. The socket is bound before the app is made
    (port 0: the system picks a free one) and handed to the server, so no other process
    can take the port in between. A test module changes settings with `app_overrides`."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(128)
    url = f"http://{HOST}:{listener.getsockname()[1]}"
    instance = tmp_path / "instance"
    app = create_app(TestConfig, {"DATABASE_URL": database_url, "BASE_URL": url,
                                  "SESSION_COOKIE_SECURE": False, **app_overrides},
                     instance_path=str(instance))
    server = make_server(HOST, listener.getsockname()[1], app, threaded=True,
                         request_handler=_QuietRequestHandler, fd=listener.fileno())
    listener.close()  # the server holds its own duplicate of the socket
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="lrs-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, outbox=Outbox(instance / "mail", url))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
