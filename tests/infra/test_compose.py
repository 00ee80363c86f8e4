"""docker-compose.yml and the Dockerfile, checked without Docker (no engine runs here).

The compose file is validated against the Compose Specification's JSON schema (the copy vendored by
check-jsonschema, from github.com/compose-spec/compose-spec, schema/compose-spec.json), then against what the
production set must be: every long-running service reports its health, start order waits on health, data lives in
volumes, and every secret comes from the environment (.env, documented by .env.example).
"""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest
import yaml

from .helpers import ROOT
from .test_quality import apt_packages, listed_variables

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
LONG_RUNNING = {"db", "redis", "web", "worker", "beat"}
APP_SERVICES = {"web", "worker", "beat"}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSPHRASE|TOKEN|API_KEY")
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def compose_schema() -> dict:
    vendored = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    return json.loads(vendored.read_text())


def environment(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR:?error} (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)."""

    def value(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        current = env.get(name)
        if op == ":?" and not current:
            raise KeyError(f"{name}: {arg}")
        if op == ":-" and not current:
            return arg
        return current or ""

    return INTERPOLATION.sub(value, text)


def test_compose_file_is_valid_against_the_compose_specification():
    jsonschema.validate(COMPOSE, compose_schema(), cls=jsonschema.Draft7Validator)


def test_compose_runs_the_production_set():
    assert set(SERVICES) == LONG_RUNNING | {"migrate"}
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    for name in APP_SERVICES | {"migrate"}:
        assert environment(name)["DJANGO_SETTINGS_MODULE"] == "portal.settings.production", name
        assert environment(name)["REDIS_URL"] == "redis://redis:6379/0", name
        assert environment(name)["DATABASE_URL"].startswith("postgres://motcua:${POSTGRES_PASSWORD"), name
    assert "worker" in SERVICES["worker"]["command"]
    assert "beat" in SERVICES["beat"]["command"]
    assert "command" not in SERVICES["web"]  # the image's CMD: gunicorn
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


@pytest.mark.parametrize("service", sorted(LONG_RUNNING))
def test_every_long_running_service_reports_its_health(service):
    check = SERVICES[service]["healthcheck"]
    assert not check.get("disable")
    assert check["test"][0] in {"CMD", "CMD-SHELL"} and len(check["test"]) > 1
    assert {"interval", "timeout", "retries"} <= set(check)


def test_the_one_shot_migration_is_awaited_until_it_succeeds():
    assert SERVICES["migrate"]["restart"] == "no"
    for name in APP_SERVICES:
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name


@pytest.mark.parametrize(
    ("service", "dependencies"),
    [
        ("migrate", {"db"}),
        ("web", {"db", "redis"}),
        ("worker", {"db", "redis"}),
        ("beat", {"redis"}),
    ],
)
def test_services_start_only_when_what_they_use_is_healthy(service, dependencies):
    depends = SERVICES[service]["depends_on"]
    for dependency in dependencies:
        assert depends[dependency] == {"condition": "service_healthy"}, f"{service} → {dependency}"


def test_health_checks_call_the_script_in_the_image():
    script = ROOT / "docker" / "healthcheck.py"
    assert script.is_file()
    for name in APP_SERVICES:
        assert SERVICES[name]["healthcheck"]["test"] == ["CMD", "python", "docker/healthcheck.py", name]
    # beat answers a ping only with remote control on
    assert "--enable-remote-control" in SERVICES["beat"]["command"]


def mounts(service: str) -> dict[str, str]:
    return {m.split(":")[1]: m.split(":")[0] for m in SERVICES[service].get("volumes", [])}


def test_data_lives_in_named_volumes():
    assert {"db", "media", "backups"} <= set(COMPOSE["volumes"])
    assert mounts("db")["/var/lib/postgresql/data"] == "db"
    for name in ("web", "worker"):
        media_root = environment(name)["MEDIA_ROOT"]
        assert mounts(name)[media_root] == "media", name
        assert mounts(name)[environment(name)["SIGNING_DIR"]] == "signing", name
    assert mounts("worker")[environment("worker")["BACKUP_DIR"]] == "backups"  # the weekly backup runs there


def test_no_secret_is_written_in_the_compose_file():
    for name, service in SERVICES.items():
        for key, value in environment(name).items():
            if SECRET_NAME.search(key):
                assert INTERPOLATION.fullmatch(value), f"{name}.{key} must come from the environment (.env)"
        assert "password" not in json.dumps(service.get("command", "")).lower(), name
    # the database password appears only as a variable, also inside the URL
    assert "${POSTGRES_PASSWORD:?" in environment("web")["DATABASE_URL"]


def test_required_settings_stop_compose_when_missing():
    web = environment("web")
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "PORTAL_BASE_URL", "EMAIL_URL"):
        assert INTERPOLATION.fullmatch(web[key])["op"] == ":?", key
    with pytest.raises(KeyError, match="SECRET_KEY"):
        interpolate(web["SECRET_KEY"], {})


def test_env_example_documents_every_variable_the_compose_file_reads():
    used = {m["name"] for m in INTERPOLATION.finditer((ROOT / "docker-compose.yml").read_text())}
    documented = set(env_example())
    assert used == documented, f"undocumented: {sorted(used - documented)}; unused: {sorted(documented - used)}"
    # .env.example leaves the secrets empty: nobody deploys its values by mistake
    for name, value in env_example().items():
        if SECRET_NAME.search(name):
            assert value == "", name


def test_a_filled_in_env_file_gives_every_service_a_complete_environment():
    filled = {**env_example(), "SECRET_KEY": "x" * 60, "POSTGRES_PASSWORD": "s3cret", "EMAIL_URL": "smtp://mail:25"}
    text = interpolate((ROOT / "docker-compose.yml").read_text(), filled)
    resolved = yaml.safe_load(text)
    web = resolved["services"]["web"]["environment"]
    assert web["DATABASE_URL"] == "postgres://motcua:s3cret@db:5432/motcua"
    assert resolved["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
    jsonschema.validate(resolved, compose_schema(), cls=jsonschema.Draft7Validator)


def test_the_app_is_given_only_variables_it_reads():
    known = listed_variables() | {"DJANGO_SETTINGS_MODULE", "WEB_CONCURRENCY"}  # the latter read by gunicorn
    given = set(environment("web"))
    assert given <= known, f"the portal does not read {sorted(given - known)}"


# --- Dockerfile -----------------------------------------------------------------------------------------------

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    rows = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            rows.append((keyword.upper(), rest.strip()))
    return rows


def final_stage() -> list[tuple[str, str]]:
    rows = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(rows) if keyword == "FROM")
    return rows[last_from:]


def test_dockerfile_builds_on_python_311_and_installs_the_locked_dependencies():
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in DOCKERFILE
    assert "pip install --require-hashes --no-deps -r /tmp/prod.lock" in DOCKERFILE
    for keyword, rest in instructions():
        if keyword == "COPY" and not rest.startswith("--from"):
            source = rest.split()[0]
            assert source == "." or (ROOT / source).exists(), f"COPY {source}: no such file"
        assert not (keyword == "ADD" and "http" in rest), "no downloads outside the lock"


def test_the_image_runs_gunicorn_as_an_unprivileged_user_with_a_health_check():
    stage = dict(final_stage())  # the last of each keyword wins, as in Docker
    assert stage["USER"] not in {"root", "0"}
    assert stage["CMD"].startswith('["gunicorn", "portal.wsgi:application"')
    assert "docker/healthcheck.py" in stage["HEALTHCHECK"]
    assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in stage["ENV"]


def test_the_image_has_the_pdf_libraries_fonts_and_a_matching_pg_dump():
    runtime = " ".join(rest for keyword, rest in final_stage() if keyword == "RUN")
    for package in apt_packages():
        if package.startswith(("libpango", "libharfbuzz", "fonts-")):
            assert package in runtime, f"{package} (scripts/apt-packages) is missing from the image"
    db_major = re.match(r"postgres:(\d+)", SERVICES["db"]["image"])[1]
    assert f"postgresql-client-{db_major}" in runtime, "pg_dump must match the db service's major version"


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var", ".env"} <= ignored
