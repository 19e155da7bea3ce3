"""The Celery application: configured from Django settings under the CELERY_ namespace."""
import logging
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _logging_from_settings(*, loglevel=None, **kwargs) -> None:
    """The worker and beat log as web does (settings.LOGGING: LOG_FORMAT, the request id, the path filter), not in
    Celery's own format; the command line's --loglevel still sets the level."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
