# syntax=docker/dockerfile:1
# MotCua production image. One image runs every role of docker-compose.yml: web (gunicorn + WhiteNoise,
# the default command), Celery worker, Celery beat and the one-shot migrate job.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the locked dependencies, translations and static files ---------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements/prod.lock /tmp/prod.lock
# Hashes checked, nothing outside the lock (the lock's local --find-links/--extra-index-url lines only warn here).
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/prod.lock
WORKDIR /app
COPY . /app
# A throw-away key: production settings refuse to load without one; nothing made here is signed with it.
ENV BUILD_SETTINGS="SECRET_KEY=build-only-not-secret DJANGO_SETTINGS_MODULE=portal.settings.production VAR_DIR=/app/var"
RUN if find locale -name '*.po' 2>/dev/null | grep -q .; then \
      env $BUILD_SETTINGS /opt/venv/bin/python manage.py compilemessages; \
    fi \
    && env $BUILD_SETTINGS /opt/venv/bin/python manage.py collectstatic --noinput

# --- runtime --------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/data/media \
    BACKUP_DIR=/data/backups \
    SIGNING_DIR=/data/pki
# WeasyPrint's libraries and fonts with Vietnamese glyphs (Times New Roman metrics via Liberation, Noto for the UI);
# pg_dump/pg_restore/psql for `manage.py backup` and `restore`, of the same major version as the db service.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-liberation2 fonts-noto-core fonts-dejavu-core \
       postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 motcua \
    && useradd --system --uid 10001 --gid motcua --home-dir /app --no-create-home motcua \
    && mkdir -p /data/media /data/backups /data/pki \
    && chown motcua:motcua /data/media /data/backups /data/pki
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=motcua:motcua /app /app
WORKDIR /app
USER motcua
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["python", "docker/healthcheck.py", "web"]
# WEB_CONCURRENCY (read by gunicorn) sets the number of workers; the proxy in front sets X-Forwarded-*.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--forwarded-allow-ips", "*", "--timeout", "60", "--graceful-timeout", "30"]
