from argon2 import Parameters, extract_parameters

from webapp import create_app
from webapp.config import Config
from webapp.services.passwords import hash_password


def test_production_configuration_uses_owasp_argon2id_parameters(tmp_path):
    app = create_app(Config, {"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"},
                     instance_path=str(tmp_path))
    with app.app_context():
        parameters: Parameters = extract_parameters(hash_password("a long test password"))
    assert parameters.type.name == "ID"
    assert parameters.memory_cost >= 19 * 1024
    assert parameters.time_cost >= 2
    assert parameters.parallelism == 1


def test_secret_key_is_generated_once_and_kept_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(Config, "SECRET_KEY", None)
    first = create_app(Config, {"DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    second = create_app(Config, {"DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    key = first.config["SECRET_KEY"]
    assert len(key) >= 64 and key == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_are_safe(tmp_path):
    app = create_app(Config, {"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"},
                     instance_path=str(tmp_path))
    config = app.config
    assert config["MAIL_DEFAULT_SENDER"] == "do-not-reply@education.gov.uk"
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["MAX_CONTENT_LENGTH"]
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 12 * 3600
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REGISTRATION_LINK_HOURS"] == 72 and config["PASSWORD_RESET_LINK_MINUTES"] == 60
    assert config["SESSION_IDLE_MINUTES"] == 30


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(Config, "DATABASE_URL", None)
    app = create_app(Config, {"SECRET_KEY": "x"}, instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lrs.sqlite'}"
