"""Manage Learner Achievements and Perform Credit Check: every screen, as a page and (where
HTMX aims at it) as a fragment; another organisation's achievement is 404 everywhere."""

from datetime import date

import pytest

from tests.achievement_data import (
    ANN,
    DIPLOMA,
    JAMES,
    LINKED,
    OWN,
    SHARED,
    UNIT,
    UNIT_2,
    UNIT_3,
    load_registers,
    qcf_user,
    rival_user,
)
from tests.helpers import committed, csrf_from, error_summary, h1_text, htmx_to, page, sign_in
from webapp.extensions import db
from webapp.models import Achievement
from webapp.services import achievements
from webapp.services.achievements import Action, Lookup, NewAchievement, SubmittedLearner

RESULTS = htmx_to("achievement-results")


@pytest.fixture
def qcf(make_user, organisation, other_organisation):
    load_registers()
    return qcf_user(make_user)


@pytest.fixture
def signed_in(client, qcf):
    sign_in(client, qcf.username)
    return client


def make(actor, uln=JAMES, given="James", family="Smith", reference=OWN, grade="7",
         award=date(2019, 8, 22)):
    return committed(achievements.create, actor, NewAchievement(
        SubmittedLearner(uln, given, family), reference, award, grade))


def post(client, path, data, get_path=None, **kwargs):
    token = csrf_from(client.get(get_path or "/achievements"))
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def element(html, tag, text):
    """The first `tag` whose text contains `text` (a visually hidden span and all)."""
    return next((found for found in html.find_all(tag) if text in found.get_text()), None)


def date_fields(name, when: date | None) -> dict:
    if when is None:
        return {name: ["", "", ""]}
    return {name: [str(when.day), str(when.month), str(when.year)]}


# --- the page, the menu, search by ULN -------------------------------------------------------

def test_menu_and_manage_page(signed_in):
    menu = signed_in.get("/learner-management").get_data(as_text=True)
    assert "Manage Learner Achievements" in menu and "Perform Credit Check" in menu
    html = page(signed_in.get("/achievements"))
    assert h1_text(signed_in.get("/achievements")) == "Manage Learner Achievements"
    links = [a.get_text(strip=True) for a in html.select("#achievement-links a")]
    assert links == ["Create achievement", "Withdraw achievement", "Reinstate Achievement"]
    form = html.select_one("main form")
    assert form["method"] == "post" and form["hx-target"] == "#achievement-results"


def test_search_by_uln_lists_the_organisations_achievements_with_history(signed_in, qcf,
                                                                         make_user,
                                                                         other_organisation):
    mine = make(qcf)
    make(rival_user(make_user, other_organisation), reference=SHARED, grade="Pass")
    response = post(signed_in, "/achievements", {"uln": JAMES})
    html = page(response)
    rows = html.select("#achievements tbody tr")
    assert [row["id"] for row in rows] == [f"achievement-row-{mine.id}"]
    assert "Created" in rows[0].select_one(".lrs-history").get_text()
    assert element(rows[0], "a", "Edit Grade")["hx-target"] == f"#achievement-row-{mine.id}"
    assert element(rows[0], "a", "Move to New Learner")
    again = signed_in.get("/achievements")   # the search is remembered, not put in the URL
    assert page(again).select_one(f"#achievement-row-{mine.id}")


def test_search_fragment_and_a_linked_uln(signed_in, qcf):
    mine = make(qcf)
    response = post(signed_in, "/achievements", {"uln": LINKED}, headers=RESULTS)
    html = page(response)
    assert html.select_one("#achievement-results") and not html.find("h1")
    assert "the master of linked ULN 9276308686" in html.get_text()
    assert html.select_one(f"#achievement-row-{mine.id}")


def test_search_errors_page_and_fragment(signed_in):
    response = post(signed_in, "/achievements", {"uln": "12345"})
    assert response.status_code == 422
    assert error_summary(response) == ["ULN must be 10 digits"]
    fragment = post(signed_in, "/achievements", {"uln": "12345"}, headers=RESULTS)
    assert fragment.status_code == 422
    assert "ULN must be 10 digits" in page(fragment).select_one("#search-error").get_text()
    nothing = post(signed_in, "/achievements", {"uln": ANN})
    assert page(nothing).select_one("#no-achievements")


# --- create ------------------------------------------------------------------------------------

def create_fields(**changes):
    values = {"uln": JAMES, "given_name": "James", "family_name": "Smith", "postcode": "",
              **date_fields("date_of_birth", None), "reference": "6001166X",
              **date_fields("award_date", date(2019, 8, 22)), "provider_ukprn": "10034567",
              "grade": "7", "language": "English"}
    return {**values, **changes}


