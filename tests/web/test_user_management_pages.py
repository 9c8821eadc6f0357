"""User Management screens: full pages and the HTMX fragments, asserted on parsed HTML."""

import csv
import io
from datetime import date, timedelta

import pytest

from tests.helpers import BOSS_PASSWORD, committed, csrf_from, error_summary, page, sign_in, submit
from webapp.extensions import db
from webapp.models import UserStatus

HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client, boss):
    sign_in(client, boss.username, BOSS_PASSWORD)
    return client


def _h1(response):
    return page(response).find("h1").get_text(strip=True)


def _row_usernames(response):
    return [row.find_all("td")[1].get_text(strip=True)
            for row in page(response).select("tbody tr[id^=user-row-]")]


# --- Find user -------------------------------------------------------------------------------

def test_find_user_form_has_the_guides_fields(signed_in, boss, staff):
    response = signed_in.get("/users")
    html = page(response)
    labels = {label.get_text(strip=True) for label in html.find_all("label")}
    assert {"Given name", "Family name", "Username", "Status", "Select all"} <= labels
    assert html.find("legend", string=lambda s: s and "Select role(s)" in s)
    assert html.find("button", string=lambda s: s and "Search" in s)
    assert [o.get_text() for o in html.find("select", attrs={"name": "status"}).find_all(
        "option")] == ["Active", "Inactive", "Deleted", "Suspended"]
    assert set(_row_usernames(response)) == {boss.username, staff.username}
    headers = [th.get_text(strip=True) for th in html.select("thead th")]
    assert headers == ["Name", "Username", "Email", "Roles", "Status", "Last sign-in", "Actions"]


def test_the_form_drives_active_search_with_htmx(signed_in):
    form = page(signed_in.get("/users")).find("form", class_="lrs-find-user")
    assert form["method"] == "get" and form["hx-get"] == "/users"
    assert form["hx-target"] == "#user-results" and form["hx-push-url"] == "true"
    assert "delay:" in form["hx-trigger"]


def test_active_search_answers_with_the_results_fragment(signed_in, staff):
    response = signed_in.get("/users?given_name=sa", headers={**HTMX,
                                                              "HX-Target": "user-results"})
    text = response.get_data(as_text=True)
    assert "<html" not in text and 'id="user-results"' in text
    assert _row_usernames(response) == [staff.username]
    assert "HX-Request" in response.headers["Vary"]


def test_a_long_result_is_paged_with_links_to_the_other_pages(signed_in, make_user):
    for n in range(25):
        make_user(given=f"Person{n:02}", family="Adams")
    html = page(signed_in.get("/users?page=2"))
    nav = html.find("nav", class_="govuk-pagination")
    assert [a.get_text(strip=True) for a in nav.select(".govuk-pagination__item a")] == [
        "1", "2"]
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == "2"
    assert nav.find("a", rel="prev")["href"].startswith("/users?page=1")
    assert not nav.find("a", rel="next")
    assert len(_row_usernames(signed_in.get("/users?page=2"))) == 1  # the boss and 25 more


@pytest.mark.parametrize("number", ["100000000000000000000", "9" * 40])
def test_a_page_number_too_large_for_the_database_shows_the_last_page(
        signed_in, make_user, number):
    for n in range(25):
        make_user(given=f"Person{n:02}", family="Adams")
    response = signed_in.get(f"/users?page={number}")
    assert response.status_code == 200
    nav = page(response).find("nav", class_="govuk-pagination")
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == "2"


def test_a_boosted_or_untargeted_htmx_request_gets_the_whole_page(signed_in):
    response = signed_in.get("/users?given_name=sa", headers=HTMX)
    assert "<html" in response.get_data(as_text=True)


