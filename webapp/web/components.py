"""GOV.UK Frontend components, each distinct rendering kept and reused.

The govuk-frontend-jinja macros follow GOV.UK Frontend exactly, and they are slow: a text
field takes about 0.4 ms to render and six checkboxes about 2 ms, because every macro
includes a template and calls an attributes macro per attribute. Yet a page renders the
same components with the same parameters again and again: the header and footer on every
page, a blank search form, the same filter choices. So the HTML of each distinct set of
parameters is kept per application (a bounded cache) and reused.

Parameters that hold anything from a request or a record are never kept (web/widgets.py
decides for form fields): they may be personal data, and a request can make them large.
Only the page chrome is asked for by name (SAME_FOR_EVERYONE), and a rendering larger than
MAX_KEPT_CHARACTERS is never kept. The key
is the whole set of parameters (with each value's type, so that text and trusted HTML
never share an entry), so a kept rendering is only ever reused for identical input."""

from typing import Any

from flask import current_app
from markupsafe import Markup

CACHE_ENTRIES = 512  # a few hundred bytes to a few kilobytes each
MAX_KEPT_CHARACTERS = 20_000  # a list of checkboxes is a few kilobytes
EXTENSION = "lrs_rendered_components"


class _NotAKey(Exception):
    """A parameter that cannot be part of a cache key (rendered without the cache)."""


def _key_part(value: Any) -> Any:
    if isinstance(value, Markup):
        return ("html", str(value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(name), _key_part(item))
                                     for name, item in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(_key_part(item) for item in value))
    if value is None or isinstance(value, str | int | float | bool):
        return (type(value).__name__, value)
    raise _NotAKey()


def _kept() -> dict:
    return current_app.extensions.setdefault(EXTENSION, {})


def _render_template(template: str, params: dict) -> Markup:
    # Straight from the environment: a component template needs only its params, not the
    # context processors that render_template would run again for each one.
    html = current_app.jinja_env.get_template(template).render(params=params)
    return Markup(html)  # noqa: S704 - an autoescaped template's output


def _render_macro(name: str, params: dict) -> Markup:
    """govukFooter(params) for 'footer', from govuk_frontend_jinja's macro file."""
    module = current_app.jinja_env.get_template(
        f"govuk_frontend_jinja/components/{name}/macro.html").module
    macro = "govuk" + "".join(word.title() for word in name.split("-"))
    return Markup(getattr(module, macro)(params))  # noqa: S704 - an autoescaped macro's output


def _kept_or_rendered(kind: str, name: str, params: dict, render) -> Markup:
    try:
        key = (kind, name, _key_part(params))
    except _NotAKey:
        return render(name, params)
    kept = _kept()
    html = kept.get(key)
    if html is None:
        if len(kept) >= CACHE_ENTRIES:
            kept.clear()  # simple and bounded; the common renderings come back at once
        html = render(name, params)
        if len(html) <= MAX_KEPT_CHARACTERS:
            kept[key] = html
    return html


def render_uncached(template: str, params: dict) -> Markup:
    return _render_template(template, params)


def render_kept(template: str, params: dict) -> Markup:
    """`template` rendered with `params`, from the cache when it has been rendered before.
    The caller decides that nothing in `params` was typed by a user."""
    return _kept_or_rendered("template", template, params, _render_template)


def kept_component(name: str, params: dict) -> Markup:
    """govukFooter(params) for 'footer' (any GOV.UK component), rendered once per distinct
    set of parameters. Only for parameters in the service's own words."""
    return _kept_or_rendered("macro", name, params, _render_macro)


# The parts of every page that are the same for everyone: the only components a template
# may ask for by name (the service navigation holds the signed-in user's name).
SAME_FOR_EVERYONE = frozenset({"skip-link", "header", "phase-banner", "footer"})


def govuk_component(name: str, params: dict) -> Markup:
    """In templates: `govuk_component('footer', {...})` is govukFooter({...}), rendered once."""
    if name not in SAME_FOR_EVERYONE:
        raise ValueError(f"{name} is not kept: call its macro instead")
    return kept_component(name, params)


def typed_by_user(params: dict) -> bool:
    """A field holds a value (typed, or filled from a record), a date part, or an error."""
    if params.get("errorMessage") or params.get("value") not in (None, ""):
        return True
    return any(item.get("value") not in (None, "") for item in params.get("items") or ())
