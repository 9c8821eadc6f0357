"""Sending email. With MAIL_SERVER set, mail goes over SMTP via Flask-Mail; without it,
each message is written as an .eml file under instance/mail/ and logged, so a newcomer
sees every link the service sends without running a mail server.

Messages never carry learner data: they link to the portal instead."""

import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_mail import Message

from webapp.extensions import mail

log = logging.getLogger(__name__)


def outbox_folder() -> Path:
    return Path(current_app.instance_path) / "mail"


def portal_url(path: str) -> str:
    """An absolute link into the portal, always from BASE_URL, never the request's Host."""
    return current_app.config["BASE_URL"] + path


def send_email(to: str, subject: str, template: str, **context) -> None:
    """Render templates/email/<template>.txt and send it to one address."""
    # Rendered without the page context processors: mail is sent outside requests too.
    body = current_app.jinja_env.get_template(f"email/{template}.txt").render(
        service_name=current_app.config["SERVICE_NAME"],
        service_desk_email=current_app.config["SERVICE_DESK_EMAIL"],
        **context,
    )
    message = Message(subject=subject, recipients=[to], body=body)
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
        log.info("Email ‘%s’ sent to %s", subject, to)
        return
    folder = outbox_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    log.warning("Email ‘%s’ to %s written to %s (no MAIL_SERVER set)", subject, to, path)
