"""gunicorn's settings, the same wherever the web process runs: `make run` (the Procfile), the Docker
image's CMD and compose's web service all start `gunicorn -c gunicorn.conf.py config.wsgi:application`.

From the environment: WEB_HOST (default 127.0.0.1; the image sets 0.0.0.0), PORT (8000; honcho hands
web its port), WEB_CONCURRENCY (2 worker processes; the image sets 3), LOG_FORMAT (json or plain: both logs
follow it, config.gunicorn_logging) and PROMETHEUS_MULTIPROC_DIR (below).
"""

import os
import shutil
import tempfile
from pathlib import Path

bind = f"{os.environ.get('WEB_HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
# The access log on stdout, beside the worker's and beat's output (honcho, `docker compose logs`).
accesslog = "-"
# Without query strings or the Referer: a patient search is a GET (`/patients/?q=jane+doe`), and a log
# is no place for names, birth dates or phone numbers. %(U)s is the path alone. This is the plain format; with
# LOG_FORMAT=json each line is a JSON object of the same fields and the request id (config.gunicorn_logging).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
# And what gunicorn writes itself: the request lines it refuses (quoted whole), patient links' tokens.
logger_class = "config.gunicorn_logging.Logger"
# gunicorn's control socket (by default ~/.gunicorn/gunicorn.ctl) serves nothing here: off, so web
# writes nothing into the user's home (the image's user has none it may write to).
control_socket_disable = True
# The longest request line gunicorn reads (method, URL with its query, protocol): its maximum, 8190 bytes, not
# its default 4094. A client generated from the schema puts a list's filters in the query, and a 4.4 KB request
# line was refused with gunicorn's own 414 page before Django saw it. docs/API_CONVENTIONS.md states the limit
# for URLs (8,000 bytes). Header fields (a Referer repeating that URL) keep gunicorn's default, 8190 bytes.
limit_request_line = 8190

# Prometheus counters (config.metrics) across this server's worker processes: each writes its counts to files in
# PROMETHEUS_MULTIPROC_DIR, and /metrics, whichever worker answers it, adds them up. The directory is this
# server's own (made here unless the environment names one) and starts empty, as prometheus_client requires; set
# before any worker starts, so every worker inherits it.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="clinic-metrics-")
    _own_metrics_dir = True
else:
    _own_metrics_dir = False


def on_starting(server) -> None:
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # a previous run's counts
        stale.unlink()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
