"""GOV.UK components rendered once per distinct parameters (web/components.py), the form
widgets that use them (web/widgets.py), row links (web/row_urls.py) and the menu built only
when a template shows it."""

import pytest
from flask import g, render_template_string, url_for
from flask_login import login_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf import wtforms_widgets as library
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FileField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired

from webapp.web import components, widgets
from webapp.web.forms import OptionalDayMonthYear
from webapp.web.row_urls import row_url

CHOICES = [("a", "Apple"), ("b", "Banana"), ("c", "Cherry")]


class EveryWidget(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Given name", widget=widgets.GovTextInput(), description="As on the ID")
    secret = PasswordField("Password", widget=widgets.GovPasswordInput())
    notes = TextAreaField("Notes", widget=widgets.GovTextArea())
    born = OptionalDayMonthYear("Date of birth", widget=widgets.GovDateInput())
    upload = FileField("File", widget=widgets.GovFileInput())
    fruit = SelectField("Fruit", choices=CHOICES, widget=widgets.GovSelect())
    agree = BooleanField("I agree", widget=widgets.GovCheckboxInput())
    baskets = SelectMultipleField("Baskets", choices=CHOICES, widget=widgets.GovCheckboxesInput())
    size = RadioField("Size", choices=CHOICES, widget=widgets.GovRadioInput())
    must = StringField("Must", widget=widgets.GovTextInput(), validators=[DataRequired()])
    go = SubmitField("Search", widget=widgets.GovSubmitInput())


def _library_widget(ours):
    """The govuk_frontend_wtf widget ours stands in for."""
    return getattr(library, type(ours).__name__)()


def _both(field, **params):
    return field.widget(field, **params), _library_widget(field.widget)(field, **params)


def _kept_html(app) -> str:
    return " ".join(str(html) for html in app.extensions.get(components.EXTENSION, {}).values())


def test_every_widget_renders_exactly_as_govuk_frontend_wtf_blank_typed_and_in_error(app):
    typed = MultiDict({"name": "Priya Patel", "notes": "Met at the desk",
                       "born": ["3", "2", "2001"], "fruit": "b", "agree": "y",
                       "baskets": ["a", "c"], "size": "c"})
    with app.test_request_context("/"):
        for formdata in (None, typed):
            form = EveryWidget(formdata=formdata)
            form.validate()  # `must` is empty: an error message to render
            for field in form:
                for _ in range(2):  # the second time from the cache, where it was kept
                    ours, theirs = _both(field, params={"classes": "lrs-test"})
                    assert ours == theirs, field.name
                    assert isinstance(ours, Markup)


def test_what_a_user_typed_is_rendered_each_time_and_never_kept(app):
    typed = MultiDict({"name": "Priya Patel", "notes": "Ring Mrs Okafor",
                       "born": ["3", "2", "2001"]})
    with app.test_request_context("/"):
        form = EveryWidget(formdata=typed)
        form.validate()
        for field in (form.name, form.notes, form.born, form.must):
            field.widget(field)
        assert "Priya Patel" in str(form.name.widget(form.name))
        kept = _kept_html(app)
        assert "Priya" not in kept and "Okafor" not in kept and "2001" not in kept
        assert "Enter" not in kept and "This field is required" not in kept  # the error

        blank = EveryWidget(formdata=None)
        blank.name.widget(blank.name)
        assert 'id="name"' in _kept_html(app), "a blank field is kept"


def test_text_and_trusted_html_never_share_a_kept_rendering(app):
    with app.test_request_context("/"):
        as_text = components.kept_component("hint", {"text": "<b>bold</b>"})
        as_html = components.kept_component("hint", {"text": Markup("<b>bold</b>")})
        assert "&lt;b&gt;bold&lt;/b&gt;" in as_text and "<b>" not in as_text
        assert "<b>bold</b>" in as_html
        assert components.kept_component("hint", {"text": "<b>bold</b>"}) == as_text


def test_values_equal_in_python_but_of_other_types_are_kept_apart(app):
    with app.test_request_context("/"):
        one = components.kept_component("hint", {"text": 1})
        true = components.kept_component("hint", {"text": True})
        assert "True" in true and "True" not in one


def test_the_cache_is_bounded_and_still_right_after_it_fills(app):
    with app.test_request_context("/"):
        for number in range(components.CACHE_ENTRIES + 10):
            html = components.kept_component("hint", {"text": f"Hint number {number}"})
            assert f"Hint number {number}<" in html.replace("\n", "").replace("  ", "")
        assert 0 < len(app.extensions[components.EXTENSION]) <= components.CACHE_ENTRIES


def test_parameters_that_cannot_be_a_key_are_rendered_without_the_cache(app):
    with app.test_request_context("/"):
        before = len(app.extensions.get(components.EXTENSION, {}))
        html = components.kept_component("hint", {"text": "Plain", "attributes": {
            "data-x": object.__new__(type("Odd", (), {"__str__": lambda self: "odd"}))}})
        assert "Plain" in html and 'data-x="odd"' in html
        assert len(app.extensions.get(components.EXTENSION, {})) == before


@pytest.mark.parametrize("base_url", ["http://localhost/", "http://localhost/lrs/"])
@pytest.mark.parametrize("endpoint,name", [("users.view_user", "user_id"),
                                           ("users.suspend_user", "user_id"),
                                           ("challenges.change_status", "challenge_id")])
def test_row_url_is_exactly_url_for(app, base_url, endpoint, name):
    with app.test_request_context("/", base_url=base_url):
        for value in (1, 7, 42, 918_273_645, 2_000_000_001):
            assert row_url(endpoint, **{name: value}) == url_for(endpoint, **{name: value})


def test_the_menu_is_built_only_when_a_template_shows_it(app, boss):
    with app.test_request_context("/users"):
        login_user(boss)
        assert render_template_string("{{ 'a fragment' }}") == "a fragment"
        assert "menu" not in g
        shown = render_template_string(
            "{% for label, items in menu %}{{ label }};{% endfor %}")
        assert "menu" in g and "User Management;" in shown


def test_anything_sent_or_read_from_a_record_is_never_kept(app):
    from types import SimpleNamespace

    sent = MultiDict({"go": "SECRET-sent", "agree": "Sent by Priya", "fruit": "b"})
    with app.test_request_context("/"):
        form = EveryWidget(formdata=sent)
        for field in (form.go, form.agree, form.fruit):
            assert field.widget(field) == _library_widget(field.widget)(field)
        from_record = EveryWidget(obj=SimpleNamespace(name="Recorded Name", notes="On file"))
        from_record.name.widget(from_record.name)
        from_record.notes.widget(from_record.notes)
        kept = _kept_html(app)
        for secret in ("SECRET-sent", "Sent by Priya", "Recorded Name", "On file"):
            assert secret not in kept
        assert 'value="b" selected' not in kept, "a choice sent in a request is not kept"


def test_choices_built_from_someones_data_are_never_kept(app):
    class Duplicate(FlaskForm):
        class Meta:
            csrf = False

        achievement = SelectField("Which achievement", widget=widgets.GovSelect(kept=False),
                                  choices=[("7", "ACH-7 awarded 2024 grade Merit")])

    with app.test_request_context("/"):
        form = Duplicate(formdata=None)
        assert "ACH-7" in form.achievement.widget(form.achievement)
        assert "ACH-7" not in _kept_html(app)


def test_only_the_page_chrome_is_asked_for_by_name(app):
    with app.test_request_context("/"):
        assert "govuk-footer" in components.govuk_component("footer", {})
        with pytest.raises(ValueError):
            components.govuk_component("service-navigation", {"serviceName": "X"})


def test_a_large_rendering_is_not_kept(app):
    with app.test_request_context("/"):
        html = components.kept_component("hint", {"text": "x" * 30_000})
        assert "x" * 30_000 in html
        assert "x" * 30_000 not in _kept_html(app)


def test_a_kept_rendering_is_only_served_for_identical_parameters(app):
    with app.test_request_context("/"):
        lookalikes = [{"text": "Hint"}, {"text": "Hint "}, {"text": "hint"},
                      {"text": "Hint", "id": "a"}, {"text": "Hint", "classes": None},
                      {"html": "Hint"}, {"text": ["Hint"]}]
        first = [components.kept_component("hint", params) for params in lookalikes]
        again = [components.kept_component("hint", params) for params in lookalikes]
        fresh = [components._render_macro("hint", params) for params in lookalikes]
        assert first == again == fresh
