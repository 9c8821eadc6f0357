"""The profiling findings of issue 14, each held by a test: Find user reads folded,
indexed names in one scan; the signed-in user is one query; the session cookie is written
only when it changes; a successful HTMX verify sends only the result; static files carry
hashed names and a long lifetime; SQLite runs in WAL; a web worker does not load zxcvbn,
Alembic or Faker."""

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from flask_login import login_user
from sqlalchemy import delete, event, select, text

from tests.conftest import POSTGRES_URL
from tests.helpers import BOSS_PASSWORD, STRONG_PASSWORD, csrf_from, page, sign_in
from tests.production.servers import ROOT
from webapp.blueprints.users import rows
from webapp.extensions import db
from webapp.models import Learner, OrganisationRole, User
from webapp.services import user_search
from webapp.services.paging import Page, count_statement, paginate
from webapp.services.user_search import UserSearch


@pytest.fixture
def statements(app):
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_find_user_searches_folded_names_and_keeps_them_in_step(app, boss, make_user):
    make_user(given="Zoë", family="ÉMILE-Brontë")
    found = user_search.find_users(boss, UserSearch(given_name="ZOË", family_name="émile"))
    assert [user.given_name for user in found.items] == ["Zoë"]
    person = db.session.scalar(select(User).where(User.given_name == "Zoë"))
    person.family_name = "Øster"
    db.session.commit()
    assert user_search.find_users(boss, UserSearch(family_name="øSTER")).total == 1
    assert user_search.find_users(boss, UserSearch(family_name="émile")).total == 0
    assert user_search.find_users(boss, UserSearch(given_name="%")).total == 0, "% is literal"


@pytest.mark.parametrize("find", [user_search.find_users, user_search.find_users_listed],
                         ids=["entities", "listed"])
def test_find_user_counts_from_the_index_alone(app, boss, make_user, statements, find):
    """A count(*) OVER () in the page query was tried and measured 14 × slower at 5,000
    users (it reads every matching row); the separate count reads only the index."""
    for n in range(30):
        make_user(given=f"Person{n:02}", family="Adams")
    first = find(boss, UserSearch())
    assert first.total == 31 and len(first.items) == 25
    beyond = find(boss, UserSearch(), page=9)
    assert beyond.number == 2 and len(beyond.items) == 6
    if db.engine.dialect.name == "sqlite":
        statement = user_search._search_statement(boss.organisation_id, UserSearch())
        for bound in (None, user_search.COUNT_LIMIT):
            assert "COVERING INDEX ix_users_find_user_order" in _plan(
                count_statement(statement, bound))


@pytest.mark.parametrize("find", [user_search.find_users, user_search.find_users_listed],
                         ids=["entities", "listed"])
def test_a_page_that_is_not_full_needs_no_count(app, boss, make_user, statements, find):
    """paginate() reads the page first: a short page is the last, so its total is known;
    a full page is counted; a page past the end shows the last page with the right total."""
    for n in range(29):
        make_user(given=f"Person{n:02}", family="Adams")
    db.session.expire_all()

    def counted(search, page=1):
        statements.clear()
        found = find(boss, search, page)
        return found, sum("count(" in s.lower() for s in statements)

    narrow, counts = counted(UserSearch(given_name="Person0"))
    assert (narrow.total, len(narrow.items), narrow.pages, counts) == (10, 10, 1, 0)
    none, counts = counted(UserSearch(given_name="nobody"))
    assert (none.total, none.number, counts) == (0, 1, 0)
    full, counts = counted(UserSearch())
    assert (full.total, len(full.items), full.pages, counts) == (30, 25, 2, 1)
    second, counts = counted(UserSearch(), page=2)
    assert (second.total, second.number, len(second.items), counts) == (30, 2, 5, 0)
    beyond, counts = counted(UserSearch(), page=7)
    assert (beyond.total, beyond.number, len(beyond.items), counts) == (30, 2, 5, 1)


