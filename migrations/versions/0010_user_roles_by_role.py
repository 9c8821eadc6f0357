"""An index of user roles by role (issue 14), so counting an organisation's active super
users starts from the few super users of the register instead of reading every role of
every user: Find user and the service desk count them on every page.

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_user_roles_role_user", "user_roles", ["role", "user_id"])


def downgrade():
    op.drop_index("ix_user_roles_role_user", table_name="user_roles")
