"""Interface language: the switcher's choice (kept in the session), then Accept-Language."""
from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import format_decimal, get_locale

from .extensions import babel

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def select_locale() -> str:
    """The language for this request: session choice, else best Accept-Language match, else default."""
    supported = list(current_app.config["SENIM_LANGUAGES"])
    chosen = session.get("lang")
    if chosen in supported:
        return chosen
    best = request.accept_languages.best_match(supported)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_i18n(app: Flask) -> None:
    from .config import PROJECT_ROOT

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "surveyapp" / "translations"))
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _language_context() -> dict[str, object]:
        return {
            "current_language": current_language(),
            "language_names": LANGUAGE_NAMES,
            "format_number": lambda value, fmt=None: format_decimal(value, format=fmt),
        }
