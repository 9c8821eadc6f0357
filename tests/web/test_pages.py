"""Security headers, error pages and the page layout."""


from tests.helpers import page, sign_in
from webapp.web.headers import CONTENT_SECURITY_POLICY


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "HX-Request" in headers["Vary"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP in development


def test_pages_have_no_inline_script_or_style(client, user):
    sign_in(client, user.username)
    for path in ("/sign-in", "/learner-management", "/account", "/account/email"):
        html = page(client.get(path))
        for script in html.find_all("script"):
            assert script.get("src"), f"inline script on {path}"
        assert not html.find("style"), f"style element on {path}"
        assert not html.select("[style]"), f"style attribute on {path}"
        assert not [tag for tag in html.find_all(True)
                    if any(attr.startswith("on") for attr in tag.attrs)], path


def test_not_found_page_leaks_nothing(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert page(response).find("h1").get_text(strip=True) == "Page not found"
    assert "Traceback" not in response.get_data(as_text=True)


def test_server_error_page_leaks_nothing(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom-for-test")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in text and "Traceback" not in text
    assert "Sorry, there is a problem with the service" in text


def test_forbidden_page(app, client):
    from flask import abort

    @app.get("/forbidden-for-test")
    def forbidden():
        abort(403)

    response = client.get("/forbidden-for-test")
    assert response.status_code == 403
    assert "You do not have permission" in page(response).find("h1").get_text()


def test_signed_in_layout_has_menu_for_the_roles(client, user):
    sign_in(client, user.username)
    html = page(client.get("/learner-management"))
    menu = html.find("nav", attrs={"aria-label": "Menu"})
    assert [a.get_text(strip=True) for a in menu.find_all("a")] == [
        "Verify Single Learner", "My account"]
    assert html.find(class_="govuk-service-navigation__service-name").get_text(strip=True) == (
        "Learning Records Service")


def test_assets_are_served_where_the_govuk_css_looks(client):
    assert client.get("/assets/images/favicon.svg").status_code == 200
    assert client.get("/static/vendor/govuk-frontend/govuk-frontend.min.css").status_code == 200
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
