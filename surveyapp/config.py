"""Configuration: defaults, then ``SENIM_*`` environment variables, then explicit overrides."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"

#: Secrets that must never be accepted in production.
KNOWN_DEFAULT_SECRETS = {"", "dev", "changeme", "change-me", "secret", "development"}

#: Environment variables read at start-up, and the config keys they set.
ENV_KEYS: dict[str, str] = {
    "SENIM_ENV": "SENIM_ENV",
    "SENIM_SECRET_KEY": "SECRET_KEY",
    "SENIM_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SENIM_REDIS_URL": "SENIM_REDIS_URL",
    # Without Redis: background jobs in a child "process" of the web worker (default) or a "thread".
    "SENIM_JOB_RUNNER": "SENIM_JOB_RUNNER",
    "SENIM_BOUNDARIES": "SENIM_BOUNDARIES",
    "SENIM_DEFAULT_LOCALE": "BABEL_DEFAULT_LOCALE",
    "SENIM_MAX_CONTENT_LENGTH": "MAX_CONTENT_LENGTH",
    "SENIM_TRUSTED_PROXIES": "SENIM_TRUSTED_PROXIES",
    "SENIM_SESSION_IDLE_MINUTES": "SENIM_SESSION_IDLE_MINUTES",
    # Survey-path abuse limits (flask-limiter strings such as "60 per minute;1000 per hour").
    "SENIM_API_SUBMIT_LIMIT": "SENIM_API_SUBMIT_LIMIT",
    "SENIM_SURVEY_SUBMIT_LIMIT": "SENIM_SURVEY_SUBMIT_LIMIT",
    "SENIM_SURVEY_PAGE_LIMIT": "SENIM_SURVEY_PAGE_LIMIT",
    "SENIM_VOTE_LIMIT": "SENIM_VOTE_LIMIT",
    "SENIM_SURVEY_MIN_SECONDS": "SENIM_SURVEY_MIN_SECONDS",
    # Anonymous submissions per client address per open-link survey per day before duplicate_device.
    "SENIM_SURVEY_PER_ADDRESS_DAILY": "SENIM_SURVEY_PER_ADDRESS_DAILY",
}
INT_KEYS = {"MAX_CONTENT_LENGTH", "SENIM_TRUSTED_PROXIES", "SENIM_SESSION_IDLE_MINUTES", "SENIM_SURVEY_MIN_SECONDS",
            "SENIM_SURVEY_PER_ADDRESS_DAILY"}


class ConfigError(RuntimeError):
    """Raised when the app is configured in a way that must not start."""


def defaults(instance_path: Path) -> dict[str, Any]:
    """Settings for the embedded default deployment (development, SQLite in the instance folder)."""
    return {
        "SENIM_ENV": "development",
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'senim.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SENIM_REDIS_URL": None,
        "SENIM_JOB_RUNNER": "process",
        "SENIM_BOUNDARIES": None,
        "BABEL_DEFAULT_LOCALE": "kk",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Almaty",
        "SENIM_LANGUAGES": ("kk", "ru", "en"),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "SENIM_TRUSTED_PROXIES": 0,
        "SENIM_SESSION_IDLE_MINUTES": 60,
        "SENIM_SESSION_MAX_HOURS": 12,
        "SENIM_SUPPRESS_BELOW": 10,
        "SENIM_ARGON2": {"time_cost": 3, "memory_cost": 65536, "parallelism": 2},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "TESTING": False,
    }


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings given by ``SENIM_*`` environment variables (integers parsed)."""
    out: dict[str, Any] = {}
    for env_name, key in ENV_KEYS.items():
        if env_name in environ and environ[env_name] != "":
            value: Any = environ[env_name]
            if key in INT_KEYS:
                try:
                    value = int(value)
                except ValueError as exc:
                    raise ConfigError(f"{env_name} must be a whole number, got {value!r}") from exc
            out[key] = value
    return out


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


#: Where a background job runs when no Redis is configured (``services.jobs.dispatch``).
JOB_RUNNERS = ("process", "thread")


def check_job_runner(value: Any) -> str:
    """``SENIM_JOB_RUNNER`` checked; raises ConfigError naming the allowed values."""
    if value not in JOB_RUNNERS:
        raise ConfigError(f"SENIM_JOB_RUNNER must be one of {', '.join(JOB_RUNNERS)}, got {value!r}")
    return str(value)


def resolve_secret(config: dict[str, Any], instance_path: Path) -> str:
    """Return the secret key to use, refusing a missing or default one in production.

    In development a random key is generated once and kept in ``instance/secret_key`` (mode 600).
    """
    secret = config.get("SECRET_KEY")
    if config.get("SENIM_ENV") == "production":
        if not secret or secret.strip().lower() in KNOWN_DEFAULT_SECRETS or len(secret) < 32:
            raise ConfigError(
                "SENIM_SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        return secret
    if secret:
        return secret
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret)
    return secret
