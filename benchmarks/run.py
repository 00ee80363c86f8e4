"""Run the benchmarks: every ``benchmarks/bench_*.py`` module's ``main()``, each in its own process.

    .venv/bin/python benchmarks/run.py                 # all of them
    .venv/bin/python benchmarks/run.py workdays        # bench_workdays.py only (names without "bench_")
    .venv/bin/python benchmarks/run.py --list
    make bench [BENCH_ARGS="workdays documents"]

The contract for a benchmark module: ``main(argv: list[str] | None = None) -> dict | None``. It prints what a
person reads, and returns its figures (JSON-serialisable, e.g. seconds and ratios against a baseline measured in
the same run); ``"passed": False`` among them marks a missed target. A module may also run on its own
(``python benchmarks/bench_x.py``). Before the benchmarks, the
database of DATABASE_URL is created if missing and migrated (``--no-migrate`` skips it).

The results of the run, with a description of the machine, go to ``$ARTIFACTS_DIR/benchmarks/<time>.json`` and
``latest.json``. The exit code is 1 when a benchmark failed (raised, or exited non-zero).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def available() -> dict[str, Path]:
    return {path.stem.removeprefix("bench_"): path for path in sorted(HERE.glob("bench_*.py"))}


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def prepare_database() -> None:
    """Create the benchmark database when it does not exist yet, then migrate it (idempotent)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
    except OperationalError:
        if connection.vendor != "postgresql":
            raise
        import psycopg

        db = connection.settings_dict
        print(f"Creating database {db['NAME']}")
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
            dbname="postgres", autocommit=True,
        ) as admin:  # fmt: skip
            admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", "--noinput", verbosity=0)


def run_child(name: str, result_file: Path, argv: list[str]) -> None:
    """In the child process: import the module, call main(), write what it returned."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    module = importlib.import_module(f"bench_{name}")
    figures = module.main(argv)
    result_file.write_text(json.dumps(figures, default=str, ensure_ascii=False))


def run_one(name: str, argv: list[str]) -> dict[str, object]:
    print(f"\n=== {name} " + "=" * max(0, 100 - len(name)), flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        result_file = Path(scratch) / "result.json"
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, str(Path(__file__)), "--child", name, str(result_file), *argv], cwd=ROOT, check=False
        )
        elapsed = time.perf_counter() - started
        figures = json.loads(result_file.read_text()) if result_file.exists() else None
    if child.returncode != 0:
        status = f"failed (exit {child.returncode})"
    elif isinstance(figures, dict) and figures.get("passed") is False:
        status = "missed its target"
    else:
        status = "ok"
    return {"status": status, "seconds": round(elapsed, 2), "results": figures}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        run_child(argv[1], Path(argv[2]), argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--no-migrate", dest="migrate", action="store_false", help="do not prepare the database")
    parser.add_argument("--output", type=Path, help="folder for the results (default: $ARTIFACTS_DIR/benchmarks)")
    args = parser.parse_args(argv)

    benches = available()
    if args.list:
        print("\n".join(benches) or "(no benchmarks yet)")
        return 0
    unknown = sorted(set(args.names) - set(benches))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(benches)}")
    selected = args.names or list(benches)
    if args.migrate and selected:
        prepare_database()

    started_at = datetime.now(UTC)
    results = {name: run_one(name, []) for name in selected}
    report = {"started_at": started_at.isoformat(), "machine": machine(), "benchmarks": results}
    output = args.output or Path(os.environ.get("ARTIFACTS_DIR", ROOT / "artifacts")) / "benchmarks"
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{started_at:%Y%m%d-%H%M%S}.json"
    text = json.dumps(report, indent=2, ensure_ascii=False)
    path.write_text(text)
    (output / "latest.json").write_text(text)

    print("\n=== summary " + "=" * 92)
    for name, outcome in results.items():
        print(f"  {name:<24} {outcome['status']:<20} {outcome['seconds']:8.1f} s")
    print(f"Results: {path}")
    return 0 if all(o["status"] == "ok" for o in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
