"""The embedded default (no Redis) keeps its cache in a database of its own, on its own connection."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
from django.core.cache import cache
from django.db import transaction
from portal.models import Agency
try:
    with transaction.atomic():
        Agency.objects.create(code="x.1", name="X", kind="other")
        cache.set("k", "v")
        raise RuntimeError("roll back")
except RuntimeError:
    pass
print(cache.get("k"), Agency.objects.filter(code="x.1").exists())
"""


def _run(args: list[str], env: dict) -> str:
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cache_writes_neither_join_nor_abort_the_business_transaction(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="portal.settings.dev")
    _run([sys.executable, "manage.py", "migrate", "-v0"], env)
    _run([sys.executable, "manage.py", "createcachetable"], env)
    assert (tmp_path / "cache.sqlite3").exists()
    assert _run([sys.executable, "-c", SCRIPT], env).split() == ["v", "False"]
