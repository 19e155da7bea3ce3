# One image for web (gunicorn), the Celery worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CLINIC_VAR_DIR=/app/var \
    WEB_HOST=0.0.0.0 \
    PORT=8000 \
    WEB_CONCURRENCY=3

RUN groupadd --system clinic \
    && useradd --system --gid clinic --home-dir /app --no-create-home --shell /usr/sbin/nologin clinic

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. Only what runs: the development
# and test tools (requirements-dev.txt) stay out of the image.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=clinic:clinic . .
RUN mkdir -p /app/var && chown clinic:clinic /app/var

USER clinic

# Collected with the production (manifest) storage, which also keeps the plain file names, so the
# image serves its static files through whitenoise whatever DJANGO_ENV it runs with. The key is a
# throwaway: collectstatic signs nothing.
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    python manage.py collectstatic --noinput --verbosity 0

EXPOSE 8000
# gunicorn.conf.py reads WEB_HOST, PORT and WEB_CONCURRENCY (set above).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"]