@pytest.mark.parametrize(("pages", "number", "shown"), [
    (1, 1, [1]),
    (10, 4, [1, 2, 3, 4, 5, 6, None, 10]),
    (10, 5, [1, None, 3, 4, 5, 6, 7, None, 10]),
    (2000, 1, [1, 2, 3, None, 2000]),
    (2000, 1000, [1, None, 998, 999, 1000, 1001, 1002, None, 2000]),
])
def test_pagination_shows_the_ends_and_the_pages_near_this_one(pages, number, shown):
    """Worked out from a handful of candidates, not a loop over every page (2,000 at
    50,000 users); None is the ellipsis one step beyond the pages shown."""
    assert Page(items=[], number=number, per_page=25, total=pages * 25).numbers() == shown


@pytest.mark.parametrize(("total", "number", "shown"), [
    (50, 2, [1, 2, None]),
    (1000, 1, [1, 2, 3, None]),
    (1000, 40, [1, None, 38, 39, 40, None]),
])
def test_past_a_bounded_count_the_pages_end_in_an_ellipsis_not_a_last_page(total, number,
                                                                          shown):
    bounded = Page(items=[], number=number, per_page=25, total=total, exact=False)
    assert bounded.numbers() == shown and bounded.has_next


def test_a_bounded_count_stops_but_every_page_stays_reachable(app, boss, make_user):
    """Counting stops past the bound (or past this page, if further): the total is then a
    floor, and Next is offered; the page that holds the last match counts exactly."""
    for n in range(30):
        make_user(given=f"Person{n:02}", family="Adams")
    statement = user_search._search_statement(boss.organisation_id, UserSearch())

    def paged(number):
        found = paginate(statement, number, per_page=5, count_limit=10)
        return found.number, found.total, found.exact, found.has_next, len(found.items)

    assert paged(1) == (1, 10, False, True, 5)
    assert paged(3) == (3, 15, False, True, 5), "the bound moves out with the page"
    assert paged(7) == (7, 31, True, False, 1)
    assert paged(9) == (7, 31, True, False, 1), "past the end: the last page"
    assert paginate(statement, 1, per_page=5).exact, "no bound: an exact count"


def test_find_user_past_the_bound_says_more_than_and_offers_next(app, boss, make_user,
                                                                 client, monkeypatch):
    monkeypatch.setattr(user_search, "COUNT_LIMIT", 25)
    for n in range(30):
        make_user(given=f"Person{n:02}", family="Adams")
    sign_in(client, boss.username, BOSS_PASSWORD)
    first = page(client.get("/users"))
    assert first.find(id="roles-used").get_text().startswith("More than 25 users found")
    assert "download these users as CSV" in first.find(id="count-hint").get_text()
    nav = first.find("nav", class_="govuk-pagination")
    assert nav.find("a", rel="next")["href"].startswith("/users?page=2")
    assert [a.get_text(strip=True) for a in nav.select(".govuk-pagination__item a")] == ["1"]
    last = page(client.get("/users?page=2"))
    assert last.find(id="roles-used").get_text().startswith("31 users found")
    assert not last.find(id="count-hint")
    assert not last.find("nav", class_="govuk-pagination").find("a", rel="next")


@pytest.mark.parametrize("find", [user_search.find_users, user_search.find_users_listed],
                         ids=["entities", "listed"])
def test_a_page_is_read_as_ids_then_rows_in_the_same_order(app, boss, make_user, statements,
                                                            find):
    """Find user pages the ids alone (from the index), and reads those users in the same
    statement: one round trip for the page, and a count only after a full page."""
    for n in range(30):
        make_user(given=f"Person{n:02}", family=("Smith", "Adams", "Ó Briain")[n % 3])
    search = UserSearch(given_name="person")
    statement = user_search._search_statement(boss.organisation_id, search)
    for number in (1, 2):
        statements.clear()
        found = find(boss, search, number)
        pages = [s for s in statements if "IN (SELECT users.id" in " ".join(s.split())]
        assert len(pages) == 1 and " LIMIT " in pages[0]
        counts = [s for s in statements if "count(" in s]
        assert len(counts) == (1, 0)[number - 1]  # after a full page only
        assert [u.id for u in found.items] == [u.id for u in paginate(statement, number).items]
        assert len(found.items) == (25, 5)[number - 1]


