"""User Management screens: full pages and the HTMX fragments, asserted on parsed HTML."""

import csv
import io

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
    assert {"Given Name", "Family Name", "Username", "Status", "Select all"} <= labels
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


def test_super_user_count_and_advice(signed_in):
    html = page(signed_in.get("/users"))
    assert "1 active super user" in html.find(id="super-user-count").get_text()
    assert "at least 3" in html.find(class_="govuk-warning-text").get_text()


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
    assert "Verification Provided" in label_for


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
    assert {"Username", "Email", "Roles", "Verification Provided", "Last sign-in"} <= set(keys)
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


def test_suspend_without_a_reason_shows_the_error_in_the_row(signed_in, staff):
    response = _post_inline(signed_in, f"/users/{staff.id}/suspend", f"user-row-{staff.id}",
                            reason="")
    assert response.status_code == 422
    assert "Enter the reason for suspending" in page(response).find(
        class_="govuk-error-message").get_text()
    db.session.refresh(staff)
    assert staff.status == UserStatus.ACTIVE.value


def test_suspend_from_the_view_page_rerenders_the_status_panel(signed_in, staff):
    response = _post_inline(signed_in, f"/users/{staff.id}/suspend", "user-status",
                            reason="on leave")
    panel = page(response).find(id="user-status")
    assert panel.select_one(".govuk-tag").get_text() == "Suspended"


def test_suspend_without_javascript_returns_to_the_page(signed_in, staff):
    response = submit(signed_in, f"/users/{staff.id}/suspend",
                      {"reason": "no js", "next": "/users?status=Active"}, get_path="/users")
    assert response.headers["Location"] == "/users?status=Active"
    assert "is suspended" in page(signed_in.get("/users")).get_text()


def test_next_cannot_leave_the_site(signed_in, staff):
    response = submit(signed_in, f"/users/{staff.id}/suspend",
                      {"reason": "x", "next": "https://evil.example/"}, get_path="/users")
    assert response.headers["Location"] == f"/users/{staff.id}"


def test_locked_users_show_as_locked_and_can_be_unlocked(signed_in, staff, app):
    for _ in range(5):
        sign_in(app.test_client(), staff.username, "wrong wrong wrong")
    row = page(signed_in.get("/users")).find(id=f"user-row-{staff.id}")
    assert "Locked" in [tag.get_text() for tag in row.select(".govuk-tag")]
    response = _post_inline(signed_in, f"/users/{staff.id}/unlock", f"user-row-{staff.id}")
    assert "Locked" not in [t.get_text() for t in page(response).select(".govuk-tag")]


# --- delete ----------------------------------------------------------------------------------

def test_delete_has_a_confirmation_step_without_javascript(signed_in, staff):
    view = page(signed_in.get(f"/users/{staff.id}"))
    delete = view.find("a", string="Delete User")
    assert delete["href"] == f"/users/{staff.id}/delete"
    assert delete["hx-post"] == f"/users/{staff.id}/delete" and delete["hx-confirm"]
    confirm = signed_in.get(delete["href"])
    assert page(confirm).find("button", string="Confirm delete")
    done = submit(signed_in, f"/users/{staff.id}/delete", {})
    assert done.headers["Location"] == f"/users/{staff.id}"
    assert "Deleted" in page(signed_in.get(f"/users/{staff.id}")).find(
        id="user-status").get_text()


def test_delete_with_htmx_redirects_to_the_user(signed_in, staff):
    token = csrf_from(signed_in.get(f"/users/{staff.id}"))
    response = signed_in.post(f"/users/{staff.id}/delete", headers={**HTMX,
                              "X-CSRFToken": token})
    assert response.headers["HX-Redirect"] == f"/users/{staff.id}"
    db.session.refresh(staff)
    assert staff.status == UserStatus.DELETED.value


# --- user activity ---------------------------------------------------------------------------

def test_user_activity_lists_and_filters_the_organisations_events(signed_in, staff):
    submit(signed_in, f"/users/{staff.id}/suspend", {"reason": "audit me"}, get_path="/users")
    html = page(signed_in.get("/users/activity?event=user.suspended"))
    rows = html.select("#activity tbody tr")
    assert len(rows) == 1
    cells = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
    assert cells[1] == "User suspended" and cells[2] == "bea.boss" and cells[3] == "sam.staff"
    assert "status: Active → Suspended" in cells[4] and "reason: audit me" in cells[4]
    events = [o["value"] for o in html.find("select", attrs={"name": "event"}).find_all("option")]
    assert "sign_in.succeeded" in events


def test_user_activity_rejects_a_bad_date_plainly(signed_in):
    response = signed_in.get("/users/activity?date_from=yesterday")
    assert "Enter the ‘From’ date like 2026-11-01" in page(response).get_text()


def test_user_activity_downloads_as_csv(signed_in, staff):
    submit(signed_in, f"/users/{staff.id}/suspend", {"reason": "=cmd|'/c calc'!A1"},
           get_path="/users")
    response = signed_in.get("/users/activity.csv?event=user.suspended")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["When (UTC)", "Event", "By", "User affected", "Changes", "Details"]
    assert rows[1][1] == "User suspended" and "reason: =cmd" in rows[1][5]


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
