# Production image: gunicorn serves the web app; the same image runs the Celery worker and beat.
FROM python:3.12-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=baanbrekers.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app baanbrekers

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

USER baanbrekers
EXPOSE 8000
CMD ["gunicorn", "baanbrekers.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