def test_find_users_table_rows_are_those_the_entities_give(app, boss, make_user):
    """Find user's table reads plain columns, not User entities: every row it shows, and
    the Suspend / Reinstate / Unlock it offers, are what the entities would give, for
    accounts of every status, locked or not, with a title or none, signed in or never."""
    accounts = [make_user(given=f"Row{n}", family="Check", roles=roles) for n, roles in
                enumerate([("ab_user",), ("super_user", "ab_user"), ("qcf_user", "ab_user"),
                           ("ab_user",), ("ab_user",)])]
    accounts[0].title, accounts[0].last_sign_in_at = "Dr", datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    accounts[1].locked = True
    accounts[2].status = "Suspended"
    accounts[3].status = "Inactive"
    accounts[4].locked, accounts[4].status = True, "Suspended"
    db.session.commit()
    for search in (UserSearch(family_name="check", status=""), UserSearch(status="")):
        with app.test_request_context():
            login_user(boss)
            listed = user_search.find_users_listed(boss, search)
            entities = user_search.find_users(boss, search)
            assert (listed.number, listed.total, listed.exact) == (
                entities.number, entities.total, entities.exact)
            shown = rows.rows_for(listed.items)
            assert shown == rows.rows_for(entities.items)
    assert len(shown) == 6  # the five and the boss
    offered = {row.name: (bool(row.suspend_url), bool(row.reinstate_url), bool(row.unlock_url))
               for row in shown}
    assert offered == {"Dr Row0 Check": (True, False, False),
                       "Row1 Check": (True, False, True), "Row2 Check": (False, True, False),
                       "Row3 Check": (True, False, False), "Row4 Check": (False, True, True),
                       "Bea Boss": (False, False, False)}


def test_find_users_table_reads_columns_not_whole_accounts(app, boss, make_user, statements):
    """The table's rows come from the columns they show (no password hash, session token
    or organisation joined in), in the order of the page's ids."""
    for n in range(30):
        make_user(given=f"Person{n:02}", family=("Smith", "Adams")[n % 2])
    assert boss.roles and boss.organisation.kind  # the signed-in user, loaded already
    statements.clear()
    listed = user_search.find_users_listed(boss, UserSearch(given_name="person"))
    read = " ".join(statements)
    assert "password_hash" not in read and "session_token" not in read
    assert "organisations" not in read
    entities = user_search.find_users(boss, UserSearch(given_name="person"))
    assert [user.username for user in listed.items] == [user.username for user in entities.items]
    assert len(listed.items) == 25


def test_find_users_table_reads_the_roles_with_the_rows(app, boss, make_user, statements):
    """Each row's roles come in the statement that reads the rows: no third round trip."""
    make_user(given="Quinn", family="Roles", roles=("qcf_user", "ab_user", "edc_resolver"))
    make_user(given="Una", family="Roles", roles=("ab_user",))
    assert boss.roles and boss.organisation.kind  # the signed-in user, loaded already
    statements.clear()
    listed = user_search.find_users_listed(boss, UserSearch(family_name="roles"))
    assert {user.given_name: user.roles for user in listed.items} == {
        "Quinn": {"qcf_user", "ab_user", "edc_resolver"}, "Una": {"ab_user"}}
    assert len(statements) == 1  # the page's ids and its rows (a short page: no count)
    assert "user_roles" in statements[0]


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite's indexes end with the rowid already")
def test_the_ordering_index_carries_the_id_on_postgresql(app, boss):
    """Migration 0008: a page's ids come from the index alone, so LIKE '%text%' is checked
    on index entries rather than on a row fetched for each."""
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
    ids = user_search._search_statement(boss.organisation_id, UserSearch(family_name="mit"))
    plan = _plan(ids.with_only_columns(User.id).limit(25))
    assert "Index Only Scan using ix_users_find_user_order" in plan


def test_the_default_listing_reads_the_index(app, boss):
    plan = _plan(user_search._search_statement(boss.organisation_id, UserSearch()))
    assert "ix_users_find_user_order" in plan
    assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan.split("ix_users")[0]


@pytest.mark.skipif(not POSTGRES_URL, reason="pg_trgm is a PostgreSQL index")
def test_name_search_can_use_the_trigram_index_on_postgresql(app, boss):
    # A handful of rows in a test: the planner would rightly scan; forbid that to see
    # that the trigram index can answer a substring search at all. The ordering index
    # (which could be read whole) is dropped for the question, and the drop rolled back.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_indexscan = off"))
    question = db.session.begin_nested()
    db.session.execute(text("DROP INDEX ix_users_find_user_order"))
    plan = _plan(select(User.id).where(user_search._contains(User.search_family_name, "mith")))
    question.rollback()
    assert "ix_users_search_family_name_trgm" in plan


