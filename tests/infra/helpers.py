"""Running the project's own commands in a subprocess, as CI and an operator do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent


def run(
    argv: list[str], *, env: dict[str, str] | None = None, timeout: float = 300, **kwargs
) -> subprocess.CompletedProcess:
    """Run a command in the project folder; output captured as text."""
    return subprocess.run(
        argv, cwd=ROOT, env=env if env is not None else dict(os.environ), capture_output=True, text=True,
        timeout=timeout, check=False, **kwargs,
    )  # fmt: skip


def manage(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return run([sys.executable, str(ROOT / "manage.py"), *args], env=env, timeout=timeout)


def output(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
