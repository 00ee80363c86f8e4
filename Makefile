# MotCua — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/motcua
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint venv lock bench messages check-deploy clean

$(VENV)/.installed: requirements/dev.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@

venv: $(VENV)/.installed

## Serve the whole portal on embedded defaults (SQLite, file broker) with demo data, a Celery worker and beat.
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	$(PY) manage.py serve_demo --addr 127.0.0.1:8000

## The whole test suite against PostgreSQL and Redis (started if they are installed and down).
test: venv
	scripts/services-up
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Regenerate the hashed lock files from pyproject.toml.
lock: venv
	$(VENV)/bin/pip-compile -q --strip-extras --generate-hashes --allow-unsafe -o requirements/prod.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --extra dev -o requirements/dev.lock pyproject.toml

## Benchmarks (not part of the test suite); see benchmarks/README.md.
bench: venv
	scripts/services-up
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/motcua_bench} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/2} \
	  $(PY) benchmarks/run.py $(BENCH_ARGS)

messages: venv
	$(PY) manage.py makemessages -l en -l vi --no-obsolete --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

check-deploy: venv
	DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=dichvucong.example.gov.vn DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var/db.sqlite3 var/celery var/media var/mail var/static var/celerybeat-schedule*
