"""The gates of issue 2's "Done" list, as tests: ruff, `check --deploy`, `makemigrations --check`, the CI scripts,
the generated configuration reference."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess

import pytest

from .helpers import ROOT, VENV_BIN, manage, output, run


def test_ruff_check_is_clean():
    result = run([str(VENV_BIN / "ruff"), "check", "--no-cache", "."])
    assert result.returncode == 0, output(result)


def test_ruff_format_is_clean():
    result = run([str(VENV_BIN / "ruff"), "format", "--check", "--no-cache", "."])
    assert result.returncode == 0, output(result)


def test_every_model_change_has_its_migration():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, output(result)


def production_environment() -> dict[str, str]:
    """What docker-compose.yml gives the portal, with a freshly generated secret."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is the test runner's (for Playwright), never production's: it fails async.E001.
    leave_out = {"DEBUG", "DEMO_MODE", "VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="dichvucong.longan.gov.vn",
        PORTAL_BASE_URL="https://dichvucong.longan.gov.vn",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://motcua:motcua@127.0.0.1:5432/motcua"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        EMAIL_URL="smtp+tls://portal:password@mail.longan.gov.vn:587",
    )
    return env


def test_check_deploy_with_production_variables_reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment())
    assert result.returncode == 0, output(result)
    assert "System check identified no issues" in result.stdout, output(result)
    assert "WARNINGS" not in result.stdout + result.stderr, output(result)


def test_static_files_collect_under_production_settings(tmp_path):
    """What the Docker build runs: WhiteNoise's manifest storage fails on any file a CSS or JS file names but
    the project does not ship (a vendored library's source map, say)."""
    env = {**production_environment(), "VAR_DIR": str(tmp_path)}
    result = manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, output(result)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "css/portal.css" in manifest["paths"]


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_environment()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("script", [".ci/run", "scripts/services-up"])
def test_ci_scripts_are_executable_bash_without_syntax_errors(script):
    path = ROOT / script
    assert os.access(path, os.X_OK), f"{script} must be executable (chmod +x) for CI"
    result = run(["bash", "-n", str(path)])
    assert result.returncode == 0, output(result)


def apt_packages() -> list[str]:
    """scripts/apt-packages as .ci/run reads it: one name a line, # starts a comment."""
    lines = (ROOT / "scripts" / "apt-packages").read_text().splitlines()
    return [name for line in lines if (name := line.split("#", 1)[0].strip())]


def test_ci_installs_what_the_suite_uses():
    packages = set(apt_packages())
    needed = {
        "gettext", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-liberation2",
        "fonts-noto-core", "poppler-utils", "zbar-tools", "chromium", "postgresql", "redis-server",
    }  # fmt: skip
    assert needed <= packages, f"missing from scripts/apt-packages: {sorted(needed - packages)}"


def test_every_listed_apt_package_is_installed_here():
    """On CI this runs after .ci/run installed the list: a misspelt name would never be installed."""
    missing = []
    for name in apt_packages():
        status = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
        ).stdout
        if "install ok installed" not in status:
            missing.append(name)
    assert not missing, f"not installed (run .ci/run, or apt-get install {' '.join(missing)})"


def test_ci_runs_make_test_and_make_test_runs_the_whole_suite():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^timeout .* make test$", ci, re.MULTILINE)
    assert "scripts/services-up --configure" in ci
    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "pytest" in test_recipe and "tests/" not in test_recipe  # pytest's testpaths: every test folder


def test_configuration_reference_is_generated_from_the_settings():
    """docs/configuration.md is `make docs`; a variable added to the settings must appear there."""
    result = manage("envvars", "--format", "markdown")
    assert result.returncode == 0, output(result)
    documented = (ROOT / "docs" / "configuration.md").read_text()
    assert result.stdout == documented, "docs/configuration.md is out of date: run `make docs`"


def listed_variables() -> set[str]:
    """The names `manage.py envvars` prints."""
    result = manage("envvars")
    assert result.returncode == 0, output(result)
    return set(re.findall(r"^([A-Z0-9_]+)\s", result.stdout, re.MULTILINE))


def test_envvars_lists_every_variable_the_settings_read():
    names = set()
    for path in (ROOT / "portal" / "settings").glob("*.py"):
        names |= set(re.findall(r'config\(\s*"([A-Z0-9_]+)"', path.read_text()))
    listed = listed_variables()
    assert names and names <= listed, f"not listed: {sorted(names - listed)}"