def test_no_match_shows_the_message_and_create_user(signed_in):
    response = signed_in.get("/users?given_name=Zed&family_name=Nobody&status=Active")
    html = page(response)
    assert html.find(id="no-users").get_text(strip=True) == (
        "No users match the selected criteria")
    create = html.find(id="user-results").find("a", string="Create user")
    assert create["href"] == "/users/new?given_name=Zed&family_name=Nobody"
    prefilled = page(signed_in.get(create["href"]))
    assert prefilled.find("input", attrs={"name": "given_name"})["value"] == "Zed"


def test_housekeeping_lists_everyone_in_a_status_and_no_other_organisation(
        signed_in, boss, staff, make_user, other_organisation):
    make_user(given="Far", family="Away", org=other_organisation)
    response = signed_in.get("/users?status=Active&all_roles=y")
    assert set(_row_usernames(response)) == {boss.username, staff.username}


def test_the_user_list_downloads_as_formula_safe_csv(signed_in, make_user):
    make_user(given="=HYPERLINK", family="Evil")
    response = signed_in.get("/users/export.csv?status=Active&all_roles=y")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["Username", "Title", "Given name", "Family name"]
    given_names = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK" in given_names and "=HYPERLINK" not in given_names


def _ticked(html) -> set[str]:
    return {box["value"] for box in html.select("input[type=checkbox]") if box.has_attr("checked")}


def test_the_role_boxes_show_what_the_search_used(signed_in, boss, staff):
    every = {"y", "super_user", "ab_batch_user", "ab_user", "qcf_record_set_user",
             "qcf_user", "edc_resolver"}
    # No role ticked means any role, and the boxes say so.
    html = page(signed_in.get("/users?status=Active"))
    assert _ticked(html) == every
    assert set(_row_usernames(signed_in.get("/users?status=Active"))) == {
        boss.username, staff.username}
    assert "with any role" in html.find(id="roles-used").get_text()
    # Without JavaScript, ticking Select all beside one role means every role.
    response = signed_in.get("/users?status=Active&all_roles=y&roles=qcf_user")
    assert _ticked(page(response)) == every
    assert len(_row_usernames(response)) == 2
    # Some roles: those boxes, Select all unticked, and the results use them.
    response = signed_in.get("/users?status=Active&roles=super_user")
    assert _ticked(page(response)) == {"super_user"}
    assert _row_usernames(response) == [boss.username]
    assert "the role LRS super user" in page(response).find(id="roles-used").get_text()


def test_super_user_count_and_advice(signed_in):
    html = page(signed_in.get("/users"))
    assert "1 active super user" in html.find(id="super-user-count").get_text()
    assert "at least 3" in html.find(class_="govuk-warning-text").get_text()
    assert html.get_text().count("1 active super user") == 1  # said once, not twice


# --- Create user -----------------------------------------------------------------------------

def _create(client, **fields):
    data = {"given_name": "Nia", "family_name": "New", "email": "nia@exams.example",
            "verification_provided": "staff id 42", "roles": ["ab_user"]}
    data.update(fields)
    return submit(client, "/users/new", data)


def test_create_user_page_offers_only_grantable_roles(signed_in):
    html = page(signed_in.get("/users/new"))
    roles = [box["value"] for box in html.find_all("input", attrs={"name": "roles"})]
    assert roles == ["super_user", "ab_batch_user", "ab_user", "qcf_record_set_user",
                     "qcf_user", "edc_resolver"]
    assert html.find("button", string=lambda s: s and "Create User" in s)
    label_for = {label.get_text(strip=True) for label in html.find_all("label")}
    assert "Verification provided" in label_for


def test_create_user_then_view_user(signed_in, outbox):
    response = _create(signed_in)
    assert response.status_code == 302
    view = signed_in.get(response.headers["Location"])
    assert _h1(view) == "Nia New"
    assert "nia.new" in page(view).get_text() and "Inactive" in page(view).get_text()
    assert page(view).find("button", string="Resend Welcome Email")
    assert len(outbox.to("nia@exams.example")) == 1


