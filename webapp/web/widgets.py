"""The GOV.UK form widgets every form uses: govuk_frontend_wtf's, rendered through the
component cache (web/components.py), so a blank field or a set of choices seen before
costs a dictionary look-up instead of a macro rendering.

A field holding what a user typed (a value, a date part, an error message) is rendered
afresh and never kept. Forms import their widgets from here."""

from govuk_frontend_wtf import wtforms_widgets as govuk

from webapp.web.components import render_kept, render_uncached, typed_by_user


class _Kept:
    """Render through the cache unless the field holds what a user typed."""

    template: str

    def render(self, params: dict):
        if self.holds_user_input(params):
            return render_uncached(self.template, params)
        return render_kept(self.template, params)

    def holds_user_input(self, params: dict) -> bool:
        return typed_by_user(params)


class _KeptChoices(_Kept):
    """Choices are the service's own; which one is chosen is not typed. An error message
    still is (it may quote what was sent)."""

    def holds_user_input(self, params: dict) -> bool:
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
    pass


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
