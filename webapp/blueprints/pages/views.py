"""Public information pages, open whether or not someone is signed in."""

from flask import render_template

from webapp.blueprints.pages import bp


@bp.get("/accessibility-statement")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/cookies")
def cookies():
    return render_template("pages/cookies.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")