def test_create_user_errors_are_listed(signed_in):
    response = _create(signed_in, verification_provided="", roles=[], email="info@exams.example")
    assert response.status_code == 422
    assert error_summary(response) == ["Enter the verification provided",
                                       "Select at least one role"]
    response = _create(signed_in, email="info@exams.example")
    assert "shared address" in error_summary(response)[0]


def test_creating_someone_who_exists_links_to_them(signed_in, staff):
    response = _create(signed_in, email=staff.email.upper())
    assert response.status_code == 422
    link = page(response).find(id="existing-user").find("a")
    assert link["href"] == f"/users/{staff.id}"


# --- View, edit, email, resend ----------------------------------------------------------------

def test_view_user_shows_every_field_and_actions(signed_in, staff):
    html = page(signed_in.get(f"/users/{staff.id}"))
    keys = [dt.get_text(strip=True) for dt in html.select(".govuk-summary-list__key")]
    assert {"Username", "Email", "Roles", "Verification provided", "Last sign-in"} <= set(keys)
    buttons = {tag.get_text(" ", strip=True) for tag in html.select(".govuk-button")}
    assert {"Edit user", "Edit and verify email", "Delete User"} <= buttons
    assert "Resend Welcome Email" not in buttons, "only before registration"


def test_edit_user_saves_and_refuses_a_stale_form(signed_in, staff):
    form = signed_in.get(f"/users/{staff.id}/edit")
    version = page(form).find("input", attrs={"name": "version"})["value"]
    data = {"csrf_token": csrf_from(form), "given_name": "Samuel", "family_name": "Staff",
            "verification_provided": "staff id", "roles": ["ab_user", "qcf_user"],
            "version": version}
    assert signed_in.post(f"/users/{staff.id}/edit", data=data).status_code == 302
    db.session.refresh(staff)
    assert staff.given_name == "Samuel" and staff.roles == {"ab_user", "qcf_user"}
    stale = signed_in.post(f"/users/{staff.id}/edit", data={**data, "given_name": "Sammy"})
    assert stale.status_code == 422
    assert "changed this user while you were editing" in error_summary(stale)[0]


def test_super_user_edit_and_verify_email(signed_in, staff, outbox):
    response = submit(signed_in, f"/users/{staff.id}/email", {
        "email": "sam.new@exams.example", "confirm_email": "sam.new@exams.example"})
    assert response.headers["Location"] == f"/users/{staff.id}"
    assert outbox.to("sam.new@exams.example")


def test_resend_welcome_email(signed_in, outbox):
    _create(signed_in)
    new_id = page(signed_in.get("/users?given_name=Nia&status=Inactive")).select_one(
        "tbody tr")["id"].removeprefix("user-row-")
    response = submit(signed_in, f"/users/{new_id}/resend-welcome", {},
                      get_path=f"/users/{new_id}")
    assert response.status_code == 302
    assert len(outbox.to("nia@exams.example")) == 2


# --- inline suspend / reinstate ----------------------------------------------------------------

def _post_inline(client, path, target, **data):
    token = csrf_from(client.get("/users"))
    return client.post(path, data={"csrf_token": token, **data},
                       headers={**HTMX, "HX-Target": target, "X-CSRFToken": token})


def test_suspend_inline_rerenders_the_row(signed_in, staff):
    response = _post_inline(signed_in, f"/users/{staff.id}/suspend", f"user-row-{staff.id}",
                            reason="left the team")
    html = page(response)
    row = html.find("tr")
    assert row["id"] == f"user-row-{staff.id}"
    assert row.select_one("[data-status] .govuk-tag").get_text() == "Suspended"
    assert "Reinstate" in [button.get_text(" ", strip=True).split()[0]
                           for button in row.find_all("button")]
    assert "<html" not in response.get_data(as_text=True)
    response = _post_inline(signed_in, f"/users/{staff.id}/reinstate", f"user-row-{staff.id}")
    assert page(response).select_one("[data-status] .govuk-tag").get_text() == "Active"