def test_create_form_has_the_guides_fields(signed_in):
    html = page(signed_in.get("/achievements/new"))
    labels = [label.get_text(" ", strip=True) for label in html.select("main form label")]
    for wanted in ("ULN", "Given name", "Family name", "Postcode (optional)",
                   "Aim reference number", "UKPRN (optional)", "Grade (optional)",
                   "Language (optional)"):
        assert wanted in labels
    assert html.find("legend", string=lambda s: s and "Date of the award" in s)
    assert html.find("legend", string=lambda s: s and "Date of birth" in s)
    assert html.find("button", string=lambda s: s and "Create Achievement" in s)


def test_create_then_the_confirmation(signed_in):
    response = post(signed_in, "/achievements/new", create_fields())
    assert response.status_code == 302
    confirmation = signed_in.get(response.headers["Location"])
    assert h1_text(confirmation).startswith("Achievement created")
    assert "600/1166/X for ULN 1000000043" in page(confirmation).get_text()
    assert db.session.query(Achievement).one().grade == "7"


def test_create_shows_every_problem_beside_its_field(signed_in):
    response = post(signed_in, "/achievements/new", create_fields(
        grade="A", provider_ukprn="123", **date_fields("award_date", date(2030, 1, 1))))
    assert response.status_code == 422
    assert page(response).find("title").get_text().startswith("Error: ")
    summary = error_summary(response)
    assert "The date of the award must be in the past" in summary
    assert "UKPRN must be 8 digits" in summary
    assert "This grade is not in the grading scale of this unit or qualification" in summary


def test_create_for_a_learner_who_does_not_verify_shows_the_result(signed_in):
    response = post(signed_in, "/achievements/new", create_fields(given_name="Olivia",
                                                                   family_name="Brown"))
    assert response.status_code == 422
    html = page(response)
    assert "VRC005" in html.select_one("#result-heading").get_text()
    assert any("do not verify" in line for line in error_summary(response))
    assert db.session.query(Achievement).count() == 0


def test_create_a_duplicate_points_to_reinstate_when_withdrawn(signed_in, qcf):
    make(qcf)
    committed(achievements.withdraw, qcf, Lookup(SubmittedLearner(JAMES, "James", "Smith"), OWN,
                                                 date(2019, 8, 22)),
              Action(date(2026, 11, 1), "SUBINERROR"))
    response = post(signed_in, "/achievements/new", create_fields())
    assert response.status_code == 422
    assert any("is withdrawn" in line for line in error_summary(response))


# --- Edit Grade --------------------------------------------------------------------------------

def test_edit_grade_inline(signed_in, qcf):
    mine = make(qcf)
    row = htmx_to(f"achievement-row-{mine.id}")
    editing = signed_in.get(f"/achievements/{mine.id}/grade", headers=row)
    html = page(editing)
    select = html.select_one(f"select#grade-{mine.id}")
    assert select["form"] == "achievement-actions"
    assert [o["value"] for o in select.select("option")] == ["", "9", "8", "7", "6", "5", "4",
                                                            "3", "2", "1", "U"]
    assert select.select_one("option[selected]")["value"] == "7"
    button = element(html, "button", "Save changes")
    assert button["hx-post"] == f"/achievements/{mine.id}/grade"
    assert button["hx-target"] == f"#achievement-row-{mine.id}"
    saved = post(signed_in, f"/achievements/{mine.id}/grade",
                 {f"grade-{mine.id}": "9", f"version-{mine.id}": str(mine.version)},
                 headers=row)
    html = page(saved)
    assert saved.status_code == 200
    assert html.select_one("[data-grade]").get_text(strip=True) == "9"
    assert "Grade changed" in html.select_one(".lrs-history").get_text()
    cancel = signed_in.get(f"/achievements/{mine.id}", headers=row)
    assert page(cancel).select_one("tr")["id"] == f"achievement-row-{mine.id}"


def test_edit_grade_inline_refused(signed_in, qcf):
    mine = make(qcf)
    row = htmx_to(f"achievement-row-{mine.id}")
    refused = post(signed_in, f"/achievements/{mine.id}/grade",
                   {f"grade-{mine.id}": "A*", f"version-{mine.id}": str(mine.version)},
                   headers=row)
    assert refused.status_code == 422
    assert "not in the grading scale" in page(refused).select_one(".govuk-error-message"
                                                                   ).get_text()
    stale = post(signed_in, f"/achievements/{mine.id}/grade",
                 {f"grade-{mine.id}": "9", f"version-{mine.id}": "0"}, headers=row)
    assert stale.status_code == 422 and "Someone else changed" in stale.get_data(as_text=True)
    unproven = post(signed_in, f"/achievements/{mine.id}/grade", {f"grade-{mine.id}": "9"},
                    headers=row)  # no version: cannot prove it saw the current grade
    assert unproven.status_code == 422 and "Someone else changed" in unproven.text


