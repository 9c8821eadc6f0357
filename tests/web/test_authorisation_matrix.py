"""Every route of every blueprint × every kind of person × their own and another
organisation's records, with and without HTMX.

The routes come from the app's URL map. A blueprint this test does not describe fails it,
so a new area (achievements, batches, challenges, an API) is never left unchecked: add it
to BLUEPRINTS with who may use it. Who may use what is written out here by hand, not asked
of rules/permissions.py, so the test is an independent statement of the rules."""

import io
from datetime import date

import pytest

from tests.achievement_data import JAMES, SHARED, load_registers, rival_user
from tests.helpers import committed, csrf_from, sign_in
from webapp.extensions import db
from webapp.formats import batch_files
from webapp.jobs import tasks
from webapp.models import Challenge
from webapp.services import achievements as achievement_service
from webapp.services import batches as batch_service
from webapp.services.achievements import Action, Lookup, NewAchievement, SubmittedLearner
from webapp.services.unit_of_work import unit_of_work

PASSWORD = "a matrix test pass phrase"
AWARDING_ROLES = ["super_user", "ab_batch_user", "ab_user", "qcf_record_set_user", "qcf_user",
                  "edc_resolver"]
PROVIDER_ROLES = ["super_user", "provider_user"]

PUBLIC, SIGNED_IN = "public", "signed in"
# blueprint → PUBLIC (anyone, signed in or not), SIGNED_IN (any signed-in person), or the
# people (role@organisation kind) who may use it.
BLUEPRINTS = {
    "assets": PUBLIC,
    "auth": PUBLIC,
    "pages": PUBLIC,
    "home": SIGNED_IN,
    "account": SIGNED_IN,
    "users": {"super_user@awarding", "super_user@provider"},
    "verification": {"super_user@awarding", "ab_user@awarding"},
    "service_desk": {"service_desk@service-desk"},
    "achievements": {"super_user@awarding", "qcf_user@awarding"},
    "challenges": {"super_user@awarding", "edc_resolver@awarding"},
    "batches": {"super_user@awarding", "ab_batch_user@awarding"},
    "operations": PUBLIC,  # probes and metrics (metrics only from operator networks)
}
ACHIEVEMENT_BATCHES = {"super_user@awarding", "qcf_record_set_user@awarding"}
# Endpoints whose people differ from the rest of their blueprint's.
ENDPOINTS = {
    "achievements.credit_check": {"super_user@awarding", "qcf_user@awarding",
                                  "qcf_record_set_user@awarding"},
    **dict.fromkeys(("challenges.view_learner_record", "challenges.raise_challenge",
                     "challenges.raised_challenges"),
                    {"super_user@provider", "provider_user@provider"}),
    **dict.fromkeys(("challenges.all_challenges", "challenges.report_history",
                     "challenges.desk_challenge"),
                    {"service_desk@service-desk"}),
    **{f"batches.{name}": ACHIEVEMENT_BATCHES for name in (
        "submit_achievement", "view_achievement", "achievement_job_row", "achievement_output",
        "cancel_achievement", "achievement_template")},
}
# Pages of a signed-in blueprint that work signed out too: an emailed link.
PUBLIC_ENDPOINTS = {"account.verify_email", "account.verify_email_link",
                    "account.stop_email_change", "account.stop_email_change_link"}
# Who sees other organisations' records in a blueprint or at one endpoint (everyone else
# gets 404 for them).
SEES_EVERY_ORGANISATION = {"service_desk": {"service_desk@service-desk"},
                           "challenges.desk_challenge": {"service_desk@service-desk"}}
PARAMETERS = {"user_id", "organisation_id", "token", "filename", "achievement_id", "verb",
              "challenge_id", "job_id", "file_format"}
# Parameters that name one organisation's record.
RECORD_PARAMETERS = {"user_id", "achievement_id", "challenge_id", "job_id"}


