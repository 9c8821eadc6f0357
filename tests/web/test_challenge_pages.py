"""Event data challenges, every screen as a page and (where htmx aims at it) as a
fragment: the provider's record and raise form, the resolver's list, bulk and inline status
changes and Process, the service desk's read-only view and report history."""

from datetime import date
from urllib.parse import unquote

import pytest

from tests.achievement_data import (
    ANN,
    JAMES,
    load_registers,
    qcf_user,
    two_achievements_of_james,
)
from tests.helpers import (
    committed,
    csrf_from,
    error_summary,
    h1_text,
    htmx_to,
    page,
    sign_in,
)
from webapp.extensions import db
from webapp.models import Challenge
from webapp.rules.challenges import Proposal, Status
from webapp.services import challenges

RESULTS = htmx_to("challenge-results")
WRONG_GRADE = Proposal("wrong_information", "grade", "6", notes="The grade was 6",
                       contact="Exams office")


@pytest.fixture
def world(app, make_user, organisation, other_organisation, provider_organisation,
          desk_organisation):
    load_registers()
    owner = qcf_user(make_user)
    first, second = two_achievements_of_james(owner)
    return {
        "owner": owner, "first": first, "second": second,
        "resolver": make_user(roles=["edc_resolver", "qcf_user"], given="Rita",
                              family="Resolver", email_address="rita@exams.example"),
        "rival": make_user(roles=["edc_resolver"], org=other_organisation, given="Rory",
                           family="Rival", email_address="rory@southern.example"),
        "provider": make_user(roles=["provider_user"], org=provider_organisation, given="Pat",
                              family="Provider", email_address="pat@college.example"),
        "desk": make_user(roles=["service_desk"], org=desk_organisation, given="Desmond",
                          family="Desk", email_address="desmond@desk.example"),
    }


def raised(world, proposal=WRONG_GRADE, achievement="first"):
    return committed(challenges.raise_challenge, world["provider"], JAMES,
                     world[achievement].id, proposal)


def status_of(challenge) -> str:
    return db.session.scalar(db.select(Challenge.status).where(Challenge.id == challenge.id))


def as_(client, world, who):
    sign_in(client, world[who].username)
    return client


def post(client, path, data, form_page="/account", **kwargs):
    token = csrf_from(client.get(form_page))
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def view_record(client, uln=JAMES, given="James", family="Smith"):
    return post(client, "/learner-record", {"uln": uln, "given_name": given,
                                            "family_name": family})


# --- the provider ----------------------------------------------------------------------------

def test_a_verified_learner_shows_the_record_and_its_flags(client, world):
    as_(client, world, "provider")
    assert h1_text(client.get("/learner-record")) == "View learner record"
    raised(world)
    response = view_record(client)
    assert response.status_code == 200
    html = page(response)
    rows = html.select("#learner-achievements tbody tr")
    assert len(rows) == 2
    first = html.find(id=f"record-achievement-{world['first'].id}").get_text(" ")
    assert "Under data challenge" in first and "Northern Exams Board" in first
    assert "Under data challenge" not in html.find(
        id=f"record-achievement-{world['second'].id}").get_text()
    assert JAMES not in response.request.url


def test_details_that_do_not_verify_say_why_and_show_nothing(client, world):
    as_(client, world, "provider")
    response = view_record(client, ANN, "James", "Smith")
    assert response.status_code == 422
    assert error_summary(response) and page(response).find(id="record-not-shown")
    assert not page(response).find(id="learner-achievements")
    assert error_summary(view_record(client, "123", "", ""))


def test_raising_a_challenge(client, world, outbox):
    as_(client, world, "provider")
    view_record(client)
    path = f"/learner-record/challenge?achievement={world['first'].id}"
    form = client.get(path)
    assert h1_text(form) == "Raise a data challenge"
    legends = [legend.get_text(strip=True) for legend in page(form).select("legend")]
    assert legends == ["Why are you challenging this achievement?", "What is wrong?",
                       "Why does it not belong to this learner?"]
    empty = post(client, "/learner-record/challenge", {"achievement": world["first"].id},
                 form_page=path)
    assert len(error_summary(empty)) == 3  # the type, notes and contact: all at once
    refused = post(client, "/learner-record/challenge", {
        "achievement": world["first"].id, "type": "wrong_information"}, form_page=path)
    assert refused.status_code == 422
    assert len(error_summary(refused)) == 4  # what is wrong, its value, notes, contact
    done = post(client, "/learner-record/challenge", {
        "achievement": world["first"].id, "type": "wrong_information", "wrong_reason": "grade",
        "proposed_value": "6", "notes": "Certificate says 6", "contact": "Pat, 0123"},
        form_page=path)
    assert done.status_code == 302 and done.headers["Location"] == "/my-challenges"
    mine = client.get("/my-challenges")
    assert "Open" in page(mine).find(id="raised-challenges").get_text()
    assert len(outbox.to("rita@exams.example")) == 1
    again = post(client, "/learner-record/challenge", {
        "achievement": world["first"].id, "type": "wrong_information", "wrong_reason": "grade",
        "proposed_value": "6", "notes": "again", "contact": "Pat"}, form_page=path)
    assert again.status_code == 422 and "already has an open challenge" in again.text


