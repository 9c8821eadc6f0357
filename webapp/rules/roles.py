"""Organisation kinds and user roles (guide appendix A), in one place."""

from dataclasses import dataclass

from webapp.rules.problems import Problem, RuleBroken

AWARDING = "awarding"
PROVIDER = "provider"
SERVICE_DESK = "service-desk"
ORGANISATION_KINDS = (AWARDING, PROVIDER, SERVICE_DESK)

SUPER_USER = "super_user"
AB_BATCH_USER = "ab_batch_user"
AB_USER = "ab_user"
QCF_RECORD_SET_USER = "qcf_record_set_user"
QCF_USER = "qcf_user"
EDC_RESOLVER = "edc_resolver"
PROVIDER_USER = "provider_user"
SERVICE_DESK_ROLE = "service_desk"


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    description: str


ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(SUPER_USER, "LRS super user",
             "Manages all users within their registered organisation."),
        Role(AB_BATCH_USER, "Awarding body batch user",
             "Submits, manages and retrieves ‘verify learner’ batch files."),
        Role(AB_USER, "Awarding body user",
             "Verifies an individual learner in the portal."),
        Role(QCF_RECORD_SET_USER, "QCF record set user",
             "Submits, manages and retrieves batch files of achievements."),
        Role(QCF_USER, "QCF user",
             "Creates, updates, withdraws and reinstates individual achievements."),
        Role(EDC_RESOLVER, "EDC resolver",
             "Receives and resolves event data challenges."),
        Role(PROVIDER_USER, "Learning provider user",
             "Views learners' records and raises event data challenges."),
        Role(SERVICE_DESK_ROLE, "Service desk",
             "Sets up organisations and their first super users."),
    )
}

ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    AWARDING: (SUPER_USER, AB_BATCH_USER, AB_USER, QCF_RECORD_SET_USER, QCF_USER, EDC_RESOLVER),
    PROVIDER: (SUPER_USER, PROVIDER_USER),
    # No super user: service desk accounts are created with the `lrs` command, so nobody
    # at the desk can grant themselves roles that reach learner data.
    SERVICE_DESK: (SERVICE_DESK_ROLE,),
}

# Who may use which part of the service: rules/permissions.py.


KIND_LABELS = {AWARDING: "awarding organisation", PROVIDER: "learning provider",
               SERVICE_DESK: "service desk"}


def role_label(name: str) -> str:
    return ROLES[name].label if name in ROLES else name


def parse_roles(text: str) -> list[str]:
    """Turn 'super_user, ab_user' into a checked list of role names."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in ROLES]
    if unknown:
        raise RuleBroken(Problem(
            code="UNKNOWN_ROLE", field="roles", value=", ".join(unknown),
            message=f"Unknown role {', '.join(unknown)}",
            fix=f"Use role names from this list: {', '.join(ROLES)}"))
    return names


def grantable_roles(kind: str, requested: list[str] | None = None) -> list[str]:
    """The roles an organisation of this kind may grant: all of its kind unless narrowed."""
    allowed = ROLES_BY_KIND[kind]
    if not requested:
        return list(allowed)
    outside = [name for name in requested if name not in allowed]
    if outside:
        kind_words = KIND_LABELS.get(kind, kind)
        article = "An" if kind_words[0] in "aeiou" else "A"
        raise RuleBroken(Problem(
            code="ROLE_NOT_FOR_KIND", field="roles", value=", ".join(outside),
            message=f"{article} {kind_words} cannot grant "
                    f"{', '.join(role_label(name) for name in outside)}",
            fix="Choose from: " + ", ".join(role_label(name) for name in allowed)))
    return [name for name in allowed if name in requested]