@pytest.fixture
def world(app, make_user, organisation, other_organisation, provider_organisation,
          desk_organisation):
    """An awarding organisation, a provider and the service desk, each with a super user
    and one person of each of its roles; and a target account in each organisation."""
    actors = {}
    for kind, org, roles in (("awarding", organisation, AWARDING_ROLES),
                             ("provider", provider_organisation, PROVIDER_ROLES),
                             ("service-desk", desk_organisation, ["service_desk"])):
        for role in roles:
            actors[f"{role}@{kind}"] = make_user(
                roles=[role], password=PASSWORD, org=org, given="Actor",
                family=f"{role}{kind}".replace("_", "").replace("-", ""))
    targets = {org.id: make_user(given="Target", family=f"Org{org.id}", roles=["super_user"],
                                 password=PASSWORD, org=org)
               for org in (organisation, other_organisation, provider_organisation)}
    load_registers()
    achievements = {}
    for day, org, actor in ((1, organisation, actors["qcf_user@awarding"]),
                            (2, other_organisation, rival_user(make_user, other_organisation))):
        # withdrawn, so its ‘withdrawn’ success screen exists
        awarded, james = date(2019, 8, day), SubmittedLearner(JAMES, "James", "Smith")
        achievement = committed(achievement_service.create, actor, NewAchievement(
            james, SHARED, awarded, "Pass"))
        committed(achievement_service.withdraw, actor, Lookup(james, SHARED, awarded),
                  Action(date(2026, 11, 1), "SUBINERROR"))
        achievements[org.id] = achievement
    challenges = {org_id: _challenge(achievement, actors["provider_user@provider"])
                  for org_id, achievement in achievements.items()}
    batch_jobs = {}
    for org in (organisation, other_organisation):
        batcher = make_user(roles=["ab_batch_user", "qcf_record_set_user"], org=org,
                            given="Batch", family=f"Org{org.id}")
        for kind, header, row in (
                ("verify", "MISIdentifier,ULN,FamilyName,GivenName,DateOfBirth,Gender",
                 f"1,{JAMES},Smith,James,,"),
                ("achievement", ",".join(batch_files.ACHIEVEMENT_COLUMNS),
                 f"1,create,{JAMES},James,Smith,,,,{SHARED},2019-08-0{org.id % 9 + 1}"
                 ",Pass,,,,,")):
            job = committed(batch_service.submit, batcher, kind, batch_service.Upload(
                f"{kind}.csv", io.BytesIO(f"{header}\r\n{row}\r\n".encode())))
            tasks.queue_batch_job(job.id)
            batch_jobs[(org.id, kind)] = job.id
    return {"actors": actors, "targets": targets, "achievements": achievements,
            "challenges": challenges, "batch_jobs": batch_jobs,
            "organisations": [organisation, other_organisation, provider_organisation]}


def _challenge(achievement, raiser):
    """A data challenge on the organisation's achievement, written as the service would."""
    with unit_of_work():
        challenge = Challenge(reference=f"EDCMATRIX{achievement.id:02d}",
                              organisation_id=achievement.organisation_id,
                              achievement_id=achievement.id, uln=achievement.uln,
                              type="duplicate", notes="n", contact="c",
                              raised_by_user_id=raiser.id,
                              raised_by_organisation_id=raiser.organisation_id, status="open")
        db.session.add(challenge)
    return challenge


def test_every_blueprint_is_described(app):
    blueprints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()
                  if rule.endpoint != "static"}
    undescribed = blueprints - set(BLUEPRINTS)
    assert not undescribed, f"describe who may use {undescribed} in BLUEPRINTS"