def test_a_duplicate_picks_the_other_achievement(client, world):
    as_(client, world, "provider")
    view_record(client)
    path = f"/learner-record/challenge?achievement={world['first'].id}"
    done = post(client, "/learner-record/challenge", {
        "achievement": world["first"].id, "type": "duplicate",
        "duplicate_of": world["second"].id, "notes": "Uploaded twice", "contact": "Pat"},
        form_page=path)
    assert done.status_code == 302
    assert db.session.scalar(db.select(Challenge.duplicate_achievement_id)) == \
        world["second"].id


def test_an_achievement_not_on_the_viewed_record_is_not_found(client, world):
    as_(client, world, "provider")
    path = f"/learner-record/challenge?achievement={world['first'].id}"
    first = client.get(path)  # no record viewed yet: sent to search for the learner
    assert first.status_code == 302 and first.headers["Location"] == "/learner-record"
    assert "Search for the learner first" in client.get("/learner-record").text
    view_record(client, ANN, "Ann", "Lee")
    assert client.get(path).status_code == 404  # James's achievement, Ann's record
    assert client.get("/learner-record/challenge").status_code == 302


# --- the resolver's list ---------------------------------------------------------------------

def test_the_list_and_its_filter_as_page_and_fragment(client, world):
    one = raised(world)
    two = raised(world, Proposal("not_this_learner", "disputed", notes="n", contact="c"))
    committed(challenges.set_status, world["resolver"], two.id, None, Status.IN_PROGRESS)
    as_(client, world, "resolver")
    listing = client.get("/challenges")
    assert h1_text(listing) == "Event Data Challenges"
    references = [row.find_all("td")[1].get_text() for row in
                  page(listing).select("#challenges tbody tr")]
    assert references == [one.reference, two.reference]
    assert page(listing).find(id="select-all")
    fragment = client.get("/challenges?status=in_progress", headers=RESULTS)
    assert "<html" not in fragment.text
    assert [row["id"] for row in page(fragment).select("#challenges tbody tr")] == [
        f"challenge-row-{two.id}"]
    assert "Event Data Challenges" in client.get("/challenges?status=open").text
    committed(challenges.set_status, world["resolver"], one.id, None, Status.UPHELD, "Fixed")
    default = page(client.get("/challenges")).select("#challenges tbody tr")
    assert [row["id"] for row in default] == [f"challenge-row-{two.id}"]  # unresolved only
    everything = page(client.get("/challenges?status=all")).select("#challenges tbody tr")
    assert len(everything) == 2


def test_bulk_in_progress_counts_what_changed_and_what_could_not(client, world):
    one = raised(world)
    two = raised(world, Proposal("not_this_learner", "disputed", notes="n", contact="c"))
    committed(challenges.set_status, world["resolver"], two.id, None, Status.REJECTED, "Fine")
    as_(client, world, "resolver")
    listing = client.get("/challenges")
    data = {"challenge": [one.id, two.id], "shown": [one.id, two.id], "action": "in_progress",
            f"version-{one.id}": one.version, f"version-{two.id}": 3,
            "csrf_token": csrf_from(listing)}
    response = client.post("/challenges/bulk", data=data, headers=RESULTS)
    assert response.status_code == 200
    outcome = page(response).find(id="bulk-outcome").get_text()
    assert "1 data challenge set to ‘In progress’" in outcome and "1 could not" in outcome
    rows = page(response).select("#challenges tbody tr")
    assert [row["id"] for row in rows] == [f"challenge-row-{one.id}", f"challenge-row-{two.id}"]
    assert rows[0].find(attrs={"data-outcome": "changed"})
    assert status_of(one) == Status.IN_PROGRESS


