"""Shared fixtures. Tests run against real PostgreSQL and Redis (see Makefile: make test)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.celery_fixtures import celery_processes  # noqa: F401  (real worker/beat processes, see the module)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls inside Playwright tests

ARTIFACTS_DIR = Path(os.environ.get("ARTIFACTS_DIR", Path(__file__).resolve().parent.parent / "artifacts"))

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium: nothing is downloaded at install time."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def artifacts():
    """screenshot(page, journey, name) saves artifacts/<journey>/<name>.png and returns the path."""

    def save(page, journey: str, name: str) -> Path:
        folder = ARTIFACTS_DIR / journey
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _real_clock():
    """No test inherits another's frozen portal clock."""
    yield
    from django.conf import settings

    if settings.CLOCK_OVERRIDE_ALLOWED:
        import contextlib

        from portal import clock

        with contextlib.suppress(Exception):  # the cache may be unreachable in pure unit tests
            clock.unfreeze()


@pytest.fixture(autouse=True)
def _fresh_calendars():
    """No test sees a working calendar another test built from its own (rolled-back) overrides or agencies."""
    from portal.selectors import forget_calendars

    forget_calendars()
    yield
    forget_calendars()


@pytest.fixture
def real_celery_worker(transactional_db, request):
    """A real Celery worker process on the test database and REDIS_URL (see tests/workers.py).

    Tasks it runs see only committed data: the fixture brings the transactional database with it.
    """
    from tests.workers import running_worker

    log_path = ARTIFACTS_DIR / "celery-worker" / f"{request.node.name}.log"
    with running_worker(log_path=log_path) as worker:
        yield worker
