"""Container health checks for docker-compose.yml: ``healthcheck.py web|worker|beat``; exit 0 when healthy.

web    — GET /healthz (it queries the database) on the container's own gunicorn, as the reverse proxy would
         send it: the first ALLOWED_HOSTS name as Host, X-Forwarded-Proto https (no redirect to HTTPS).
worker — the Celery worker of this container answers a ping through the broker.
beat   — Celery beat (started with --enable-remote-control) answers a ping; it stops answering when its
         scheduler loop is stuck, so a hung beat is reported too.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project folder, for `import portal`


def web() -> bool:
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost")
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 — a fixed http URL
        return response.status == 200


def celery_node(prefix: str) -> bool:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    from portal.celery import app

    node = f"{prefix}@{socket.gethostname()}"
    replies = app.control.ping(destination=[node], timeout=5.0)
    return any(node in reply for reply in replies)


CHECKS = {"web": web, "worker": lambda: celery_node("celery"), "beat": lambda: celery_node("celerybeat")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(CHECKS)}")
    try:
        healthy = CHECKS[sys.argv[1]]()
    except Exception as exc:  # any failure is "unhealthy", with the reason in `docker inspect`
        print(f"unhealthy: {exc}", file=sys.stderr)
        sys.exit(1)
    sys.exit(0 if healthy else 1)
