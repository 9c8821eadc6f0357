"""Small presentation helpers shared by templates and downloads."""

from webapp.rules.roles import ROLES


def role_labels(user) -> str:
    """The user's roles in the guide's words and order: ‘LRS super user, QCF user’."""
    return ", ".join(ROLES[name].label for name in ROLES if name in user.roles)
