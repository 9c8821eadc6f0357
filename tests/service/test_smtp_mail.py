"""Mail through a real SMTP server on loopback (aiosmtpd), read back as it arrived."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from tests.helpers import AsChannel
from webapp.services import organisations, user_accounts

# Each call in its own unit of work, committed or rolled back, as a channel makes it.
organisations = AsChannel(organisations)
user_accounts = AsChannel(user_accounts)


class Inbox(MessageHandler):
    def __init__(self):
        super().__init__()
        self.received = []

    def handle_message(self, message):
        self.received.append(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app_overrides(smtp_server):
    controller, _ = smtp_server
    return {"MAIL_SERVER": controller.hostname, "MAIL_PORT": controller.port}


def test_welcome_email_is_delivered_over_smtp(organisation, smtp_server, outbox):
    _, inbox = smtp_server
    user = user_accounts.create_user(organisation, user_accounts.NewUser(
        given_name="Sam", family_name="Mailer", email="sam.mailer@exams.example",
        roles=["ab_user"]))
    deadline = time.monotonic() + 10  # mail leaves on a background thread
    while time.monotonic() < deadline and not inbox.received:
        time.sleep(0.02)
    (message,) = [m for m in inbox.received if m["To"] == "sam.mailer@exams.example"]
    assert message["From"] == "do-not-reply@education.gov.uk"
    assert message["Subject"] == "Complete your Learning Records Service registration"
    body = message.get_payload(decode=True).decode()
    assert user.username in body and "http://lrs.test/register/" in body
    assert outbox.messages == [], "with MAIL_SERVER set nothing is written to the folder"