def routes(app):
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        unknown = set(rule.arguments) - PARAMETERS
        assert not unknown, f"{rule}: teach this test about {unknown}"
        found += [(rule, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def own_and_other(actor, world) -> dict:
    """The organisation whose records count as the actor's own, and one that does not."""
    mine = actor.organisation_id if actor.organisation_id in world["targets"] else \
        world["organisations"][0].id
    other = next(org.id for org in world["organisations"] if org.id != mine)
    return {"own": mine, "other": other}


def path_for(rule, world, organisation_id) -> str:
    values = {}
    if "user_id" in rule.arguments:
        values["user_id"] = world["targets"][organisation_id].id
    if "organisation_id" in rule.arguments:
        values["organisation_id"] = organisation_id
    if "token" in rule.arguments:
        values["token"] = "not-a-real-token"
    if "achievement_id" in rule.arguments:
        values["achievement_id"] = world["achievements"].get(
            organisation_id, next(iter(world["achievements"].values()))).id
    if "challenge_id" in rule.arguments:
        values["challenge_id"] = world["challenges"].get(
            organisation_id, next(iter(world["challenges"].values()))).id
    if "job_id" in rule.arguments:
        kind = "achievement" if rule.endpoint in ENDPOINTS else "verify"
        values["job_id"] = world["batch_jobs"].get(
            (organisation_id, kind), world["batch_jobs"][(world["organisations"][0].id, kind)])
    if "file_format" in rule.arguments:
        values["file_format"] = "csv"
    if "verb" in rule.arguments:
        values["verb"] = "withdraw"
    if "filename" in rule.arguments:
        values["filename"] = "images/favicon.svg"
    return rule.build(values, append_unknown=False)[1]


def expected(rule, method, who, whose) -> str:
    blueprint = rule.endpoint.split(".")[0]
    allowed = ENDPOINTS.get(rule.endpoint, BLUEPRINTS[blueprint])
    if allowed == PUBLIC or rule.endpoint in PUBLIC_ENDPOINTS:
        return "csrf-refused" if who is None and method == "POST" else "allowed"
    if who is None:  # no session, so a POST cannot carry a valid CSRF token either
        return "sign-in" if method == "GET" else "csrf-refused"
    if allowed == SIGNED_IN:
        return "allowed"
    if who not in allowed:
        return "forbidden"
    names_a_record = bool(set(rule.arguments) & RECORD_PARAMETERS)
    sees_every = (SEES_EVERY_ORGANISATION.get(blueprint, set())
                  | SEES_EVERY_ORGANISATION.get(rule.endpoint, set()))
    if whose == "other" and names_a_record and who not in sees_every:
        return "not-found"
    return "allowed"


def outcome(response) -> str:
    location = response.headers.get("Location", "") or response.headers.get("HX-Redirect", "")
    if location.startswith("/sign-in"):
        return "sign-in"
    if response.status_code == 400 and b"nothing was saved" in response.data:
        return "csrf-refused"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 404 and b"Page not found" in response.data:
        return "not-found"
    if response.status_code < 500:
        return "allowed"
    return f"status {response.status_code}"


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_every_route_checks_role_organisation_kind_and_organisation(app, world, htmx):
    all_routes = routes(app)
    assert len(all_routes) >= 40, "every blueprint's routes should be found"
    failures = []
    for who in [None, *world["actors"]]:
        client = app.test_client()
        token = ""
        actor = world["actors"].get(who)
        if actor is not None:
            sign_in(client, actor.username, PASSWORD)
            token = csrf_from(client.get("/account"))
        headers = {"X-CSRFToken": token}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": "user-results"})
        orgs = own_and_other(actor, world) if actor else {
            "own": world["organisations"][0].id, "other": world["organisations"][1].id}
        for rule, method in all_routes:
            if rule.endpoint in ("auth.sign_out",):
                continue  # would end this actor's session for the routes that follow
            for whose in ("own", "other"):
                if whose == "other" and not set(rule.arguments) & (RECORD_PARAMETERS
                                                                   | {"organisation_id"}):
                    continue
                path = path_for(rule, world, orgs[whose])
                response = client.open(path, method=method, headers=headers,
                                       data={"csrf_token": token} if method == "POST" else None)
                want, got = expected(rule, method, who, whose), outcome(response)
                if want != got:
                    failures.append(f"{who or 'anonymous'} {method} {path} ({whose}): "
                                    f"expected {want}, got {got}")
    assert not failures, "\n".join(failures)


def test_a_provider_super_user_cannot_open_verification(client, make_user,
                                                        provider_organisation):
    college_boss = make_user(roles=["super_user"], password=PASSWORD,
                             org=provider_organisation, given="Col", family="Boss")
    sign_in(client, college_boss.username, PASSWORD)
    assert client.get("/learner-verification/verify").status_code == 403
    menu = client.get("/learner-management").get_data(as_text=True)
    assert "Verify Single Learner" not in menu and "Find user" in menu