def test_bulk_notices_a_row_changed_meanwhile(client, world):
    one = raised(world)
    as_(client, world, "resolver")
    listing = client.get("/challenges")
    seen = one.version
    committed(challenges.set_status, world["resolver"], one.id, None, Status.IN_PROGRESS)
    response = client.post("/challenges/bulk", data={
        "challenge": one.id, "shown": one.id, "action": "resolve", "resolution": "upheld",
        "comments": "Withdrawn", f"version-{one.id}": seen, "csrf_token": csrf_from(listing)})
    assert response.status_code == 200  # the page, without htmx
    assert "changed by someone else" in page(response).find(id="bulk-outcome").get_text()
    assert status_of(one) == Status.IN_PROGRESS


def test_bulk_resolve_needs_comments_and_nothing_ticked_is_refused(client, world):
    one = raised(world)
    as_(client, world, "resolver")
    token = csrf_from(client.get("/challenges"))
    refused = client.post("/challenges/bulk", data={
        "challenge": one.id, "shown": one.id, "action": "resolve", "resolution": "rejected",
        "comments": "", "csrf_token": token})
    assert refused.status_code == 422 and error_summary(refused)
    nothing = client.post("/challenges/bulk", data={"action": "in_progress",
                                                     "csrf_token": token}, headers=RESULTS)
    assert nothing.status_code == 422 and "Select at least one" in nothing.text
    everything = client.post("/challenges/bulk", data={
        "all": "yes", "shown": one.id, "action": "resolve", "resolution": "rejected",
        "comments": "Checked: correct", f"version-{one.id}": one.version,
        "csrf_token": token}, headers=RESULTS)
    assert "1 data challenge set to ‘Resolved – Rejected’" in everything.text


def test_a_form_without_the_version_it_saw_changes_nothing(client, world):
    """A hand-made post cannot skip the check that nobody changed the row meanwhile."""
    one = raised(world)
    as_(client, world, "resolver")
    token = csrf_from(client.get("/challenges"))
    bulk = client.post("/challenges/bulk", data={
        "challenge": one.id, "shown": one.id, "action": "in_progress", "csrf_token": token},
        headers=RESULTS)
    assert "changed by someone else" in page(bulk).find(id="bulk-outcome").get_text()
    row = client.post(f"/challenges/{one.id}/status", data={
        f"status-{one.id}": "in_progress", "csrf_token": token})
    assert row.status_code == 422 and error_summary(row)
    assert status_of(one) == Status.OPEN


@pytest.mark.parametrize("number", ["²", "9" * 5000, "-1", "1.5", ""])
def test_odd_page_numbers_show_the_first_page(client, world, number):
    raised(world)
    as_(client, world, "resolver")
    response = client.get("/challenges", query_string={"page": number})
    assert response.status_code == 200 and page(response).find(id="challenges")


# --- one row in place, and Process -----------------------------------------------------------

def test_choosing_resolved_in_a_row_opens_the_comments_box(client, world):
    one = raised(world)
    as_(client, world, "resolver")
    row = htmx_to(f"challenge-row-{one.id}")
    opened = client.get(f"/challenges/{one.id}/status?status-{one.id}=upheld", headers=row)
    assert page(opened).find("textarea", id=f"comments-{one.id}")
    assert client.get(f"/challenges/{one.id}/status").status_code == 302
    token = csrf_from(client.get("/challenges"))
    refused = client.post(f"/challenges/{one.id}/status", headers=row, data={
        f"status-{one.id}": "upheld", f"version-{one.id}": one.version, "csrf_token": token})
    assert refused.status_code == 422 and "Enter additional comments" in refused.text
    assert page(refused).find("input", id=f"version-{one.id}")["value"] == str(one.version), \
        "a row re-rendered after a POST carries the version it was read at"
    done = client.post(f"/challenges/{one.id}/status", headers=row, data={
        f"status-{one.id}": "upheld", f"comments-{one.id}": "Grade corrected",
        f"version-{one.id}": one.version, "csrf_token": token})
    assert done.status_code == 200 and "Resolved – Upheld" in done.text
    assert not page(done).find("select")


def test_changing_the_choice_again_keeps_the_version_seen_and_the_focus(client, world):
    """A keyboard user arrows through the statuses: each change re-renders the row, which
    keeps the version they first saw and focus on the select. The row asks with GET and
    sends no comments: a query string is logged, comments could hold anything."""
    one = raised(world)
    seen = one.version
    as_(client, world, "resolver")
    listing = page(client.get("/challenges"))
    select = listing.find("select", id=f"status-{one.id}")
    assert "comments" not in select["hx-include"]
    committed(challenges.set_status, world["resolver"], one.id, None, Status.IN_PROGRESS)
    row = htmx_to(f"challenge-row-{one.id}")
    again = client.get(f"/challenges/{one.id}/status", headers=row, query_string={
        f"status-{one.id}": "rejected", f"version-{one.id}": seen})
    html = page(again)
    assert html.find("textarea", id=f"comments-{one.id}")
    assert html.find("input", id=f"version-{one.id}")["value"] == str(seen)
    assert not html.find("textarea", attrs={"data-focus-on-swap": True})
    unseen = page(client.get(f"/challenges/{one.id}/status", headers=row,
                             query_string={f"status-{one.id}": "rejected"}))
    assert unseen.find("input", id=f"version-{one.id}")["value"] == "0", \
        "no version sent: it cannot pass for the current one"


