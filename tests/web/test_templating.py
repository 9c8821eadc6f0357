"""Each template holds the application's template globals as one dict (web/templating.py),
copied when the template loads: so every global must be registered before any template
loads, and a macro imported from another template sees the same globals as the page."""

from collections import ChainMap

from flask import render_template_string


def test_every_template_sees_every_global_the_application_registers(app):
    environment = app.jinja_env
    names = environment.loader.list_templates()
    assert "base.html" in names and "macros/status.html" in names
    for name in names:
        if not name.endswith(".html"):
            continue
        template = environment.get_template(name)
        assert type(template.globals) is dict, name
        missing = set(environment.globals) - set(template.globals)
        assert not missing, f"{name} was loaded before {sorted(missing)} were registered"


def test_an_imported_macro_calls_the_applications_globals(app):
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "macros/status.html" import status_tags %}'
            "{{ status_tags(user) }}", user={"status": "Suspended", "locked": False})
    assert '<strong class="govuk-tag govuk-tag--orange">Suspended</strong>' in html


def test_a_template_given_its_own_globals_keeps_them_apart(app):
    environment = app.jinja_env
    own = environment.from_string("{{ greeting }} {{ targets.USER_RESULTS }}",
                                  globals={"greeting": "hello"})
    assert own.render() == "hello user-results"
    assert "greeting" not in environment.globals
    assert not isinstance(own.globals, ChainMap)
