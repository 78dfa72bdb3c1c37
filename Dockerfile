# Production image: gunicorn serves the web app; the same image runs the Celery worker and beat.
FROM python:3.12-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=baanbrekers.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app baanbrekers

WORKDIR /app
COPY . .
RUN pip install .
# collectstatic needs settings that load; these values exist only during the build.
RUN SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(64))') \
    ALLOWED_HOSTS=build DATABASE_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore '*/site-packages/*' >/dev/null

USER baanbrekers
EXPOSE 8000
CMD ["gunicorn", "baanbrekers.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
