"""One package per area of the portal; each makes a Blueprint called `bp`."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from webapp.blueprints.account import bp as account_bp
    from webapp.blueprints.achievements import bp as achievements_bp
    from webapp.blueprints.assets import bp as assets_bp
    from webapp.blueprints.auth import bp as auth_bp
    from webapp.blueprints.batches import bp as batches_bp
    from webapp.blueprints.challenges import bp as challenges_bp
    from webapp.blueprints.home import bp as home_bp
    from webapp.blueprints.operations import bp as operations_bp
    from webapp.blueprints.pages import bp as pages_bp
    from webapp.blueprints.service_desk import bp as service_desk_bp
    from webapp.blueprints.users import bp as users_bp
    from webapp.blueprints.verification import bp as verification_bp

    blueprints = (assets_bp, auth_bp, account_bp, home_bp, pages_bp, users_bp,
                  service_desk_bp, verification_bp, achievements_bp, challenges_bp, batches_bp,
                  operations_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
