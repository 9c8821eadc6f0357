"""The GOV.UK form widgets every form uses: govuk_frontend_wtf's, rendered through the
component cache (web/components.py), so a blank field or a set of choices seen before
costs a dictionary look-up instead of a macro rendering.

A rendering is kept only when nothing in it came from a request or a record: the field was
not submitted, has no error, and holds no value (a text field filled from a record holds
one). Choices built from someone's data (a learner's achievements) say `kept=False`.
Everything else is rendered afresh each time. Forms import their widgets from here."""

from govuk_frontend_wtf import wtforms_widgets as govuk

from webapp.web.components import render_kept, render_uncached, typed_by_user


class _Fresh(dict):
    """Parameters that must be rendered afresh, never kept."""


class _Kept:
    """Render through the cache when the field holds nothing from a request or a record."""

    template: str

    def __init__(self, *args, kept: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if not self.kept or field.raw_data or field.errors or self.holds_a_value(params):
            return _Fresh(params)
        return params

    def render(self, params: dict):
        if isinstance(params, _Fresh):
            return render_uncached(self.template, params)
        return render_kept(self.template, params)

    def holds_a_value(self, params: dict) -> bool:
        return typed_by_user(params)


class _KeptChoices(_Kept):
    """A choice's value is the service's own (which one is chosen is decided above, by
    whether the field was submitted)."""

    def holds_a_value(self, params: dict) -> bool:
        return bool(params.get("errorMessage"))


class GovTextInput(_Kept, govuk.GovTextInput):
    pass


class GovPasswordInput(_Kept, govuk.GovPasswordInput):
    pass


class GovTextArea(_Kept, govuk.GovTextArea):
    pass


class GovDateInput(_Kept, govuk.GovDateInput):
    pass


class GovFileInput(_Kept, govuk.GovFileInput):
    """Never kept in practice: govuk_frontend_wtf gives a file input the value False."""


class GovSubmitInput(_KeptChoices, govuk.GovSubmitInput):
    pass


class GovSelect(_KeptChoices, govuk.GovSelect):
    pass


class GovCheckboxInput(_KeptChoices, govuk.GovCheckboxInput):
    pass


class GovCheckboxesInput(_KeptChoices, govuk.GovCheckboxesInput):
    pass


class GovRadioInput(_KeptChoices, govuk.GovRadioInput):
    pass