def _plan(statement) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    return "\n".join(" ".join(map(str, row)) for row in db.session.execute(
        text(explain + str(compiled))))


def test_the_signed_in_user_is_loaded_in_one_query(client, user, statements):
    sign_in(client, user.username)
    statements.clear()
    assert client.get("/account").status_code == 200
    loads = [s for s in statements if "WHERE users.session_token" in s]
    assert len(loads) == 1
    assert not any(s.lstrip().startswith("SELECT user_roles") for s in statements), \
        "the roles come with the user"


def test_a_super_users_page_reads_the_grantable_roles_with_the_user(client, boss, statements):
    """The roles the organisation may grant (the menu, Find user's role boxes) come in the
    signed-in user's query, and a change to them shows on the next page."""
    sign_in(client, boss.username, BOSS_PASSWORD)
    statements.clear()
    found = page(client.get("/users"))
    assert not any(s.lstrip().startswith("SELECT organisation_roles") for s in statements)
    assert found.find("input", attrs={"name": "roles", "value": "qcf_user"})
    db.session.execute(delete(OrganisationRole).where(
        OrganisationRole.organisation_id == boss.organisation_id,
        OrganisationRole.role == "qcf_user"))
    db.session.commit()
    found = page(client.get("/users"))
    assert not found.find("input", attrs={"name": "roles", "value": "qcf_user"})
    assert found.find("input", attrs={"name": "roles", "value": "ab_user"})


def test_the_session_cookie_is_not_rewritten_on_every_page(client, user):
    sign_in(client, user.username)
    client.get("/account")
    again = client.get("/account")
    assert again.status_code == 200 and "Set-Cookie" not in again.headers


@pytest.fixture
def verifier(client, make_user):
    db.session.add(Learner(uln="1000000043", given_name="James", family_name="Smith",
                           date_of_birth=date(2008, 5, 1), gender="1"))
    db.session.commit()
    sign_in(client, make_user(roles=["ab_user"]).username)
    return client


def _verify(client, **extra):
    form = client.get("/learner-verification/verify")
    data = {"csrf_token": csrf_from(form), "uln": "1000000043", "given_name": "James",
            "family_name": "Smith", "date_of_birth": ["1", "5", "2008"], "gender": "1",
            **extra}
    return client.post("/learner-verification/verify", data=data,
                       headers={"HX-Request": "true", "HX-Target": "verify-panel"})


def test_a_successful_htmx_verify_sends_only_the_result(verifier):
    response = _verify(verifier, shown_without_errors="1")
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#verify-result"
    html = page(response)
    assert html.find("form") is None, "the form on screen stays as it is"
    assert html.find(id="result-heading").get_text(" ", strip=True) == "VRC001 – Exact match"
    assert html.find(id="verify-errors")["hx-swap-oob"] == "true"


def test_after_errors_the_whole_panel_comes_back(verifier):
    """A form showing errors must be redrawn without them: the hidden field is absent
    from a form rendered with errors, so the next answer is the panel."""
    refused = _verify(verifier, uln="1000000042")
    assert page(refused).find("input", attrs={"name": "shown_without_errors"}) is None
    response = _verify(verifier)
    assert "HX-Retarget" not in response.headers and page(response).find("form")


