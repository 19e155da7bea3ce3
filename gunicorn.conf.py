"""gunicorn's settings, the same wherever the web process runs: `make run` (the Procfile), the Docker
image's CMD and compose's web service all start `gunicorn -c gunicorn.conf.py config.wsgi:application`.

From the environment: WEB_HOST (default 127.0.0.1; the image sets 0.0.0.0), PORT (8000; honcho hands
web its port) and WEB_CONCURRENCY (2 worker processes; the image sets 3).
"""

import os

bind = f"{os.environ.get('WEB_HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
# The access log on stdout, beside the worker's and beat's output (honcho, `docker compose logs`).
accesslog = "-"
# Without query strings or the Referer: a patient search is a GET (`/patients/?q=jane+doe`), and a log
# is no place for names, birth dates or phone numbers. %(U)s is the path alone.
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
