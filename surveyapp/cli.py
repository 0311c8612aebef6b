"""The ``senim`` command: a Flask CLI group, so ``flask --app wsgi <command>`` works too."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    from .commands.core import init_command
    from .commands.demo import demo_command
    from .commands.ngos import ngo_group
    from .commands.responses import responses_group
    from .commands.scores import scores_group
    from .commands.users import user_group
    from .commands.articles import articles_group
    from .commands.tone import tone_group
    from .commands.worker import worker_command

    for command in (init_command, demo_command, ngo_group, user_group, responses_group, scores_group,
                    articles_group, tone_group, worker_command):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True, add_version_option=False,
             load_dotenv=False)
def main() -> None:
    """Senim: public trust in NGOs. Configuration comes from SENIM_* environment variables."""
