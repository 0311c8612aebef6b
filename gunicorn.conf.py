"""gunicorn settings for Senim. Override any of them with GUNICORN_CMD_ARGS or SENIM_PORT/SENIM_WORKERS."""
import multiprocessing
import os

bind = f"{os.environ.get('SENIM_BIND', '127.0.0.1')}:{os.environ.get('SENIM_PORT', '8000')}"
workers = int(os.environ.get("SENIM_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so memory stays bounded over long runs.
max_requests = 2000
max_requests_jitter = 200
# Privacy: the access log carries no client address, user agent or referrer.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("SENIM_FORWARDED_ALLOW_IPS", "127.0.0.1")