def test_edit_grade_without_javascript(signed_in, qcf):
    mine = make(qcf)
    form_page = signed_in.get(f"/achievements/{mine.id}/grade")
    assert h1_text(form_page) == "Edit Grade"
    saved = post(signed_in, f"/achievements/{mine.id}/grade",
                 {"grade": "8", "version": str(mine.version)})
    assert saved.status_code == 302
    assert "Grade saved" in signed_in.get(saved.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Achievement, mine.id).grade == "8"
    refused = post(signed_in, f"/achievements/{mine.id}/grade", {"grade": "Z"})
    assert refused.status_code == 422 and error_summary(refused)


# --- Move to New Learner ---------------------------------------------------------------------

def test_move_new_uln_continue_check_save(signed_in, qcf):
    mine = make(qcf)
    first = signed_in.get(f"/achievements/{mine.id}/move")
    assert h1_text(first) == "Move to New Learner"
    check = post(signed_in, f"/achievements/{mine.id}/move", {"new_uln": ANN})
    assert h1_text(check) == "Check before you move the achievement"
    assert "Ann" in page(check).select_one("#target-learner").get_text()
    assert db.session.get(Achievement, mine.id).uln == JAMES
    saved = post(signed_in, f"/achievements/{mine.id}/move",
                 {"new_uln": ANN, "confirmed": "yes"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Achievement, mine.id).uln == ANN
    refused = post(signed_in, f"/achievements/{mine.id}/move", {"new_uln": ANN})
    assert refused.status_code == 422
    assert error_summary(refused) == ["The achievement is already on this learner's record"]


# --- Withdraw and Reinstate ------------------------------------------------------------------

def find_fields(**changes):
    values = {"uln": JAMES, "given_name": "James", "family_name": "Smith", "postcode": "",
              **date_fields("date_of_birth", None), "reference": OWN,
              **date_fields("award_date", date(2019, 8, 22)),
              **date_fields("action_date", None)}
    return {**values, **changes}


def test_withdraw_search_record_action_success_then_reinstate(signed_in, qcf):
    mine = make(qcf)
    searched = post(signed_in, "/achievements/withdraw", find_fields(search="Search"))
    html = page(searched)
    assert h1_text(searched) == "Withdraw achievement"
    assert html.select_one("#found-achievement")
    reasons = [radio["value"] for radio in html.select("input[name=action_reason]")]
    assert reasons == ["ULNINVALID", "ACHINVALID", "DATINVALID", "SUBINERROR", "BATCHERROR"]
    assert "SUBINERROR – The individual record was submitted in error" in html.get_text()
    missing = post(signed_in, "/achievements/withdraw", find_fields(act="withdraw"))
    assert missing.status_code == 422
    assert set(error_summary(missing)) == {"Enter the action date", "Choose the action reason"}
    assert page(missing).select_one("#found-achievement"), "the record stays on screen"
    done = post(signed_in, "/achievements/withdraw", find_fields(
        act="withdraw", action_reason="SUBINERROR",
        **date_fields("action_date", date(2026, 11, 1))))
    assert done.status_code == 302
    success = signed_in.get(done.headers["Location"])
    assert h1_text(success).startswith("Achievement withdrawn")
    again = post(signed_in, "/achievements/withdraw", find_fields(search="Search"))
    assert again.status_code == 422 and "cannot be withdrawn again" in again.get_data(
        as_text=True)
    db.session.expire_all()
    reinstated = post(signed_in, "/achievements/reinstate", find_fields(
        act="reinstate", action_reason="ACHINVALID",
        **date_fields("action_date", date(2026, 11, 2))))
    assert reinstated.status_code == 302
    assert h1_text(signed_in.get(reinstated.headers["Location"])).startswith(
        "Achievement reinstated")
    db.session.expire_all()
    assert db.session.get(Achievement, mine.id).status == "active"


def test_withdraw_needs_the_names_used_at_creation(signed_in, qcf):
    make(qcf)
    response = post(signed_in, "/achievements/withdraw", find_fields(given_name="Jim",
                                                                      search="Search"))
    assert response.status_code == 422
    assert error_summary(response) == [
        "No achievement of your organisation matches these details"]


def test_reinstating_an_active_achievement_says_so(signed_in, qcf):
    make(qcf)
    response = post(signed_in, "/achievements/reinstate", find_fields(search="Search"))
    assert response.status_code == 422
    assert "cannot be reinstated" in " ".join(error_summary(response))
    assert not page(response).find("button", attrs={"name": "act"})


# --- another organisation's achievement --------------------------------------------------------

def test_another_organisations_achievement_is_404_everywhere(signed_in, make_user,
                                                             other_organisation):
    theirs = make(rival_user(make_user, other_organisation), reference=SHARED, grade="Pass")
    for path in (f"/achievements/{theirs.id}", f"/achievements/{theirs.id}/grade",
                 f"/achievements/{theirs.id}/move", f"/achievements/{theirs.id}/created",
                 f"/achievements/withdraw/{theirs.id}/done"):
        assert signed_in.get(path).status_code == 404, path
    for path, data in ((f"/achievements/{theirs.id}/grade", {"grade": "Fail"}),
                       (f"/achievements/{theirs.id}/move", {"new_uln": ANN})):
        assert post(signed_in, path, data).status_code == 404, path
    row = htmx_to(f"achievement-row-{theirs.id}")
    assert signed_in.get(f"/achievements/{theirs.id}/grade", headers=row).status_code == 404


# --- Perform Credit Check ------------------------------------------------------------------

def test_credit_check_page_fragment_and_verdicts(signed_in, qcf):
    html = page(signed_in.get("/achievements/credit-check"))
    assert h1_text(signed_in.get("/achievements/credit-check")) == "Perform Credit Check"
    options = [o["value"] for o in html.select("select#reference option")]
    assert options == ["", DIPLOMA]
    panel = htmx_to("credit-check")
    response = post(signed_in, "/achievements/credit-check", {"uln": JAMES,
                                                               "reference": DIPLOMA},
                    get_path="/achievements/credit-check", headers=panel)
    html = page(response)
    assert html.select_one("#credit-check") and not html.find("h1")
    assert html.select_one("#verdict").get_text(strip=True) == "Credit check not met"
    assert "needs 12 more credits (0 of 12) and 2 mandatory units" in html.get_text(" ")
    for unit in (UNIT, UNIT_2):
        make(qcf, reference=unit, grade="Pass", award=date(2020, 6, 1))
    committed(achievements.create, qcf, NewAchievement(
        SubmittedLearner(JAMES, "James", "Smith"), UNIT_3, date(2021, 6, 1), "Pass"))
    met = post(signed_in, "/achievements/credit-check", {"uln": LINKED, "reference": DIPLOMA},
               get_path="/achievements/credit-check")
    html = page(met)
    assert h1_text(met) == "Perform Credit Check"
    assert html.select_one("#verdict").get_text(strip=True) == "Credit check met"
    assert html.select_one("#credit-total").get_text(" ", strip=True) == (
        "13 credits of 12 required.")
    assert len(html.select("#counting-units tbody tr")) == 3
    assert "Missing" not in html.select_one("#mandatory-units").get_text()


def test_credit_check_errors(signed_in):
    response = post(signed_in, "/achievements/credit-check", {"uln": "1", "reference": OWN},
                    get_path="/achievements/credit-check")
    assert response.status_code == 422
    assert "ULN must be 10 digits" in error_summary(response)
    assert "This is not a qualification built from units" not in error_summary(response)
    not_units = post(signed_in, "/achievements/credit-check", {"uln": JAMES, "reference": OWN},
                     get_path="/achievements/credit-check")
    assert error_summary(not_units) == ["This is not a qualification built from units"]


def test_a_records_user_may_credit_check_but_not_manage(client, make_user, organisation,
                                                        other_organisation):
    load_registers()
    records = make_user(roles=["qcf_record_set_user"])
    sign_in(client, records.username)
    assert client.get("/achievements/credit-check").status_code == 200
    assert client.get("/achievements").status_code == 403


def test_the_achievement_page_and_user_activity(signed_in, qcf, client, make_user):
    mine = make(qcf)
    committed(achievements.update_grade, qcf, mine.id, "8")
    response = signed_in.get(f"/achievements/{mine.id}")
    assert h1_text(response) == "600/1166/X"
    text = page(response).get_text(" ")
    assert "Grade changed" in text and "7 → 8" in text
    boss = make_user(roles=["super_user"], given="Bea", family="Boss",
                     email_address="bea@exams.example")
    other = client.application.test_client()
    sign_in(other, boss.username)
    activity = other.get("/users/activity")
    assert activity.status_code == 200
    assert "Achievement: grade changed" in activity.get_data(as_text=True)
