"""Static files served by WhiteNoise in front of Flask: no session, no database, no
per-request hooks. Each file under static/ is also served under a name carrying a hash of
its content (`css/app.3f2a1b9c0d4e.css`), which `url_for('static', …)` hands out and
browsers may keep for a year: a changed file has a new name. Plain names (and GOV.UK's
/assets/ fonts and images, named by the CSS) are kept for an hour."""

import hashlib
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

PLAIN_MAX_AGE_SECONDS = 3600


def _hashed_name(relative: str, content: bytes) -> str:
    path = Path(relative)
    digest = hashlib.sha256(content).hexdigest()[:12]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}").as_posix())


def _security_headers(headers, path, url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask, assets_folder: Path) -> None:
    static_root = Path(app.static_folder)
    if app.debug:  # editing files while `flask run --debug`: always the current ones
        app.wsgi_app = WhiteNoise(app.wsgi_app, autorefresh=True, max_age=0)
        return
    manifest: dict[str, str] = {}
    hashed_urls: set[str] = set()
    server = WhiteNoise(app.wsgi_app, max_age=PLAIN_MAX_AGE_SECONDS,
                        add_headers_function=_security_headers,
                        immutable_file_test=lambda path, url: url in hashed_urls)
    for path in sorted(static_root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(static_root).as_posix()
        hashed = _hashed_name(relative, path.read_bytes())
        manifest[relative] = hashed
        hashed_urls.add(f"/static/{hashed}")
        server.add_file_to_dictionary(f"/static/{relative}", str(path))
        server.add_file_to_dictionary(f"/static/{hashed}", str(path))
    server.add_files(str(assets_folder), prefix="/assets/")
    app.wsgi_app = server

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]
