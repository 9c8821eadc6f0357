"""GOV.UK Frontend's CSS looks for its fonts and images under /assets/."""

from pathlib import Path

from flask import Blueprint

STATIC = Path(__file__).resolve().parent.parent / "static"
VENDOR_ASSETS = STATIC / "vendor" / "govuk-frontend" / "assets"

bp = Blueprint("assets", __name__, static_folder=str(VENDOR_ASSETS), static_url_path="/assets")