def test_suspend_without_a_reason_keeps_the_form_open_with_a_field_error(signed_in, staff):
    response = _post_inline(signed_in, f"/users/{staff.id}/suspend", f"user-row-{staff.id}",
                            reason="")
    assert response.status_code == 422
    row = page(response).find("tr")
    assert row.find("details").has_attr("open")
    group = row.select_one(".govuk-form-group--error")
    field = group.find("input", id=f"reason-{staff.id}")
    error = group.find(class_="govuk-error-message")
    assert error.get_text(" ", strip=True) == "Error: Enter the reason for suspending this user"
    assert field["aria-describedby"] == error["id"] and field.has_attr("data-focus-on-swap")
    assert not row.select("[data-status][data-focus-on-swap]")  # focus goes to the field
    db.session.refresh(staff)
    assert staff.status == UserStatus.ACTIVE.value


def test_an_inline_action_focuses_the_status_and_its_message(signed_in, staff):
    response = _post_inline(signed_in, f"/users/{staff.id}/suspend", f"user-row-{staff.id}",
                            reason="left the team")
    status = page(response).select_one("[data-status]")
    assert status.has_attr("data-focus-on-swap") and status["tabindex"] == "-1"
    assert status.find(role="status").get_text() == f"{staff.username} is suspended."
    response = _post_inline(signed_in, f"/users/{staff.id}/reinstate", "user-status")
    status = page(response).select_one("#user-status [data-status]")
    assert status.has_attr("data-focus-on-swap")
    assert status.find(role="status").get_text() == f"{staff.username} is reinstated."


def test_suspend_from_the_view_page_rerenders_the_status_panel(signed_in, staff):
    response = _post_inline(signed_in, f"/users/{staff.id}/suspend", "user-status",
                            reason="on leave")
    panel = page(response).find(id="user-status")
    assert panel.select_one(".govuk-tag").get_text() == "Suspended"
    assert panel.find(id="suspension-reason").get_text() == "Reason for suspension: on leave"


def test_view_user_shows_why_a_user_is_suspended(signed_in, staff):
    _post_inline(signed_in, f"/users/{staff.id}/suspend", "user-status", reason="first")
    _post_inline(signed_in, f"/users/{staff.id}/reinstate", "user-status")
    _post_inline(signed_in, f"/users/{staff.id}/suspend", "user-status", reason="second")
    html = page(signed_in.get(f"/users/{staff.id}"))
    assert html.find(id="suspension-reason").get_text() == "Reason for suspension: second"


def test_without_javascript_an_action_returns_to_view_user(signed_in, staff):
    """A suspended user would vanish from a search for active users: View user shows them,
    the message, and Reinstate."""
    response = submit(signed_in, f"/users/{staff.id}/suspend",
                      {f"reason-{staff.id}": "no js", "next": "/users?status=Active"},
                      get_path="/users")
    assert response.headers["Location"] == f"/users/{staff.id}"
    html = page(signed_in.get(response.headers["Location"]))
    assert "is suspended" in html.get_text()
    buttons = [button.get_text(" ", strip=True) for button in html.find_all("button")]
    assert f"Reinstate {staff.username}" in buttons


def test_without_javascript_a_missing_reason_links_the_summary_to_the_field(signed_in,
                                                                             staff):
    response = submit(signed_in, f"/users/{staff.id}/suspend", {f"reason-{staff.id}": ""},
                      get_path="/users")
    assert response.status_code == 422
    html = page(response)
    link = html.select_one(".govuk-error-summary__list a")
    assert link["href"] == f"#reason-{staff.id}"
    assert html.find(id=f"reason-{staff.id}") is not None
    assert html.select_one("#user-status details").has_attr("open")
    assert html.title.get_text().startswith("Error: ")


