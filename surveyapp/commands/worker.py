"""``senim worker``: run background jobs from Redis (needs ``SENIM_REDIS_URL``)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services.jobs import QUEUE
from . import fail, require_schema


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run queued jobs (bulk article imports) until stopped. Without SENIM_REDIS_URL jobs run inside
    the web process and no worker is needed."""
    url = current_app.config.get("SENIM_REDIS_URL")
    if not url:
        fail("SENIM_REDIS_URL is not set: jobs run inside the web process, no worker is needed")
    require_schema()  # the jobs read and write the database
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(url)
    worker = SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection)
    click.echo(f"Worker listening on queue {QUEUE!r}", err=True)
    worker.work(burst=burst)
