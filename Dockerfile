# Production image: gunicorn serves the web app; the same image runs the Celery worker and beat.
FROM python:3.12-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=baanbrekers.settings.production \
    XDG_CACHE_HOME=/tmp/.cache

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 baanbrekers \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app baanbrekers

WORKDIR /app
COPY . .
RUN pip install .
# Static files and translations with the build settings: no secret and no database exist while the
# image is built, and none is baked into a layer (baanbrekers/settings/build.py). The running
# container uses the production settings above, with the secrets from its environment.
# `make image-check` runs these steps in a fresh virtual environment (CI has no container engine).
RUN DJANGO_SETTINGS_MODULE=baanbrekers.settings.build python manage.py collectstatic --noinput \
    && DJANGO_SETTINGS_MODULE=baanbrekers.settings.build \
       python manage.py compilemessages --ignore '*/site-packages/*' >/dev/null

# A fixed numeric user (Kubernetes' runAsNonRoot checks it; the manifests run as 10001). The code
# stays root's: the running app writes nowhere but /tmp (XDG_CACHE_HOME for the PDF fonts), so
# the root file system can be read-only.
USER 10001:10001
EXPOSE 8000
# gunicorn's flags live in deploy/gunicorn.conf.py: /dev/shm for the worker heartbeats, no control
# socket, the access log as JSON lines.
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "baanbrekers.wsgi:application"]
