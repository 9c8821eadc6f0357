"""The left-hand menu of the guide, in one place.

An item appears when the user may use its area (rules/permissions.py) and its page exists
(its endpoint is registered), so each feature's menu entry appears with the blueprint that
builds it."""

from dataclasses import dataclass

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user

from webapp.rules import permissions
from webapp.rules.permissions import Area

EVERYONE = None  # an item any signed-in user may see


@dataclass(frozen=True)
class MenuItem:
    label: str
    endpoint: str
    area: Area | None = EVERYONE


@dataclass(frozen=True)
class MenuSection:
    label: str
    items: tuple[MenuItem, ...]


MENU: tuple[MenuSection, ...] = (
    MenuSection("User Management", (
        MenuItem("Find user", "users.find_user", Area.USER_MANAGEMENT),
        MenuItem("Create user", "users.create_user", Area.USER_MANAGEMENT),
        MenuItem("User activity", "users.activity", Area.USER_MANAGEMENT),
    )),
    MenuSection("Learner Verification", (
        MenuItem("Verify Single Learner", "verification.verify_single",
                 Area.SINGLE_VERIFICATION),
        MenuItem("Submit Batch Job", "batches.submit_verification", Area.VERIFICATION_BATCHES),
        MenuItem("View Batch Job", "batches.view_verification", Area.VERIFICATION_BATCHES),
    )),
    MenuSection("Achievement Management", (
        MenuItem("Manage Learner Achievements", "achievements.manage", Area.ACHIEVEMENTS),
        MenuItem("Submit Achievement Batch", "batches.submit_achievement",
                 Area.ACHIEVEMENT_BATCHES),
        MenuItem("View Achievement Batch", "batches.view_achievement", Area.ACHIEVEMENT_BATCHES),
        MenuItem("Perform Credit Check", "achievements.credit_check", Area.CREDIT_CHECK),
        MenuItem("Event Data Challenges", "challenges.list_challenges",
                 Area.RESOLVE_CHALLENGES),
    )),
    MenuSection("Learner records", (
        MenuItem("View learner record", "challenges.view_learner_record",
                 Area.RAISE_CHALLENGES),
        MenuItem("My data challenges", "challenges.raised_challenges", Area.RAISE_CHALLENGES),
    )),
    MenuSection("Service desk", (
        MenuItem("Organisations", "service_desk.organisations", Area.SERVICE_DESK),
        MenuItem("Create organisation", "service_desk.create_organisation", Area.SERVICE_DESK),
        MenuItem("Data challenges", "challenges.all_challenges", Area.CHALLENGE_OVERSIGHT),
    )),
    MenuSection("My account", (
        MenuItem("My account", "account.my_account"),
    )),
    MenuSection("Certificate management", (
        MenuItem("Certificate management", "certificates.manage", Area.USER_MANAGEMENT),
    )),
)


@dataclass(frozen=True)
class VisibleItem:
    label: str
    href: str
    current: bool


def menu_for(user, registered_endpoints, current_endpoint: str | None):
    """The sections and items this user may see, as (label, [VisibleItem]) pairs."""
    visible = []
    for section in MENU:
        items = [
            VisibleItem(item.label, url_for(item.endpoint), item.endpoint == current_endpoint)
            for item in section.items
            if item.endpoint in registered_endpoints
            and (item.area is EVERYONE or permissions.may_use(user, item.area))
        ]
        if items:
            visible.append((section.label, items))
    return visible


def areas_not_open_yet(user, registered_endpoints) -> list[str]:
    """What this user's roles will let them do once those pages are built, in the guide's
    words: the areas they may use of which no menu page exists yet."""
    built = {item.area for section in MENU for item in section.items
             if item.endpoint in registered_endpoints}
    return [permissions.AREAS[area].label for area in Area
            if area not in built and permissions.may_use(user, area)]


def _this_requests_menu() -> list:
    """Built once a request, on first use. The user object itself, not the proxy: the
    menu asks it ~40 questions."""
    if "menu" not in g:
        user = current_user._get_current_object()
        g.menu = menu_for(user, current_app.view_functions, request.endpoint) \
            if user.is_authenticated else []
    return g.menu


class _MenuWhenUsed:
    """The menu for templates, built only when a template reads it: a page shows it, an
    HTMX fragment does not, and the menu costs ~17 permission checks and a URL per item."""

    def __iter__(self):
        return iter(_this_requests_menu())

    def __len__(self) -> int:
        return len(_this_requests_menu())

    def __bool__(self) -> bool:
        return bool(_this_requests_menu())


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_menu():
        return {"menu": _MenuWhenUsed()}
