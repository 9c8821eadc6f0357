"""Pages reached from emailed links. The token in the link's path would reach access logs,
browser history and Referer headers, so the first GET moves it into the (signed) session
and redirects to the same page without it; those pages send `Referrer-Policy:
no-referrer` as well."""

from functools import wraps

from flask import g, redirect, session, url_for

_KEY = "link_token:{}"


def keep_link_token(purpose: str, token: str, endpoint: str):
    session[_KEY.format(purpose)] = token
    return redirect(url_for(endpoint))


def link_token(purpose: str) -> str:
    return session.get(_KEY.format(purpose), "")


def forget_link_token(purpose: str) -> None:
    session.pop(_KEY.format(purpose), None)


def no_referrer(view):
    """Send `Referrer-Policy: no-referrer` with this view's answers (web/headers.py)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.referrer_policy = "no-referrer"
        return view(*args, **kwargs)

    return wrapped