def test_locked_users_show_as_locked_and_can_be_unlocked(signed_in, staff, app):
    for _ in range(5):
        sign_in(app.test_client(), staff.username, "wrong wrong wrong")
    row = page(signed_in.get("/users")).find(id=f"user-row-{staff.id}")
    assert "Locked" in [tag.get_text() for tag in row.select(".govuk-tag")]
    response = _post_inline(signed_in, f"/users/{staff.id}/unlock", f"user-row-{staff.id}")
    assert "Locked" not in [t.get_text() for t in page(response).select(".govuk-tag")]


def _row_controls(row) -> set[str]:
    """The status actions a row offers: Suspend (a details with a reason), Reinstate, Unlock."""
    return {button.get_text(" ", strip=True).split()[0] for button in row.find_all("button")}


def test_each_row_offers_exactly_the_status_actions_the_rules_allow(signed_in, boss, staff,
                                                                     make_user, app):
    """The row's controls are decided in the view, once per row: own row none, an active
    user Suspend, a locked one Unlock too, a suspended one Reinstate only."""
    locked = make_user(given="Lou", family="Locked")
    for _ in range(5):
        sign_in(app.test_client(), locked.username, "wrong wrong wrong")
    rows = {row["id"]: row for row in page(signed_in.get("/users")).select("tbody tr")}
    assert _row_controls(rows[f"user-row-{boss.id}"]) == set()
    assert _row_controls(rows[f"user-row-{staff.id}"]) == {"Suspend"}
    assert _row_controls(rows[f"user-row-{locked.id}"]) == {"Suspend", "Unlock"}
    assert rows[f"user-row-{staff.id}"].find("input", attrs={"name": f"reason-{staff.id}"})
    _post_inline(signed_in, f"/users/{staff.id}/suspend", f"user-row-{staff.id}",
                 reason="left the team")
    html = page(signed_in.get("/users?status=Suspended",
                              headers={**HTMX, "HX-Target": "user-results"}))
    row = html.find(id=f"user-row-{staff.id}")
    assert _row_controls(row) == {"Reinstate"}
    assert row.find("button")["form"] == "user-actions"
    assert row.find("button")["hx-target"] == f"#user-row-{staff.id}"


def test_a_user_without_the_super_user_role_gets_no_rows_or_actions(client, make_user):
    """Only a super user reaches Find user; anyone else is refused, rows and all."""
    make_user(roles=["ab_user"], given="Nora", family="Normal")
    normal = make_user(roles=["ab_user"], given="Olly", family="Other",
                       password=BOSS_PASSWORD)
    sign_in(client, normal.username, BOSS_PASSWORD)
    response = client.get("/users")
    assert response.status_code == 403
    assert not page(response).select("tr[id^=user-row-] button")


# --- delete ----------------------------------------------------------------------------------

def test_delete_user_is_a_link_to_the_confirmation_step(signed_in, staff):
    """With or without JavaScript: no hx-confirm, so no browser confirm() box."""
    view = page(signed_in.get(f"/users/{staff.id}"))
    delete = view.find("a", string="Delete User")
    assert delete["href"] == f"/users/{staff.id}/delete"
    assert not delete.has_attr("hx-post") and not delete.has_attr("hx-confirm")
    confirm = signed_in.get(delete["href"])
    assert page(confirm).find("button", string="Confirm delete")
    done = submit(signed_in, f"/users/{staff.id}/delete", {})
    assert done.headers["Location"] == f"/users/{staff.id}"
    assert "Deleted" in page(signed_in.get(f"/users/{staff.id}")).find(
        id="user-status").get_text()


# --- user activity ---------------------------------------------------------------------------

def test_user_activity_lists_and_filters_the_organisations_events(signed_in, staff):
    submit(signed_in, f"/users/{staff.id}/suspend", {"reason": "audit me"}, get_path="/users")
    html = page(signed_in.get("/users/activity?event=user.suspended"))
    rows = html.select("#activity tbody tr")
    assert len(rows) == 1
    cells = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
    assert cells[1] == "User suspended" and cells[2] == "bea.boss" and cells[3] == "sam.staff"
    assert "Status changed from Active to Suspended" in cells[4]
    assert "Reason: audit me" in cells[4]
    events = [o["value"] for o in html.find("select", attrs={"name": "event"}).find_all("option")]
    assert "sign_in.succeeded" in events