def test_static_files_have_hashed_names_and_a_long_lifetime(client, user):
    html = page(client.get("/sign-in"))
    stylesheet = html.find("link", rel="stylesheet", href=lambda h: "app." in h)["href"]
    assert stylesheet != "/static/css/app.css" and stylesheet.endswith(".css")
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "max-age=3600, public"


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite only")
def test_sqlite_runs_in_wal_mode(app):
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def _in_a_fresh_interpreter(code: str, instance_path,
                            **environment: str) -> subprocess.CompletedProcess:
    """Run code as a new worker process would: nothing imported yet."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True,
                          env={"LRS_INSTANCE_PATH": str(instance_path), "PATH": "/usr/bin",
                               **environment})


def test_a_web_worker_does_not_load_zxcvbn_alembic_or_faker(tmp_path):
    """Nor, until it queues a task, the task queue (huey, whose storage module imports
    psycopg and redis: about 40 MiB); nor redis when no REDIS_URL is set; nor, until a
    batch file is sealed or opened, cryptography (its OpenSSL binding: about 7 MiB); nor,
    until it builds an email or reads an XML file, Flask-Mail and defusedxml (with the
    email package's MIME modules and the XML parser: about 1.6 MiB); nor the batch runner's
    pool of helper processes (multiprocessing: about 1.5 MiB)."""
    code = ("import sys, wsgi; print(sorted(m for m in ('zxcvbn', 'alembic', 'faker', "
            "'huey', 'redis', 'psycopg', 'cryptography', 'flask_mail', 'email.mime', "
            "'defusedxml', 'xml.etree', 'multiprocessing', 'webapp.jobs.batch_run') "
            "if m in sys.modules))")
    output = _in_a_fresh_interpreter(code, tmp_path)
    assert output.stdout.strip() == "[]"


def test_a_postgresql_web_worker_does_not_load_sqlite(tmp_path):
    """sqlite3 (with its library: about 1 MiB a worker) is for the embedded default alone."""
    code = ("import sys, wsgi; from webapp.extensions import db\n"
            "with wsgi.app.app_context(): print(db.engine.dialect.name, 'sqlite3' in sys.modules)")
    output = _in_a_fresh_interpreter(code, tmp_path,
                                     DATABASE_URL="postgresql://postgres@127.0.0.1:5432/postgres")
    assert output.stdout.strip() == "postgresql False"


def test_mail_is_set_up_when_the_first_message_is_built(tmp_path):
    """Flask-Mail joins the app with the first message, with the app's own settings."""
    code = ("import sys, wsgi\n"
            "wsgi.app.config['MAIL_DEFAULT_SENDER'] = 'lrs@example.org'\n"
            "from webapp.services import mailer\n"
            "with wsgi.app.app_context():\n"
            "    message = mailer._message('a@example.org', 'Hello', 'locked', user=None)\n"
            "print('flask_mail' in sys.modules, message.sender, "
            "wsgi.app.extensions['mail'].default_sender)")
    output = _in_a_fresh_interpreter(code, tmp_path)
    assert output.stdout.strip() == "True lrs@example.org lrs@example.org"


def test_the_task_queue_loads_when_first_used(tmp_path):
    """The first task a web worker queues loads huey with the app's storage."""
    code = ("import sys, wsgi\n"
            "from webapp.jobs import queue\n"
            "assert 'huey' not in sys.modules\n"
            "from webapp.jobs import tasks\n"
            "print(type(queue.huey.storage).__name__, queue.huey.immediate)")
    output = _in_a_fresh_interpreter(code, tmp_path)
    assert output.stdout.strip() == "SqliteStorage False"


def test_names_plainly_unrelated_do_not_load_the_name_lists(tmp_path):
    """The lists of real names (Faker's, gender-guesser's, census surnames: about 16 MiB and
    half a second) are read only when two names could be spellings or slips of each other,
    not for James Smith against Olusegun Adeyemi; James Smith against Jmaes Smith reads them."""
    code = ("from datetime import date\n"
            "from webapp.rules import matching, names\n"
            "loaded = names._known_lists.cache_info\n"
            "from webapp.rules.learner_data import LearnerDetails\n"
            "held = LearnerDetails('9999999999', 'Olusegun', 'Adeyemi', date(2008, 5, 1), '1')\n"
            "supplied = matching.Supplied('9999999999', 'James', 'Smith', None, '1')\n"
            "print(matching.verify(supplied, held).code, loaded().currsize)\n"
            "held = LearnerDetails('9999999999', 'James', 'Smith', date(2008, 5, 1), '1')\n"
            "supplied = matching.Supplied('9999999999', 'Jmaes', 'Smith', None, '1')\n"
            "print(matching.verify(supplied, held).code, loaded().currsize)")
    output = _in_a_fresh_interpreter(code, tmp_path)
    assert output.stdout.split() == ["VRC005", "0", "VRC003", "1"]


def test_passwords_are_still_checked_when_zxcvbn_loads_late(client, user):
    response = sign_in(client, user.username, STRONG_PASSWORD)
    assert response.status_code == 302
    assert BOSS_PASSWORD  # imported for symmetry with the other tests' users
