"""What the web and service tests share: passwords, a browser-like `submit()`, the mail
outbox, parsed pages, and the structure check every rendered page passes.

Every HTML response the test client receives is checked by `check_structure` (see
conftest.IsolatedClient), the way Notify admin's test client checks each page: a test
that renders a broken page fails even when it asserts on something else."""

import email
import email.policy
import re
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup

from webapp.services.unit_of_work import unit_of_work

STRONG_PASSWORD = "correct horse battery staple"  # 28 characters, not a common password
BOSS_PASSWORD = "the boss has a long password"  # super users need 15 characters or more
HTMX = {"HX-Request": "true"}


def htmx_to(target_id: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target_id}


def committed(function, *args, **kwargs):
    """Call a service function in its own unit of work, as a channel would."""
    with unit_of_work():
        return function(*args, **kwargs)


# --- pages ----------------------------------------------------------------------------------

def migrations_head() -> str:
    """The newest migration's revision: where `lrs init` leaves a database."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory(str(Path(__file__).parent.parent / "migrations")).get_current_head()


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def h1_text(response) -> str:
    return page(response).find("h1").get_text(" ", strip=True)


def csrf_from(response) -> str:
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "page has no CSRF token"
    return field["value"]


def error_summary(response) -> list[str]:
    summary = page(response).select(".govuk-error-summary__list li")
    return [item.get_text(" ", strip=True) for item in summary]


def submit(client, path, data, *, get_path=None, **kwargs):
    """GET the form (for its CSRF token), then POST it, as a browser would."""
    form_page = client.get(get_path or path)
    return client.post(path, data={"csrf_token": csrf_from(form_page), **data}, **kwargs)


def open_link(client, link: str) -> str:
    """Follow an emailed link as a browser does: the first GET moves the token into the
    session and redirects to a clean address, which this returns."""
    response = client.get(link)
    assert response.status_code == 302, f"{link} answered {response.status_code}"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    clean = response.headers["Location"]
    assert link.rsplit("/", 1)[-1] not in clean, "the token stays out of the address"
    return clean


def sign_in(client, username, password=STRONG_PASSWORD):
    return submit(client, "/sign-in", {"username": username, "password": password})


class PageStructureError(AssertionError):
    pass


def _squash(text: str) -> str:
    return " ".join(text.split())


def structure_problems(html: str, fragment: bool) -> list[str]:
    """What is wrong with a rendered page or fragment; empty when nothing is."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    problems += [f"id “{name}” is used {count} times" for name, count in ids.items()
                 if count > 1]
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        if form.get("action") is None:
            problems.append(f"a POST form has no action: {str(form)[:120]}")
        if not form.find("input", attrs={"name": "csrf_token"}):
            problems.append(f"a POST form has no CSRF token: {str(form)[:120]}")
    if fragment:
        if soup.find("html") or soup.find("body"):
            problems.append("a fragment contains a whole page")
        return problems
    headings = soup.find_all("h1")
    if len(headings) != 1:
        problems.append(f"the page has {len(headings)} h1 elements")
        return problems
    title = _squash(soup.title.get_text()) if soup.title else ""
    heading = _squash(headings[0].get_text(" "))
    shows_errors = bool(soup.select(".govuk-error-summary"))
    if shows_errors != title.startswith("Error: "):
        problems.append(f"title “{title}” should {'' if shows_errors else 'not '}start with "
                        "‘Error: ’")
    if not title.removeprefix("Error: ").startswith(heading):
        problems.append(f"title “{title}” does not start with the h1 “{heading}”")
    return problems


def check_structure(response, request_headers) -> None:
    if response.mimetype != "text/html" or "attachment" in response.headers.get(
            "Content-Disposition", ""):
        return
    html = response.get_data(as_text=True)
    if not html.strip():
        return
    fragment = request_headers.get("HX-Request") == "true" and "<html" not in html
    if problems := structure_problems(html, fragment):
        raise PageStructureError(f"{response.request.method} {response.request.path}: "
                                 + "; ".join(problems))


# --- mail -----------------------------------------------------------------------------------

class Outbox:
    """The .eml files the app wrote to its instance folder, oldest first."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def messages(self):
        if not self.folder.exists():
            return []
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(self.folder.glob("*.eml"))]

    def to(self, address: str):
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def last_link(self, address: str) -> str:
        """The path of the last portal link sent to this address."""
        body = self.body(self.to(address)[-1])
        url = re.search(r"http://lrs\.test(/\S+)", body)
        assert url, f"no link in: {body}"
        return url.group(1)


# --- people for the pure rules ------------------------------------------------------------

class FakeOrganisation:
    def __init__(self, kind: str, organisation_id: int = 1, grantable=None):
        from webapp.rules.roles import ROLES_BY_KIND

        self.id, self.kind = organisation_id, kind
        self.grantable_roles = set(grantable if grantable is not None else ROLES_BY_KIND[kind])


class FakePerson:
    """What rules/permissions.py needs of a user, without a database."""

    _ids = iter(range(1000, 10**6))

    def __init__(self, roles, kind="awarding", organisation_id=1, status="Active",
                 locked=False, grantable=None):
        self.id = next(self._ids)
        self.roles = set(roles)
        self.organisation = FakeOrganisation(kind, organisation_id, grantable)
        self.organisation_id = organisation_id
        self.status, self.locked = status, locked


def person(roles, kind="awarding", **kwargs) -> FakePerson:
    return FakePerson(roles, kind, **kwargs)


class AsChannel:
    """Service modules whose functions each run in their own unit of work, the way a
    channel (a request, a CLI command) calls them:

        users = AsChannel(user_management, user_search)
        users.suspend_user(boss, staff.id, "left")  # committed, or rolled back if refused

    Classes and constants pass through unchanged."""

    def __init__(self, *modules):
        self._modules = modules

    def __getattr__(self, name):
        import functools
        import inspect

        for module in self._modules:
            if hasattr(module, name):
                value = getattr(module, name)
                if inspect.isfunction(value):
                    return functools.partial(committed, value)
                return value
        raise AttributeError(name)
