"""The Jinja environment the application renders with."""

import typing as t

from flask.templating import Environment


class TemplateEnvironment(Environment):
    """Flask's environment, with each template's globals held as one dict.

    Jinja gives each template a ChainMap over the environment's globals. Every render then
    copies that ChainMap into the render's context, and every `{% from … import … %}`
    subtracts its keys from the page's, in Python, a few calls a global (about 160 calls
    an import; the EDC list makes seven imports a request). A dict is copied and subtracted
    in C. Jinja asks that no global be changed after a template is loaded (its
    make_globals), and the application registers every global in create_app, before any
    template is loaded: so a copy taken when a template loads holds them all."""

    def make_globals(self, d: t.MutableMapping[str, t.Any] | None) -> dict[str, t.Any]:
        return {**self.globals, **(d or {})}