def test_each_row_select_shows_the_status_chosen(client, world):
    """The options are rendered once per status and reused by every row: each row still
    selects its own status, or the one just chosen, and a value that is no status
    selects nothing."""
    open_one, started = raised(world), raised(world, achievement="second")
    committed(challenges.set_status, world["resolver"], started.id, None, Status.IN_PROGRESS)
    as_(client, world, "resolver")

    def selected(html, challenge) -> list[str]:
        select = html.find("select", id=f"status-{challenge.id}")
        return [option["value"] for option in select.find_all("option", selected=True)]

    listing = page(client.get("/challenges"))
    assert selected(listing, open_one) == ["open"]
    assert selected(listing, started) == ["in_progress"]
    row = htmx_to(f"challenge-row-{open_one.id}")
    for chosen, shown in (("rejected", ["rejected"]), ("<b>nonsense</b>", [])):
        again = client.get(f"/challenges/{open_one.id}/status", headers=row, query_string={
            f"status-{open_one.id}": chosen, f"version-{open_one.id}": open_one.version})
        assert selected(page(again), open_one) == shown
        assert "<b>nonsense" not in again.text


def test_a_row_changed_without_javascript(client, world):
    one = raised(world)
    as_(client, world, "resolver")
    token = csrf_from(client.get("/challenges"))
    done = client.post(f"/challenges/{one.id}/status", data={
        f"status-{one.id}": "in_progress", f"version-{one.id}": one.version,
        "csrf_token": token})
    assert done.status_code == 302
    refused = client.post(f"/challenges/{one.id}/status", data={
        f"status-{one.id}": "rejected", f"version-{one.id}": one.version + 1,
        "csrf_token": token})
    assert refused.status_code == 422 and h1_text(refused).startswith("Process")
    assert error_summary(refused)


def test_process_shows_everything_and_resolves(client, world, outbox, app):
    one = raised(world)
    as_(client, world, "resolver")
    shown = client.get(f"/challenges/{one.id}")
    html = page(shown)
    details = html.find(id="challenge-details").get_text(" ")
    for words in ("Pat Provider", "Riverside College", "6", "The grade was 6", "Exams office"):
        assert words in details
    grade = f"/achievements/{world['first'].id}/grade"
    edit = html.find("a", href=lambda href: href and unquote(href) == (
        f"{grade}?next=/challenges/{one.id}"))
    assert edit, "Edit Grade comes back to this challenge"
    assert html.find("a", href="/achievements/withdraw")
    assert "Created" in html.find(id=f"challenged-{world['first'].id}").get_text()
    token = csrf_from(shown)
    refused = client.post(f"/challenges/{one.id}", data={
        "status": "upheld", "comments": "", "version": one.version, "csrf_token": token})
    assert refused.status_code == 422 and error_summary(refused)
    stale = client.post(f"/challenges/{one.id}", data={
        "status": "upheld", "comments": "Done", "version": one.version + 5,
        "csrf_token": token})
    assert stale.status_code == 409 or stale.status_code == 422
    assert "Someone else changed this record" in stale.text
    done = client.post(f"/challenges/{one.id}", data={
        "status": "upheld", "comments": "Grade corrected to 6", "version": one.version,
        "csrf_token": token})
    assert done.status_code == 302
    assert len(outbox.to(app.config["SERVICE_DESK_EMAIL"])) == 1
    assert page(client.get(f"/challenges/{one.id}")).find(id="resolution")


def test_edit_grade_from_process_comes_back_to_the_challenge(client, world):
    one = raised(world)
    as_(client, world, "resolver")
    path = f"/achievements/{world['first'].id}/grade?next=/challenges/{one.id}"
    form = client.get(path)
    assert page(form).find("form", action=lambda action: action and unquote(action) == path)
    saved = client.post(path, data={"grade": "6", "version": world["first"].version,
                                    "csrf_token": csrf_from(form)})
    assert saved.status_code == 302 and saved.headers["Location"] == f"/challenges/{one.id}"
    away = client.post(f"/achievements/{world['first'].id}/grade?next=https://evil.example/",
                       data={"grade": "5", "version": world["first"].version + 1,
                             "csrf_token": csrf_from(form)})
    assert away.headers["Location"] == "/achievements", "never a redirect off the site"


