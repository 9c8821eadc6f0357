"""Sending email. With MAIL_SERVER set, mail goes over SMTP via Flask-Mail; without it,
each message is written as an .eml file under instance/mail/ and logged, so a newcomer
sees every link the service sends without running a mail server.

Messages never carry learner data: they link to the portal instead."""

import logging
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from webapp.services.unit_of_work import after_commit

if TYPE_CHECKING:
    from flask_mail import Message

log = logging.getLogger(__name__)


# Messages wait here for their SMTP round trip. Threads that are not daemons: at exit the
# interpreter waits for queued mail to go. (The task queue takes this over when it arrives.)
_smtp_senders = ThreadPoolExecutor(max_workers=2, thread_name_prefix="smtp")


def _flask_mail():
    """Flask-Mail, set up on this app when the first message is built: a web worker that
    sends no mail does not carry it and the email package's MIME modules (about 1 MiB).
    It reads the app's MAIL_* settings then, as `Mail(app)` at start-up would."""
    import flask_mail

    app = current_app._get_current_object()
    if "mail" not in app.extensions:
        flask_mail.Mail(app)
    return flask_mail


def _send_over_smtp(app, message: "Message") -> None:
    with app.app_context():
        try:
            app.extensions["mail"].send(message)
            log.info("Email ‘%s’ sent to %s", message.subject, ", ".join(message.recipients))
        except Exception:
            log.exception("Email ‘%s’ could not be sent", message.subject)


def outbox_folder() -> Path:
    return Path(current_app.instance_path) / "mail"


def portal_url(path: str) -> str:
    """An absolute link into the portal, always from BASE_URL, never the request's Host."""
    return current_app.config["BASE_URL"] + path


def send_email(to: str, subject: str, template: str, **context) -> None:
    """Render templates/email/<template>.txt now and send it to one address when the
    current unit of work commits: a change that is rolled back sends nothing."""
    message = _message(to, subject, template, **context)
    after_commit(lambda: send_now(message))


def _message(to: str, subject: str, template: str, **context) -> "Message":
    # Rendered without the page context processors: mail is sent outside requests too.
    body = current_app.jinja_env.get_template(f"email/{template}.txt").render(
        service_name=current_app.config["SERVICE_NAME"],
        service_desk_email=current_app.config["SERVICE_DESK_EMAIL"],
        **context,
    )
    return new_message(to, subject, body)


def new_message(to: str, subject: str, body: str) -> "Message":
    """A plain-text message from the service's sender (Flask-Mail's Message, which reads
    the app's mail settings: build messages here, not with flask_mail directly)."""
    return _flask_mail().Message(subject=subject, recipients=[to], body=body)


def send_now(message: "Message") -> None:
    if current_app.config.get("MAIL_SERVER"):
        # Sent off the request thread: an SMTP round trip must not make the answer for a
        # real account slower than for an unknown one (‘I have forgotten my password’).
        app = current_app._get_current_object()
        _smtp_senders.submit(_send_over_smtp, app, message)
        return
    folder = outbox_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    # The files hold live links: readable by the owner only, whatever the umask.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(message.as_bytes())
    log.warning("Email ‘%s’ to %s written to %s (no MAIL_SERVER set)", message.subject,
                ", ".join(message.recipients), path)
