from tests.conftest import STRONG_PASSWORD, error_summary, page, sign_in, submit


def test_sign_in_page_has_labelled_fields_and_forgotten_link(client):
    response = client.get("/sign-in")
    html = page(response)
    assert response.status_code == 200
    assert html.find("label", string=lambda s: s and "Username" in s)
    assert html.find("label", string=lambda s: s and "Password" in s)
    assert html.find("a", string="I have forgotten my password")["href"] == "/forgotten-password"


def test_correct_password_signs_in_and_shows_user_and_organisation(client, user):
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response.headers["Location"] == "/learner-management"
    home = page(client.get("/learner-management"))
    header = home.select_one(".lrs-signed-in").get_text(" ", strip=True)
    assert user.username in header and "Northern Exams Board" in header
    assert home.find("button", string="Sign out")


def test_wrong_password_shows_generic_error(client, user):
    response = sign_in(client, user.username, "wrong password entirely")
    assert response.status_code == 422
    assert any("username or password is not right" in e for e in error_summary(response))
