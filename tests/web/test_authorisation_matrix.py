"""Every User Management, service-desk and verification route × every role × same/other
organisation.

The routes come from the app's URL map, so a new route in these blueprints is checked
without anyone remembering to add it here."""

import pytest

from tests.conftest import csrf_from, sign_in
from webapp.services import accounts

PASSWORD = "a matrix test pass phrase"
GUARDED_BLUEPRINTS = ("users", "service_desk", "verification")
AWARDING_ROLES = ["super_user", "ab_batch_user", "ab_user", "qcf_record_set_user", "qcf_user",
                  "edc_resolver"]
KNOWN_PARAMETERS = {"user_id", "organisation_id"}


@pytest.fixture
def world(app, make_user, organisation, other_organisation):
    desk = accounts.create_organisation("LRS Service Desk", "10000000", "service-desk")
    actors = {role: make_user(roles=[role], password=PASSWORD, given="Actor",
                              family=role.replace("_", "")) for role in AWARDING_ROLES}
    actors["service_desk"] = make_user(roles=["service_desk"], password=PASSWORD, org=desk,
                                       given="Desk", family="Person")
    return {
        "actors": actors,
        "targets": {
            # Super users, so the service desk's super-user-only actions reach them too.
            "same": make_user(given="Target", family="Same", roles=["super_user"],
                              password=PASSWORD),
            "other": make_user(given="Target", family="Other", org=other_organisation,
                               roles=["super_user"], password=PASSWORD),
        },
        "organisations": {"same": organisation, "other": other_organisation},
    }


def guarded_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in GUARDED_BLUEPRINTS:
            continue
        unknown = set(rule.arguments) - KNOWN_PARAMETERS
        assert not unknown, f"{rule}: teach this test about {unknown}"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule, method))
    return routes


def url_for_rule(rule, world, which):
    values = {}
    if "user_id" in rule.arguments:
        values["user_id"] = world["targets"][which].id
    if "organisation_id" in rule.arguments:
        values["organisation_id"] = world["organisations"][which].id
    return rule.build(values, append_unknown=False)[1]


def expected(rule, method, role, which) -> str:
    blueprint = rule.endpoint.split(".")[0]
    if role is None:  # no session, so a POST cannot carry a valid CSRF token either
        return "sign-in" if method == "GET" else "csrf-refused"
    if blueprint == "users":
        if role != "super_user":
            return "forbidden"
        return "not-found" if which == "other" and "user_id" in rule.arguments else "allowed"
    if blueprint == "service_desk":
        return "allowed" if role == "service_desk" else "forbidden"
    if blueprint == "verification":
        return "allowed" if role in ("ab_user", "super_user") else "forbidden"
    raise AssertionError(rule)


def outcome(response) -> str:
    location = response.headers.get("Location", "") or response.headers.get("HX-Redirect", "")
    if location.startswith("/sign-in"):
        return "sign-in"
    if response.status_code == 400 and b"nothing was saved" in response.data:
        return "csrf-refused"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 404:
        return "not-found"
    if response.status_code in (200, 204, 302, 409, 410, 422):
        return "allowed"
    return f"status {response.status_code}"


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_every_guarded_route_checks_role_and_organisation(app, world, htmx):
    routes = guarded_routes(app)
    assert len(routes) >= 15, "the User Management routes should all be found"
    failures = []
    for role in [None, *world["actors"]]:
        client = app.test_client()
        token = ""
        if role is not None:
            sign_in(client, world["actors"][role].username, PASSWORD)
            token = csrf_from(client.get("/account"))
        headers = {"X-CSRFToken": token}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": "user-results"})
        for rule, method in routes:
            for which in ("same", "other"):
                if which == "other" and not set(rule.arguments) & KNOWN_PARAMETERS:
                    continue
                path = url_for_rule(rule, world, which)
                response = client.open(path, method=method, headers=headers,
                                       data={"csrf_token": token} if method == "POST" else None)
                want, got = expected(rule, method, role, which), outcome(response)
                if want != got:
                    failures.append(f"{role or 'anonymous'} {method} {path} ({which}): "
                                    f"expected {want}, got {got}")
    assert not failures, "\n".join(failures)
