"""Event data challenges in the service layer (issue 12): raising and its duplicate rule,
every status transition, the version check single and bulk, the monthly report."""

import threading
from datetime import date

import pytest
from sqlalchemy import event, update
from sqlalchemy.exc import IntegrityError

from tests.achievement_data import (
    ANN,
    JAMES,
    SHARED,
    load_registers,
    qcf_user,
    two_achievements_of_james,
)
from tests.helpers import committed
from webapp.extensions import db
from webapp.models import Challenge, ChallengeReport
from webapp.rules.challenges import Proposal, Status
from webapp.services import achievements, challenges
from webapp.services.achievements import NewAchievement, SubmittedLearner
from webapp.services.errors import (
    AlreadyExists,
    ChangedMeanwhile,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from webapp.services.unit_of_work import unit_of_work

WRONG_GRADE = Proposal("wrong_information", "grade", "6", notes="The grade was 6",
                       contact="Exams office, 01234 567890")


@pytest.fixture
def people(app, make_user, organisation, other_organisation, provider_organisation,
           desk_organisation):
    load_registers()
    owner = qcf_user(make_user)
    first, second = two_achievements_of_james(owner)
    return {
        "owner": owner, "first": first, "second": second,
        "resolver": make_user(roles=["edc_resolver"], given="Rita", family="Resolver",
                              email_address="rita@exams.example"),
        "resolver_2": make_user(roles=["edc_resolver"], given="Rob", family="Resolver",
                                email_address="rob@exams.example"),
        "rival": make_user(roles=["edc_resolver"], org=other_organisation, given="Rory",
                           family="Rival", email_address="rory@southern.example"),
        "provider": make_user(roles=["provider_user"], org=provider_organisation, given="Pat",
                              family="Provider", email_address="pat@college.example"),
        "desk": make_user(roles=["service_desk"], org=desk_organisation, given="Desmond",
                          family="Desk", email_address="desmond@desk.example"),
    }


def raise_one(people, proposal=WRONG_GRADE, achievement="first"):
    record = committed(challenges.view_learner_record, people["provider"], JAMES, "James",
                       "Smith")
    return committed(challenges.raise_challenge, people["provider"], record.uln,
                     people[achievement].id, proposal)


def test_the_record_shows_active_achievements_and_their_flag(people):
    record = committed(challenges.view_learner_record, people["provider"], JAMES, "James",
                       "Smith")
    assert record.shown and record.verification.code in challenges.SHOWN_CODES
    assert {a.id for a in record.achievements} == {people["first"].id, people["second"].id}
    assert record.under_challenge == set()
    raise_one(people)
    record = committed(challenges.view_learner_record, people["provider"], JAMES, "James",
                       "Smith")
    assert record.under_challenge == {people["first"].id}


def test_a_record_that_does_not_verify_says_why(people):
    record = committed(challenges.view_learner_record, people["provider"], ANN, "James",
                       "Smith")
    assert not record.shown and not record.achievements
    assert record.verification.code not in challenges.SHOWN_CODES


def test_raising_opens_and_tells_the_resolvers_with_a_link_only(people, outbox):
    challenge = raise_one(people)
    assert challenge.status == Status.OPEN and challenge.reference.startswith("EDC")
    assert challenge.organisation_id == people["owner"].organisation_id
    notices = outbox.to("rita@exams.example") + outbox.to("rob@exams.example")
    assert len(notices) == 2
    body = outbox.body(notices[0])
    assert f"/challenges/{challenge.id}" in body and JAMES not in body
    assert not outbox.to("rory@southern.example")


def test_only_an_achievement_on_the_viewed_record_can_be_challenged(people):
    with pytest.raises(NotFound):
        committed(challenges.raise_challenge, people["provider"], ANN, people["first"].id,
                  WRONG_GRADE)
    with pytest.raises(NotFound):
        committed(challenges.raise_challenge, people["provider"], None, people["first"].id,
                  WRONG_GRADE)


def test_an_awarding_organisation_cannot_raise(people):
    with pytest.raises(Forbidden):
        committed(challenges.raise_challenge, people["resolver"], JAMES, people["first"].id,
                  WRONG_GRADE)


def test_a_proposal_with_missing_parts_names_every_field(people):
    with pytest.raises(ValidationFailed) as refused:
        raise_one(people, Proposal("wrong_information"))
    assert {p.field for p in refused.value.problems} == {"reason", "proposed_value", "notes",
                                                         "contact"}


@pytest.mark.parametrize(("reason", "value", "code"), [
    ("grade", "Distinction*", "CORRECT_GRADE_NOT_IN_SCALE"),
    ("award_start_date", "not a date", "CORRECT_DATE_NOT_VALID"),
    ("award_end_date", "31/02/2019", "CORRECT_DATE_NOT_VALID"),
])
def test_the_correct_value_must_be_one_the_record_could_hold(people, reason, value, code):
    with pytest.raises(ValidationFailed) as refused:
        raise_one(people, Proposal("wrong_information", reason, value, notes="n",
                                   contact="c"))
    assert refused.value.code == code and refused.value.problems[0].fix


@pytest.mark.parametrize(("reason", "value"), [("grade", "6"), ("award_end_date", "1/8/2019"),
                                                ("award_start_date", "2019-08-01")])
def test_a_correct_value_in_the_scale_or_a_real_date_is_taken(people, reason, value):
    challenge = raise_one(people, Proposal("wrong_information", reason, value, notes="n",
                                           contact="c"))
    assert challenge.proposed_value == value


def test_a_second_open_challenge_of_the_same_type_is_refused(people):
    first = raise_one(people)
    with pytest.raises(AlreadyExists) as refused:
        raise_one(people)
    assert refused.value.code == "CHALLENGE_ALREADY_OPEN"
    assert first.reference in refused.value.message
    other_type = Proposal("not_this_learner", "disputed", notes="Never sat it", contact="me")
    assert raise_one(people, other_type).status == Status.OPEN
    committed(challenges.set_status, people["resolver"], first.id, None, Status.REJECTED,
              "Checked: the grade is right")
    assert raise_one(people).status == Status.OPEN  # once resolved, a new one may be raised


def test_the_database_refuses_a_duplicate_the_service_did_not_see(people):
    first = raise_one(people)
    twin = Challenge(reference="EDCTWIN0001", organisation_id=first.organisation_id,
                     achievement_id=first.achievement_id, uln=first.uln, type=first.type,
                     notes="n", contact="c", raised_by_user_id=first.raised_by_user_id,
                     raised_by_organisation_id=first.raised_by_organisation_id,
                     status=Status.IN_PROGRESS)
    with pytest.raises(IntegrityError) as refused, unit_of_work():
        db.session.add(twin)
    assert "unique" in str(refused.value).lower()


def test_a_duplicate_names_another_achievement_of_the_same_qualification(people):
    duplicate = Proposal("duplicate", duplicate_of=people["second"].id, notes="Twice",
                         contact="me")
    challenge = raise_one(people, duplicate)
    assert challenge.duplicate_achievement_id == people["second"].id
    record = committed(challenges.view_learner_record, people["provider"], JAMES, "James",
                       "Smith")
    assert record.under_challenge == {people["first"].id, people["second"].id}
    with pytest.raises(ValidationFailed) as refused:
        raise_one(people, Proposal("duplicate", duplicate_of=people["second"].id, notes="x",
                                   contact="y"), achievement="second")
    assert refused.value.code == "DUPLICATE_IS_SAME"


def test_a_duplicate_must_be_the_same_organisations(people, make_user, other_organisation):
    """Another organisation's achievement of a shared qualification is not offered as the
    duplicate: the resolver could not mend it and must not see its history."""
    james = SubmittedLearner(JAMES, "James", "Smith")
    ours = committed(achievements.create, people["owner"],
                     NewAchievement(james, SHARED, date(2019, 8, 1), "Pass"))
    rival = make_user(roles=["qcf_user"], org=other_organisation, given="Rhian",
                      family="Rival")
    theirs = committed(achievements.create, rival,
                       NewAchievement(james, SHARED, date(2019, 8, 2), "Pass"))
    with pytest.raises(ValidationFailed) as refused:
        committed(challenges.raise_challenge, people["provider"], JAMES, ours.id,
                  Proposal("duplicate", duplicate_of=theirs.id, notes="Twice", contact="me"))
    assert refused.value.code == "DUPLICATE_NOT_FOUND"
    assert db.session.query(Challenge).count() == 0


@pytest.mark.parametrize(("start", "wanted", "allowed"), [
    (Status.OPEN, Status.IN_PROGRESS, True),
    (Status.OPEN, Status.UPHELD, True),
    (Status.OPEN, Status.REJECTED, True),
    (Status.OPEN, Status.OPEN, False),
    (Status.IN_PROGRESS, Status.OPEN, True),
    (Status.IN_PROGRESS, Status.UPHELD, True),
    (Status.IN_PROGRESS, Status.REJECTED, True),
    (Status.IN_PROGRESS, Status.IN_PROGRESS, False),
    (Status.UPHELD, Status.OPEN, False),
    (Status.UPHELD, Status.IN_PROGRESS, False),
    (Status.UPHELD, Status.REJECTED, False),
    (Status.REJECTED, Status.OPEN, False),
    (Status.REJECTED, Status.IN_PROGRESS, False),
    (Status.REJECTED, Status.UPHELD, False),
])
def test_every_transition(people, start, wanted, allowed):
    challenge = raise_one(people)
    if start != Status.OPEN:
        if start == Status.UPHELD or start == Status.REJECTED:
            committed(challenges.set_status, people["resolver"], challenge.id, None,
                      Status.IN_PROGRESS)
        committed(challenges.set_status, people["resolver"], challenge.id, None, start,
                  "Done and dusted")
    if allowed:
        changed = committed(challenges.set_status, people["resolver"], challenge.id, None,
                            wanted, "Done and dusted")
        assert changed.status == wanted
    else:
        with pytest.raises(Conflict) as refused:
            committed(challenges.set_status, people["resolver"], challenge.id, None, wanted,
                      "Done and dusted")
        assert refused.value.code in ("STATUS_UNCHANGED", "TRANSITION_NOT_ALLOWED")


def test_resolving_needs_comments_without_a_uln(people):
    challenge = raise_one(people)
    for comments, code in (("", "COMMENTS_REQUIRED"), (f"Moved from {JAMES}",
                                                       "COMMENTS_HOLD_ULN"),
                           ("Checked with James Smith", "COMMENTS_HOLD_LEARNER_DETAILS")):
        with pytest.raises(ValidationFailed) as refused:
            committed(challenges.set_status, people["resolver"], challenge.id, None,
                      Status.UPHELD, comments)
        assert refused.value.code == code


def test_resolving_tells_the_desk_and_the_provider(people, outbox, app):
    challenge = raise_one(people)
    committed(challenges.set_status, people["resolver"], challenge.id, challenge.version,
              Status.UPHELD, "Grade corrected to 6")
    desk = outbox.to(app.config["SERVICE_DESK_EMAIL"])
    assert len(desk) == 1
    body = outbox.body(desk[0])
    for words in (challenge.reference, "Northern Exams Board", "Resolved – Upheld",
                  "Grade corrected to 6"):
        assert words in body
    assert len(outbox.to("pat@college.example")) == 1
    resolved = db.session.get(Challenge, challenge.id)
    assert resolved.resolved_by_user_id == people["resolver"].id and resolved.resolved_at


def test_another_organisation_finds_nothing(people):
    challenge = raise_one(people)
    with pytest.raises(NotFound):
        committed(challenges.challenge_for, people["rival"], challenge.id)
    with pytest.raises(NotFound):
        committed(challenges.set_status, people["rival"], challenge.id, None,
                  Status.IN_PROGRESS)
    assert committed(challenges.list_for_resolver, people["rival"]).total == 0


def test_lists_page_oldest_first_and_filter(people):
    ids = [raise_one(people).id]
    ids.append(raise_one(people, Proposal("not_this_learner", "disputed", notes="n",
                                          contact="c")).id)
    committed(challenges.set_status, people["resolver"], ids[1], None, Status.IN_PROGRESS)
    everything = committed(challenges.list_for_resolver, people["resolver"])
    assert [c.id for c in everything.items] == ids
    in_progress = committed(challenges.list_for_resolver, people["resolver"],
                            Status.IN_PROGRESS)
    assert [c.id for c in in_progress.items] == [ids[1]]
    assert committed(challenges.list_for_provider, people["provider"]).total == 2
    assert committed(challenges.list_for_desk, people["desk"]).total == 2
    with pytest.raises(Forbidden):
        committed(challenges.list_for_desk, people["resolver"])


def test_the_list_reads_what_the_entities_hold(people):
    """The resolver's list reads plain columns; each listed challenge is what the entity
    gives (`listed`), a duplicate named or not, of every status, and the count is the same."""
    ids = [raise_one(people).id]
    ids.append(raise_one(people, Proposal("not_this_learner", "disputed", notes="n",
                                          contact="c")).id)
    ids.append(raise_one(people, Proposal("duplicate", duplicate_of=people["second"].id,
                                          notes="n", contact="c")).id)
    committed(challenges.set_status, people["resolver"], ids[1], None, Status.IN_PROGRESS)
    page = committed(challenges.list_for_resolver, people["resolver"])
    assert page.total == 3 and [c.id for c in page.items] == ids
    entities = committed(challenges.challenges_for, people["resolver"], ids)
    assert page.items == [challenges.listed(challenge) for challenge in entities]
    assert page.items[2].duplicate_achievement_id == people["second"].id
    assert {c.status for c in page.items} == {Status.OPEN, Status.IN_PROGRESS}


def test_the_list_pages_past_a_full_page_with_every_challenge_once(people):
    """A page's rows come from one statement with its ids: a full page is full, the next
    holds the rest, and no challenge is shown twice or lost."""
    raised = raise_one(people)
    columns = {name: getattr(raised, name) for name in (
        "organisation_id", "achievement_id", "uln", "type", "reason", "proposed_value", "notes",
        "contact", "raised_by_user_id", "raised_by_organisation_id", "raised_at")}
    # resolved ones (one unresolved of a type an achievement), raised at the same moment:
    # the id settles the order
    copies = [Challenge(reference=f"EDCCOPY{n:05}", status=Status.REJECTED, **columns)
              for n in range(26)]
    db.session.add_all(copies)
    db.session.commit()
    ids = [raised.id] + [copy.id for copy in copies]
    first = committed(challenges.list_for_resolver, people["resolver"])
    second = committed(challenges.list_for_resolver, people["resolver"], page=2)
    assert (first.total, len(first.items), first.has_next) == (27, 25, True)
    assert (second.number, len(second.items), second.has_next) == (2, 2, False)
    assert [c.id for c in first.items + second.items] == ids  # oldest first
    past_the_end = committed(challenges.list_for_resolver, people["resolver"], page=9)
    assert past_the_end.number == 2 and [c.id for c in past_the_end.items] == ids[25:]


def test_a_challenge_whose_status_changes_as_the_page_is_read_leaves_the_filtered_list(
        people):
    """A challenge moved out of the chosen status (by another resolver) just before the
    page is read is not shown under it: the page's ids and rows are one statement."""
    moved = raise_one(people)
    changed = []

    def another_resolver_moves_it(state):
        if state.is_select and not changed and "achievements" in str(state.statement):
            changed.append(True)  # the page's read
            db.session.execute(update(Challenge).where(Challenge.id == moved.id)
                               .values(status=Status.IN_PROGRESS))

    event.listen(db.session, "do_orm_execute", another_resolver_moves_it)
    try:
        page = committed(challenges.list_for_resolver, people["resolver"], Status.OPEN)
    finally:
        event.remove(db.session, "do_orm_execute", another_resolver_moves_it)
    assert changed and page.items == []


def test_a_stale_version_is_changed_meanwhile_single(people):
    challenge = raise_one(people)
    seen = challenge.version
    committed(challenges.set_status, people["resolver_2"], challenge.id, seen,
              Status.IN_PROGRESS)
    with pytest.raises(ChangedMeanwhile):
        committed(challenges.set_status, people["resolver"], challenge.id, seen,
                  Status.REJECTED, "Nothing wrong")
    assert db.session.get(Challenge, challenge.id).status == Status.IN_PROGRESS


def test_bulk_answers_per_row_in_one_unit_of_work(people, outbox):
    open_one = raise_one(people)
    resolved = raise_one(people, Proposal("not_this_learner", "disputed", notes="n",
                                          contact="c"))
    stale = raise_one(people, Proposal("duplicate", duplicate_of=people["second"].id,
                                       notes="n", contact="c"))
    committed(challenges.set_status, people["resolver"], resolved.id, None, Status.REJECTED,
              "Uploaded correctly")
    seen_stale = stale.version
    committed(challenges.set_status, people["resolver_2"], stale.id, None, Status.IN_PROGRESS)
    outcomes = committed(challenges.set_statuses, people["resolver"],
                         {open_one.id: open_one.version, resolved.id: None,
                          stale.id: seen_stale, 999999: None}, Status.IN_PROGRESS)
    assert [o.result for o in outcomes] == [challenges.CHANGED, challenges.NOT_ALLOWED,
                                            challenges.CHANGED_MEANWHILE, challenges.NOT_FOUND]


def test_bulk_resolve_applies_one_comment_to_each(people, outbox, app):
    one = raise_one(people)
    two = raise_one(people, Proposal("not_this_learner", "disputed", notes="n", contact="c"))
    outcomes = committed(challenges.set_statuses, people["resolver"],
                         {one.id: None, two.id: None}, Status.UPHELD, "Duplicates withdrawn")
    assert {o.result for o in outcomes} == {challenges.CHANGED}
    assert {c.resolution_comments for c in db.session.query(Challenge)} == {
        "Duplicates withdrawn"}
    assert len(outbox.to(app.config["SERVICE_DESK_EMAIL"])) == 2


def test_a_concurrent_save_between_read_and_write_rolls_the_bulk_back(people, app):
    """Two app contexts: the second saves after the first read the rows; the first's flush
    finds the version moved and nothing of its bulk is saved."""
    one = raise_one(people)
    two = raise_one(people, Proposal("not_this_learner", "disputed", notes="n", contact="c"))
    resolver = people["resolver"]

    def meanwhile():
        with app.app_context():  # its own context, so its own session and connection
            committed(challenges.set_status, db.session.get(type(resolver), resolver.id),
                      two.id, None, Status.IN_PROGRESS)
            db.session.remove()

    with pytest.raises(ChangedMeanwhile), unit_of_work():
        found = challenges.challenges_for(resolver, [one.id, two.id])
        assert len(found) == 2
        worker = threading.Thread(target=meanwhile)
        worker.start()
        worker.join()
        challenges.set_statuses(resolver, {one.id: None, two.id: None}, Status.UPHELD,
                                "Both withdrawn")
    db.session.expire_all()
    assert db.session.get(Challenge, one.id).status == Status.OPEN
    assert db.session.get(Challenge, two.id).status == Status.IN_PROGRESS


def test_the_monthly_report_goes_once_per_organisation_per_month(people, outbox):
    raise_one(people)
    raise_one(people, Proposal("not_this_learner", "disputed", notes="n", contact="c"))
    sent = challenges.send_monthly_reports(date(2026, 12, 1))
    assert len(sent) == 1 and sent[0].open_challenges == 2 and sent[0].recipients == 2
    report = outbox.to("rita@exams.example")[-1]
    body = outbox.body(report)
    assert "Wrong information: 1" in body and "Not this learner: 1" in body
    assert "/challenges?status=open" in body and JAMES not in body
    assert challenges.send_monthly_reports(date(2026, 12, 15)) == []
    assert len(challenges.send_monthly_reports(date(2027, 1, 1))) == 1
    assert db.session.query(ChallengeReport).count() == 2


def test_a_claimed_month_refuses_a_second_claim_in_the_database(people, outbox):
    raise_one(people)
    organisation_id = people["owner"].organisation_id
    with unit_of_work():
        db.session.add(ChallengeReport(organisation_id=organisation_id, month="2026-12",
                                       open_challenges=1, recipients=1))
    before = len(outbox.messages)
    # a second worker that read ‘not claimed’ before the first committed: the unique row
    # makes its flush fail and its emails are never sent
    with pytest.raises(IntegrityError), unit_of_work():
        db.session.add(ChallengeReport(organisation_id=organisation_id, month="2026-12",
                                       open_challenges=1, recipients=1))
        challenges.mailer.send_email("rita@exams.example", "x", "challenge_report",
                                     report=challenges.report_for(people["owner"].organisation,
                                                                  date(2026, 12, 1)), link="")
    assert len(outbox.messages) == before
    assert challenges.send_monthly_reports(date(2026, 12, 1)) == []
    assert len(outbox.messages) == before


def test_lrs_edc_report_sends_once_a_month(people, app, outbox):
    raise_one(people)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["lrs", "edc-report", "--date", "2026-12-01"])
    assert first.exit_code == 0, first.output
    assert "Northern Exams Board: 1 open, 2 resolver(s) emailed" in first.output
    again = runner.invoke(args=["lrs", "edc-report", "--date", "2026-12-02"])
    assert "Sent 0 report(s) for December 2026." in again.output
    assert len([m for m in outbox.messages if m["Subject"].startswith("Open data")]) == 2


def test_two_workers_at_once_send_the_report_once(people, app, outbox):
    raise_one(people)
    start = threading.Barrier(2)
    answers = []

    def worker():
        with app.app_context():
            start.wait()
            answers.append(len(challenges.send_monthly_reports(date(2026, 12, 1))))
            db.session.remove()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for one in workers:
        one.start()
    for one in workers:
        one.join()
    assert sorted(answers) == [0, 1]
    assert db.session.query(ChallengeReport).count() == 1
    assert len([m for m in outbox.messages if m["Subject"].startswith("Open data")]) == 2


def test_a_correct_value_is_kept_only_for_wrong_information(people):
    disputed = raise_one(people, Proposal("not_this_learner", "wrong_uln", "6", notes="n",
                                          contact="c"))
    assert disputed.proposed_value is None and disputed.reason == "wrong_uln"
    duplicate = raise_one(people, Proposal("duplicate", "grade", "6", people["second"].id,
                                           notes="n", contact="c"))
    assert duplicate.reason is None and duplicate.proposed_value is None
