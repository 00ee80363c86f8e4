# MotCua — the two commands of the README are `make run` and `make test`.
#
#   make run    venv + locked dependencies, migrate, demo province, then web server + Celery worker + beat on the
#               embedded defaults (SQLite and a file-based task queue under var/). ADDR=0.0.0.0:8000 to change.
#   make test   the whole test suite against PostgreSQL and Redis (DATABASE_URL, REDIS_URL; started if down).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3.11)
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000
ARTIFACTS_DIR ?= $(CURDIR)/artifacts
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/motcua
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint format venv lock bench messages docs check-deploy backup clean

$(VENV)/.installed: requirements/dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "MotCua cần Python 3.11 (tìm thấy: $(PYTHON)). Đặt PYTHON=/đường/dẫn/python3.11"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	  echo "Không tạo được venv: trên Debian/Ubuntu cài gói python3.11-venv"; rm -rf $(VENV); exit 1; }
	@echo "Cài các gói Python đã khoá (requirements/dev.lock)…"
	@$(VENV)/bin/pip install -qq --disable-pip-version-check --upgrade pip
	@$(VENV)/bin/pip install -qq --disable-pip-version-check --require-hashes -r requirements/dev.lock
	@touch $@

venv: $(VENV)/.installed

## Serve the whole portal on embedded defaults (SQLite, file broker) with demo data, a Celery worker and beat.
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	@if find locale -name '*.po' 2>/dev/null | grep -q . ; then \
	  if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore '.venv/*' -v 0; \
	  else echo "Thiếu msgfmt (gói gettext): giao diện tiếng Anh chưa được biên dịch."; fi; fi
	$(PY) manage.py seed_demo
	$(PY) manage.py serve_demo --addr $(ADDR)

## The whole test suite against PostgreSQL and Redis (started if they are installed and down).
test: venv
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} scripts/services-up
	@mkdir -p $(ARTIFACTS_DIR)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  ARTIFACTS_DIR=$(ARTIFACTS_DIR) DJANGO_ALLOW_ASYNC_UNSAFE=true \
	  $(VENV)/bin/pytest -ra --junitxml=$(ARTIFACTS_DIR)/junit.xml $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Regenerate the hashed lock files from pyproject.toml (without this machine's own index and wheel folders).
LOCK := $(VENV)/bin/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: venv
	$(LOCK) -o requirements/prod.lock pyproject.toml
	$(LOCK) --extra dev -o requirements/dev.lock pyproject.toml

## Benchmarks (not part of the test suite); see benchmarks/README.md. BENCH_ARGS="workdays" runs one.
bench: venv
	@scripts/services-up
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/motcua_bench} \
	  REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/2} ARTIFACTS_DIR=$(ARTIFACTS_DIR) \
	  $(PY) benchmarks/run.py $(BENCH_ARGS)

## The translation catalogs: new source strings into locale/*/django.po, then compiled. English entries that are new
## (or that msgmerge guessed, marked fuzzy) must be translated by hand: tests/i18n lists them. Vietnamese is the source
## language, so its catalog stays the identity: a guessed Vietnamese entry is emptied (an empty msgstr shows the msgid).
messages: venv
	$(PY) manage.py makemessages -l en -l vi --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'artifacts/*'
	msgattrib --clear-fuzzy --empty -o locale/vi/LC_MESSAGES/django.po locale/vi/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore '.venv/*'

## docs/configuration.md: every environment variable with its default (manage.py envvars).
docs: venv
	@mkdir -p docs
	$(PY) manage.py envvars --format markdown > docs/configuration.md

check-deploy: venv
	DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=dichvucong.example.gov.vn DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  $(PY) manage.py check --deploy --fail-level WARNING

## A backup of the embedded demo (database + media) into var/backups/.
backup: venv
	$(PY) manage.py backup

clean:
	rm -rf var/db.sqlite3* var/celery var/media var/mail var/static var/celerybeat-schedule* var/deliveries
