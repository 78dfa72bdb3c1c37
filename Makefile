# The one entry point for people. `make run` and `make test` work on a machine with only
# Python 3.11 or 3.12 and make: they create .venv and install what they need.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
# pgserver (the embedded PostgreSQL) ships wheels for Python 3.11 and 3.12 only.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	  if $$p -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 12)))' 2>/dev/null; then echo $$p; break; fi; done)
PIP_FLAGS ?= --quiet --disable-pip-version-check
PYTEST_ARGS ?=
# Without DJANGO_SETTINGS_MODULE the entry points run on the dev settings unless DEBUG is off
# (then production; baanbrekers.settings.entrypoint). Every target names the settings it needs.
DEV_SETTINGS := DEBUG=$${DEBUG:-true} DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-baanbrekers.settings.dev}
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=baanbrekers.settings.test

.PHONY: help run test bench lint fmt migrations-check migrations-lint security-check image-check check-deploy compose-check k8s-check schema-check messages messages-check frontend ci clean

help:
	@echo "make run               platform with demo data on http://127.0.0.1:8000 (embedded PostgreSQL and Redis unless DATABASE_URL/REDIS_URL are set)"
	@echo "make test              the whole test suite on real PostgreSQL and Redis"
	@echo "make bench SIZE=region the benchmark suite under gunicorn with production settings (docs/performance.md)"
	@echo "make lint / fmt        ruff check and the layer contracts (import-linter) / ruff format"
	@echo "make migrations-check  fail when a model change has no migration"
	@echo "make migrations-lint   fail when a migration newer than the baseline is backward incompatible"
	@echo "make security-check    bandit: no finding of high severity"
	@echo "make image-check       the Dockerfile's Python build steps in a fresh virtual environment, without secrets"
	@echo "make check-deploy      Django's deployment checks with production settings"
	@echo "make compose-check     validate docker-compose.yml"
	@echo "make k8s-check         render the Kubernetes manifests, validate them against the schemas, check our policy"
	@echo "make schema-check      the OpenAPI schema generates without warnings and validates"
	@echo "make messages          update and compile the Dutch translations"
	@echo "make messages-check    fail on an untranslated or fuzzy entry in any Dutch catalogue"
	@echo "make frontend          refresh the NL Design System CSS and htmx (needs npm)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or 3.12 is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e ".[embedded]"
	@touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e ".[embedded,test,dev]"
	@touch $@

run: $(VENV)/.run-deps
	$(DEV_SETTINGS) $(BIN)/python -m baanbrekers.embedded run

test: $(VENV)/.test-deps
	$(TEST_SETTINGS) $(BIN)/python -m baanbrekers.embedded exec -- $(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark suite (bench/, docs/performance.md): fills <database>_bench_$(SIZE) once, runs
# the app under gunicorn with production settings and prints a table (JSON in bench/results/).
SIZE ?= region
BENCH_ARGS ?=
$(VENV)/.bench-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e ".[embedded,test,bench]"
	@touch $@

bench: $(VENV)/.bench-deps
	$(BIN)/python -m baanbrekers.embedded exec -- $(BIN)/python -m bench run --size $(SIZE) $(BENCH_ARGS)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

fmt: $(VENV)/.test-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.test-deps
	$(TEST_SETTINGS) $(BIN)/python -m baanbrekers.embedded exec -- $(BIN)/python manage.py makemigrations --check --dry-run

# django-migration-linter on the migrations that are not in the baseline (.ci/migrations-baseline.txt):
# the migrations there are history, already applied wherever the platform runs.
migrations-lint: $(VENV)/.test-deps
	$(TEST_SETTINGS) $(BIN)/python -m baanbrekers.embedded exec -- $(BIN)/python scripts/migrations_lint.py

# bandit over the code that ships (the tests are left out); findings of high severity fail.
security-check: $(VENV)/.test-deps
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high

# No container engine runs in CI: the Dockerfile's Python steps run in a fresh venv instead.
image-check:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or 3.12 is needed"; exit 1; }
	$(PYTHON) scripts/dockerfile_steps.py Dockerfile

check-deploy: $(VENV)/.test-deps
	DJANGO_SETTINGS_MODULE=baanbrekers.settings.production \
	SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-baanbrekers.example.org} \
	FIELD_ENCRYPTION_KEYS=$${FIELD_ENCRYPTION_KEYS:-$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')} \
	BLIND_INDEX_KEY=$${BLIND_INDEX_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))')} \
	DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/baanbrekers} \
	SITE_URL=$${SITE_URL:-https://baanbrekers.example.org} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# The API is versioned by namespace: without --api-version the generator finds no route and
# validates an empty document.
schema-check: $(VENV)/.test-deps
	$(DEV_SETTINGS) $(BIN)/python manage.py spectacular --api-version v1 --validate --fail-on-warn --file /dev/null

compose-check:
	SECRET_KEY=$${SECRET_KEY:-validation-only} FIELD_ENCRYPTION_KEYS=validation-only BLIND_INDEX_KEY=validation-only \
	SITE_URL=$${SITE_URL:-https://localhost} docker-compose -f docker-compose.yml config --quiet

# deploy/kubernetes: every Kustomize target rendered (kubectl kustomize, or the script's own
# renderer where kubectl is missing), validated for one Kubernetes version, held to our policy.
k8s-check: $(VENV)/.test-deps
	$(BIN)/python scripts/k8s_check.py

# Each app keeps its own translations in <app>/locale; the project's (baanbrekers/ and templates/)
# live in locale/.
APPS_WITH_LOCALE := employers jobseekers visits placements stats portal matching imports
messages: $(VENV)/.test-deps
	$(DEV_SETTINGS) $(BIN)/python manage.py makemessages -l nl --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' \
	  --ignore 'static/*' --ignore 'staticfiles/*' --ignore 'tests/*' $(foreach a,$(APPS_WITH_LOCALE),--ignore '$(a)/*')
	for app in $(APPS_WITH_LOCALE); do (cd $$app && $(DEV_SETTINGS) ../$(BIN)/python ../manage.py makemessages -l nl --no-obsolete); done
	$(DEV_SETTINGS) $(BIN)/python manage.py compilemessages -l nl --ignore '.venv/*'

# Every Dutch catalogue (locale/ and each <app>/locale/, found rather than listed so a new app is
# checked too) must be complete: an empty or fuzzy entry shows English to a Dutch reader. LC_ALL=C
# keeps msgfmt's statistics in English so the words below match.
messages-check:
	@status=0; \
	for po in $$(find . \( -path ./$(VENV) -o -path ./node_modules -o -path ./staticfiles \) -prune -o -path '*/locale/nl/LC_MESSAGES/django.po' -print | sort); do \
	  stats=$$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$$po" 2>&1) || { echo "$$po: $$stats"; status=1; continue; }; \
	  case "$$stats" in \
	    *fuzzy*|*untranslated*) echo "$$po: $$stats"; \
	      LC_ALL=C msgattrib --no-wrap --untranslated "$$po" | sed -n 's/^msgid "\(..*\)"$$/  untranslated: \1/p'; \
	      LC_ALL=C msgattrib --no-wrap --only-fuzzy "$$po" | sed -n 's/^msgid "\(..*\)"$$/  fuzzy: \1/p'; \
	      status=1;; \
	    *) echo "$$po: $$stats";; \
	  esac; \
	done; \
	exit $$status

frontend:
	scripts/refresh-frontend.sh

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
