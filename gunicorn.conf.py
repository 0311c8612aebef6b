"""gunicorn settings for Senim. Override any of them with GUNICORN_CMD_ARGS or SENIM_PORT/SENIM_WORKERS/SENIM_THREADS."""
import multiprocessing
import os

bind = f"{os.environ.get('SENIM_BIND', '127.0.0.1')}:{os.environ.get('SENIM_PORT', '8000')}"
workers = int(os.environ.get("SENIM_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
# Threaded workers keep client connections alive (sync workers close after every response, so each
# API call paid for a new TCP connection) and let a request compute while another of the same
# worker waits for the database (the SQLite write lock, an fsync, a PostgreSQL round trip).
# BalancedThreadWorker is gthread that accepts a connection only while it has a free thread, so
# kept-alive connections opened at one moment spread over the workers (surveyapp/balanced_worker.py).
worker_class = "surveyapp.balanced_worker.BalancedThreadWorker"
threads = int(os.environ.get("SENIM_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so memory stays bounded over long runs. A new worker imports the
# app (~1.7 s of CPU): recycling every 2,000 requests added ~0.85 ms of CPU to every request (a
# third of a survey submission's cost); at 100,000 a worker restarts every few minutes at peak.
max_requests = 100_000
max_requests_jitter = 10_000
# Privacy: the access log carries no client address, user agent, referrer, header or query string,
# whatever --access-logformat asks for: PrivateAccessLogger offers no such atom ("-" is printed).
accesslog = "-"
logger_class = "surveyapp.access_log.PrivateAccessLogger"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("SENIM_FORWARDED_ALLOW_IPS", "127.0.0.1")