def test_user_activity_dates_are_govuk_date_inputs(signed_in):
    html = page(signed_in.get("/users/activity"))
    legends = [legend.get_text(strip=True) for legend in html.select("legend")]
    assert {"Date from", "Date to"} <= set(legends)
    assert html.find(id="date_from-day") and html.find(id="date_to-year")
    assert not html.select("input[type=date]")


def test_user_activity_rejects_a_bad_date_plainly(signed_in):
    response = signed_in.get(
        "/users/activity?date_from=31&date_from=2&date_from=2026&date_to=&date_to=&date_to=")
    html = page(response)
    link = html.select_one(".govuk-error-summary__list a")
    assert link.get_text() == "Date from must be a real date, like 27 3 2008"
    assert link["href"] == "#date_from-day"
    response = signed_in.get("/users/activity?date_from=1&date_from=&date_from=2026")
    assert "Date from must include a day, month and year" in error_summary(response)


def test_user_activity_filters_by_date(signed_in, staff):
    today = date.today()
    on = {"date_from": [today.day, today.month, today.year],
          "date_to": [today.day, today.month, today.year]}
    html = page(signed_in.get("/users/activity", query_string=on))
    assert html.select("#activity tbody tr")
    before = today - timedelta(days=3)
    off = {"date_from": [before.day, before.month, before.year],
           "date_to": [before.day, before.month, before.year]}
    assert not page(signed_in.get("/users/activity", query_string=off)).select("#activity")


def test_user_activity_downloads_as_csv(signed_in, staff):
    submit(signed_in, f"/users/{staff.id}/suspend", {"reason": "=cmd|'/c calc'!A1"},
           get_path="/users")
    response = signed_in.get("/users/activity.csv?event=user.suspended")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["When (UTC)", "Event", "By", "User affected", "Changes", "Details"]
    assert rows[1][1] == "User suspended" and "Reason: =cmd" in rows[1][5]


def test_role_and_status_changes_take_effect_on_the_next_request(app, signed_in, boss,
                                                                 make_user):
    colleague = make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Col",
                          family="League")
    their_browser = app.test_client()
    sign_in(their_browser, colleague.username, BOSS_PASSWORD)
    assert their_browser.get("/users").status_code == 200
    form = signed_in.get(f"/users/{colleague.id}/edit")
    signed_in.post(f"/users/{colleague.id}/edit", data={
        "csrf_token": csrf_from(form), "given_name": "Col", "family_name": "League",
        "verification_provided": "staff id", "roles": ["ab_user"],
        "version": page(form).find("input", attrs={"name": "version"})["value"]})
    assert their_browser.get("/users").status_code == 403
    assert their_browser.get("/users", headers=HTMX).status_code == 403
    submit(signed_in, f"/users/{colleague.id}/suspend", {"reason": "gone"}, get_path="/users")
    assert their_browser.get("/account").headers["Location"].startswith("/sign-in")


def test_user_activity_shows_verification_volumes_and_marks_high_ones(app, signed_in, boss,
                                                                     make_user):
    from webapp.services import verification
    busy = make_user(roles=["ab_user"], given="Busy", family="Bee")
    quiet = make_user(roles=["ab_user"], given="Quiet", family="Mouse")
    app.config["UNUSUAL_VERIFICATIONS_PER_DAY"] = 3
    request = verification.VerificationRequest("1000000043", "Any", "Body")
    for user, times in ((busy, 3), (quiet, 1)):
        for _ in range(times):
            committed(verification.verify_learner, user, request)
    rows = page(signed_in.get("/users/activity")).select("#verification-volumes tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in row.find_all("td")] for row in rows]
    assert cells == [["busy.bee", "3 High"], ["quiet.mouse", "1"]]