def test_another_organisation_gets_404_everywhere(client, world):
    one = raised(world)
    as_(client, world, "rival")
    token = csrf_from(client.get("/challenges"))
    assert client.get(f"/challenges/{one.id}").status_code == 404
    assert client.post(f"/challenges/{one.id}/status", data={
        "csrf_token": token, f"status-{one.id}": "in_progress"}).status_code == 404
    response = client.post("/challenges/bulk", data={
        "challenge": one.id, "action": "in_progress", "csrf_token": token})
    assert "not found" in response.text
    assert status_of(one) == Status.OPEN


# --- the service desk ------------------------------------------------------------------------

def test_the_desk_reads_every_organisation_and_the_report_history(client, world):
    one = raised(world)
    challenges.send_monthly_reports(date(2026, 12, 1))
    as_(client, world, "desk")
    listing = client.get("/challenges/all")
    assert h1_text(listing) == "Data challenges"
    assert one.reference in listing.text and "Northern Exams Board" in listing.text
    assert not page(listing).find("input", attrs={"type": "checkbox"})
    fragment = client.get("/challenges/all?status=upheld", headers=RESULTS)
    assert page(fragment).find(id="no-challenges")
    history = client.get("/challenges/reports")
    assert "2026-12" in history.text
    assert client.get(f"/challenges/{one.id}").status_code == 403
    detail = client.get(f"/challenges/all/{one.id}")
    assert h1_text(detail) == f"Data challenge {one.reference}"
    assert page(listing).find("a", href=f"/challenges/all/{one.id}")
    assert not page(detail).select("main form"), "read-only: no resolution form"
    assert not page(detail).select(".lrs-fix-links")
    assert client.get("/challenges/all/999999").status_code == 404


def test_a_bulk_change_of_more_than_500_is_refused_whole(client, world):
    one = raised(world)
    as_(client, world, "resolver")
    token = csrf_from(client.get("/challenges"))
    ids = [one.id, *range(10_000, 10_500)]
    response = client.post("/challenges/bulk", data={
        "challenge": ids, "shown": ids, "action": "in_progress", "csrf_token": token},
        headers=RESULTS)
    assert response.status_code == 422 and "at most 500" in response.text
    assert status_of(one) == Status.OPEN

def test_process_next_to_an_open_result_sets_it_in_progress(client, world):
    one = raised(world)
    two = raised(world, Proposal("not_this_learner", "disputed", notes="n", contact="c"))
    as_(client, world, "resolver")
    listing = client.get("/challenges")
    button = page(listing).find("button", formaction=f"/challenges/{one.id}/process")
    assert button and "Process" in button.get_text()
    token = csrf_from(listing)
    opened = client.post(f"/challenges/{one.id}/process",
                         data={"csrf_token": token, f"version-{one.id}": one.version})
    assert opened.headers["Location"] == f"/challenges/{one.id}"
    assert status_of(one) == Status.IN_PROGRESS
    seen = two.version
    committed(challenges.set_status, world["resolver"], two.id, None, Status.IN_PROGRESS)
    committed(challenges.set_status, world["resolver"], two.id, None, Status.OPEN)
    stale = client.post(f"/challenges/{two.id}/process",
                        data={"csrf_token": token, f"version-{two.id}": seen},
                        follow_redirects=True)
    assert "Someone else changed this record" in stale.text
    assert h1_text(stale) == f"Process data challenge {two.reference}"
    assert status_of(two) == Status.OPEN


def test_resolving_several_needs_a_resolution_chosen(client, world):
    """No resolution is chosen for the resolver: they pick Upheld or Rejected."""
    one = raised(world)
    as_(client, world, "resolver")
    listing = client.get("/challenges")
    radios = page(listing).select("#bulk-resolve input[name=resolution]")
    assert [r["value"] for r in radios] == ["upheld", "rejected"]
    assert not any(r.has_attr("checked") for r in radios)
    refused = client.post("/challenges/bulk", data={
        "challenge": one.id, "shown": one.id, "action": "resolve", "comments": "Checked",
        f"version-{one.id}": one.version, "csrf_token": csrf_from(listing)}, headers=RESULTS)
    assert refused.status_code == 422 and "Select a resolution" in refused.text
    assert status_of(one) == Status.OPEN
