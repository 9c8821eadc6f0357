"""The left-hand menu of the guide, in one place.

An item appears when the user holds one of its roles and its page exists (its endpoint
is registered), so each feature's menu entry appears with the blueprint that builds it."""

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from webapp.rules.roles import (
    AB_BATCH_USER,
    EDC_RESOLVER,
    QCF_RECORD_SET_USER,
    QCF_USER,
    SERVICE_DESK_ROLE,
    SINGLE_VERIFICATION_ROLES,
    SUPER_USER,
)

EVERYONE = None  # an item any signed-in user may see


@dataclass(frozen=True)
class MenuItem:
    label: str
    endpoint: str
    roles: frozenset[str] | None = EVERYONE


@dataclass(frozen=True)
class MenuSection:
    label: str
    items: tuple[MenuItem, ...]


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


MENU: tuple[MenuSection, ...] = (
    MenuSection("User Management", (
        MenuItem("Find user", "users.find_user", _roles(SUPER_USER)),
        MenuItem("Create user", "users.create_user", _roles(SUPER_USER)),
        MenuItem("User activity", "users.activity", _roles(SUPER_USER)),
    )),
    MenuSection("Learner Verification", (
        MenuItem("Verify Single Learner", "verification.verify_single",
                 _roles(*SINGLE_VERIFICATION_ROLES)),
        MenuItem("Submit Batch Job", "batches.submit_verification", _roles(AB_BATCH_USER)),
        MenuItem("View Batch Job", "batches.view_verification", _roles(AB_BATCH_USER)),
    )),
    MenuSection("Achievement Management", (
        MenuItem("Manage Learner Achievements", "achievements.manage", _roles(QCF_USER)),
        MenuItem("Submit Achievement Batch", "batches.submit_achievement",
                 _roles(QCF_RECORD_SET_USER)),
        MenuItem("View Achievement Batch", "batches.view_achievement",
                 _roles(QCF_RECORD_SET_USER)),
        MenuItem("Perform Credit Check", "achievements.credit_check",
                 _roles(QCF_USER, QCF_RECORD_SET_USER)),
    )),
    MenuSection("Event Data Challenges", (
        MenuItem("View data challenges", "challenges.list_challenges", _roles(EDC_RESOLVER)),
    )),
    MenuSection("Service desk", (
        MenuItem("Organisations", "service_desk.organisations", _roles(SERVICE_DESK_ROLE)),
        MenuItem("Create organisation", "service_desk.create_organisation",
                 _roles(SERVICE_DESK_ROLE)),
    )),
    MenuSection("My account", (
        MenuItem("My account", "account.my_account"),
    )),
    MenuSection("Certificate management", (
        MenuItem("Certificate management", "certificates.manage", _roles(SUPER_USER)),
    )),
)


@dataclass(frozen=True)
class VisibleItem:
    label: str
    href: str
    current: bool


def menu_for(roles: set[str], registered_endpoints, current_endpoint: str | None):
    """The sections and items this user may see, as (label, [VisibleItem]) pairs."""
    visible = []
    for section in MENU:
        items = [
            VisibleItem(item.label, url_for(item.endpoint), item.endpoint == current_endpoint)
            for item in section.items
            if item.endpoint in registered_endpoints
            and (item.roles is EVERYONE or item.roles & roles)
        ]
        if items:
            visible.append((section.label, items))
    return visible


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_menu():
        if not current_user.is_authenticated:
            return {"menu": []}
        return {"menu": menu_for(current_user.roles, current_app.view_functions, request.endpoint)}
