"""Benchmark: the public lookup, a year of province statistics, the desk queue and Mẫu 01 — at 1 M and 10 M dossiers.

    .venv/bin/python benchmarks/bench_public.py [--seconds 6] [--rounds 3] [--results benchmarks/RESULTS.md]
    make bench BENCH_ARGS="public"

Issue 7, point 7. Measured side by side in one run, as ratios against baselines of the same run:

* public lookup throughput through gunicorn ÷ a minimal Django JSON view behind the same middleware (≥ 0.7), for
  the page ``/tra-cuu/<code>/`` and the API ``/api/v1/lookup/<code>/``, with random codes of the dataset;
* a year of province statistics (``/api/v1/stats/?…&group_by=agency`` and the dashboard page) and the desk queue
  page, each as time per request ÷ the lookup's (≤ 3×) — statistics with the answer cache off (every request
  computed from the rollups) and, for information, on;
* the Mẫu 01 PDF ÷ WeasyPrint rendering a blank A5 page, in process (≤ 2×);
* for information, the floors under two of these targets: ``/bench/floor/<code>/`` (public_urls.py) makes only the
  lookup's two round trips (the rate limit in Redis, the dossier's query) and answers like the baseline, so its
  throughput ÷ the baseline's is the most any lookup on those round trips can reach; and WeasyPrint on the receipt's
  words alone, in one paragraph, ÷ the blank page is about the least any layout of Mẫu 01 can cost;
* each of these at 10 M dossiers ÷ at 1 M (≤ 1.3×): a server per dataset runs at once and the rounds go through
  both datasets' cases in turn, so that the machine's changing speed touches both alike.

Datasets are databases loaded by ``manage.py seed_bench`` (``motcua_bench`` with 1 M, ``motcua_bench10m`` with
10 M, on the server of DATABASE_URL; ``--datasets 1m=postgres://…,10m=postgres://…`` to choose). A case that is
not available (a dataset not loaded, a page not built yet) is reported as such, not guessed. Cases are named, so
``--cases lookup_page,stats_api`` runs a subset; new ones are added to ``CASES``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
TARGETS = {"lookup": 0.7, "vs_lookup": 3.0, "pdf": 2.0, "scale": 1.3}


@dataclass(frozen=True)
class Case:
    """A named request mix. ``url(rng, ctx)`` gives the next path; ``needs`` names what the dataset must offer."""

    name: str
    label: str
    url: object
    cache: bool = False  # measured with the statistics answer cache on
    needs: str = ""
    session: bool = False
    info: bool = False  # measured for information (a floor), not against a target


def _year(ctx: dict) -> int:
    return ctx["today"].year - 1


CASES = [
    Case("minimal", "minimal Django JSON view (baseline)", lambda rng, ctx: "/bench/minimal/"),
    Case("lookup_page", "lookup page /tra-cuu/<code>/", lambda rng, ctx: f"/tra-cuu/{rng.choice(ctx['codes'])}/"),
    Case(
        "lookup_api",
        "lookup API /api/v1/lookup/<code>/",
        lambda rng, ctx: f"/api/v1/lookup/{rng.choice(ctx['codes'])}/",
    ),
    Case(
        "lookup_floor",
        "floor: rate limit + dossier query, tiny JSON (information)",
        lambda rng, ctx: f"/bench/floor/{rng.choice(ctx['codes'])}/",
        info=True,
    ),
    Case(
        "stats_api",
        "a year of province statistics, API by agency (no cache)",
        lambda rng, ctx: f"/api/v1/stats/?from={_year(ctx)}-01-01&to={_year(ctx)}-12-31&group_by=agency",
    ),
    Case(
        "stats_page",
        "a year of province statistics, dashboard page (no cache)",
        lambda rng, ctx: f"/thong-ke/?kind=year&year={_year(ctx)}",
    ),
    Case(
        "desk_queue",
        "desk queue page of the provincial centre",
        lambda rng, ctx: "/mot-cua/",
        needs="desk",
        session=True,
    ),
    Case(
        "stats_api_cached",
        "a year of province statistics, API by agency (cache on)",
        lambda rng, ctx: f"/api/v1/stats/?from={_year(ctx)}-01-01&to={_year(ctx)}-12-31&group_by=agency",
        cache=True,
    ),
    Case(
        "stats_page_cached",
        "a year of province statistics, dashboard page (cache on)",
        lambda rng, ctx: f"/thong-ke/?kind=year&year={_year(ctx)}",
        cache=True,
    ),
]
PDF_CASE = "mau01_pdf"


# ----------------------------------------------------------------------------------------------- datasets


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def default_datasets() -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua_bench")
    return {"1m": _with_db(base, "motcua_bench"), "10m": _with_db(base, "motcua_bench10m")}


def _django_child(database_url: str, code: str) -> dict:
    """Run ``code`` (which sets ``result``) in a fresh process configured for ``database_url``."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "public_settings",
        "PYTHONPATH": f"{HERE}{os.pathsep}{ROOT}",
    }
    script = (
        "import django, json, sys\n"
        "django.setup()\n"
        "result = {}\n" + code + "\nprint('RESULT ' + json.dumps(result, default=str))\n"
    )
    out = subprocess.run([PYTHON, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"child failed: {out.stderr[-2000:]}")


DATASET_INFO = """
from django.db import connection
from dossiers.models import Dossier
from reporting.models import DailyStat, StatSlice
from portal import clock
if "dossiers_dossier" not in connection.introspection.table_names():
    result["error"] = "not migrated"
else:
    with connection.cursor() as c:
        c.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'dossiers_dossier'")
        result["dossiers"] = int(c.fetchone()[0])
        c.execute("SELECT code FROM dossiers_dossier TABLESAMPLE SYSTEM (1) WHERE code IS NOT NULL LIMIT 5000")
        result["codes"] = [r[0] for r in c.fetchall()]
        c.execute("SELECT min(received_at), max(received_at) FROM dossiers_dossier")
        low, high = c.fetchone()
        result["span"] = [str(low), str(high)]
        c.execute("SELECT count(*) FROM reporting_dailystat")
        result["rollup_rows"] = c.fetchone()[0]
        result["slices"] = StatSlice.objects.count()
        c.execute("SELECT pg_size_pretty(pg_total_relation_size('dossiers_dossier'))")
        result["table_size"] = c.fetchone()[0]
    result["today"] = clock.today().isoformat()
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from portal.models import User
    officer = User.objects.filter(email="motcua.tinh@longan.gov.vn").first()
    if officer:
        session = SessionStore()
        session[SESSION_KEY] = str(officer.pk)
        session[BACKEND_SESSION_KEY] = "portal.accounts.backends.EmailOrPhoneBackend"
        session[HASH_SESSION_KEY] = officer.get_session_auth_hash()
        session.save()
        result["session"] = session.session_key
"""

PDF_CHILD = """
import random, statistics, time
from django.db import transaction
from dossiers.models import Dossier, IssuedDocument
try:
    from dossiers.documents import render, service
except ImportError as exc:
    result["error"] = f"documents not available: {exc}"
else:
    ids = list(Dossier.objects.filter(code__isnull=False).order_by("?").values_list("pk", flat=True)[:50]) \\
        if Dossier.objects.count() < 200000 else []
    if not ids:
        from django.db import connection
        with connection.cursor() as c:
            c.execute("SELECT id FROM dossiers_dossier TABLESAMPLE SYSTEM (0.1) WHERE code IS NOT NULL LIMIT 50")
            ids = [r[0] for r in c.fetchall()]
    from bench_documents import words_alone
    kind = IssuedDocument.Kind.RECEIPT
    blank, receipt, words = [], [], []
    with transaction.atomic():
        render.render_blank(page_size="A5")
        service.render_document(Dossier.objects.get(pk=ids[0]), kind)
        spec = service.build(Dossier.objects.get(pk=ids[0]), kind)
        words_html = words_alone(
            render.render_html(spec.template, {**spec.context, "number": spec.number_text}, page_size=spec.page_size)
        )
        for i in range(ROUNDS):
            t = time.perf_counter(); render.render_blank(page_size="A5"); blank.append(time.perf_counter() - t)
            t = time.perf_counter()
            service.render_document(Dossier.objects.get(pk=ids[i % len(ids)]), kind)
            receipt.append(time.perf_counter() - t)
            t = time.perf_counter(); render.html_to_pdf(words_html); words.append(time.perf_counter() - t)
        transaction.set_rollback(True)
    result["blank"] = statistics.median(blank)
    result["receipt"] = statistics.median(receipt)
    result["ratio"] = statistics.median(r / b for r, b in zip(receipt, blank))
    result["words"] = statistics.median(words)
    result["words_ratio"] = statistics.median(w / b for w, b in zip(words, blank))
"""


# ----------------------------------------------------------------------------------------------- server


class Server:
    """gunicorn serving the portal (sync workers) on a free port, for one dataset and one cache setting."""

    def __init__(self, database_url: str, *, cache: bool, workers: int) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "public_settings",
            "PYTHONPATH": f"{HERE}{os.pathsep}{ROOT}",
            "STATS_CACHE_SECONDS": "3600" if cache else "0",
            "DB_CONN_MAX_AGE": "600",
        }
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = request(self.port, "/bench/minimal/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, path: str, cookie: str = "") -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": "127.0.0.1", "Accept-Language": "vi"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, len(body)


@dataclass
class Measure:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load(port: int, case: Case, ctx: dict, *, seconds: float, concurrency: int, seed: int) -> Measure:
    """``concurrency`` clients sending requests back to back for ``seconds``."""
    out = Measure()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    cookie = f"sessionid={ctx['session']}" if case.session and ctx.get("session") else ""

    def client(n: int) -> None:
        rng = random.Random(seed * 100 + n)
        local = Measure()
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status, _size = request(port, case.url(rng, ctx), cookie)
            except OSError:
                status = 0
            local.latencies.append(time.perf_counter() - started)
            local.requests += 1
            if status != 200:
                local.errors += 1
        with lock:
            out.requests += local.requests
            out.errors += local.errors
            out.latencies.extend(local.latencies)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.seconds = time.monotonic() - started
    return out


# ----------------------------------------------------------------------------------------------- the run


def machine() -> dict:
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text().splitlines()[0]
        info["memory_gb"] = round(int(meminfo.split()[1]) / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    info["load_average_at_start"] = os.getloadavg()
    with contextlib.suppress(OSError):
        info["postgresql"] = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    return info


def dataset_info(name: str, url: str) -> tuple[dict, dict | None]:
    """``(results, ctx)``: what the dataset holds (results["available"]) and what requests need (codes, session)."""
    print(f"\n--- dataset {name}: {urlsplit(url).path.lstrip('/')}", flush=True)
    try:
        info = _django_child(url, DATASET_INFO)
    except RuntimeError as exc:
        print(f"  not available: {str(exc)[-300:]}")
        return {"available": False, "reason": str(exc)[-300:]}, None
    if info.get("error") or not info.get("codes"):
        reason = info.get("error") or "no dossiers: run manage.py seed_bench"
        print(f"  not available: {reason}")
        return {"available": False, "reason": reason}, None
    ctx = {"codes": info["codes"], "today": date.fromisoformat(info["today"]), "session": info.get("session")}
    print(
        f"  {info['dossiers']:,} dossiers ({info['table_size']}), received {info['span'][0][:10]} … "
        f"{info['span'][1][:10]}; rollups: {info['rollup_rows']:,} rows over {info['slices']} slices"
    )
    return {"available": True, "info": {k: v for k, v in info.items() if k not in ("codes", "session")}}, ctx


def measure_all(datasets: dict[str, str], args, cases: list[Case]) -> dict:
    """Every case on every dataset. One gunicorn per dataset (and cache setting) runs at once, and the rounds go
    through every dataset's cases in turn, so that a shared machine's changing speed touches 1 M and 10 M alike."""
    results: dict[str, dict] = {}
    contexts: dict[str, dict] = {}
    for name, url in datasets.items():
        results[name], ctx = dataset_info(name, url)
        if ctx is not None:
            contexts[name] = ctx
    for cache in (False, True):
        group = [c for c in cases if c.cache == cache]
        if not group or not contexts:
            continue
        servers: dict[str, Server] = {}
        try:
            runnable: dict[str, list[Case]] = {}
            for name, ctx in contexts.items():
                server = servers[name] = Server(datasets[name], cache=cache, workers=args.workers)
                runnable[name] = []
                for case in group:
                    if case.name != "minimal":
                        cookie = f"sessionid={ctx['session']}" if case.session and ctx.get("session") else ""
                        status, _ = request(server.port, case.url(random.Random(1), ctx), cookie)
                        if status != 200:
                            print(f"  [{name}] {case.name}: not available (HTTP {status})")
                            results[name][case.name] = {"available": False, "reason": f"HTTP {status}"}
                            continue
                    runnable[name].append(case)
                if cache and not any(c.name == "minimal" for c in runnable[name]):
                    runnable[name].insert(0, next(c for c in CASES if c.name == "minimal"))
            for name, group_cases in runnable.items():  # warm up every case of every dataset
                for case in group_cases:
                    load(servers[name].port, case, contexts[name], seconds=1.0, concurrency=args.concurrency, seed=0)
            samples = {(name, c.name): [] for name, group_cases in runnable.items() for c in group_cases}
            for r in range(args.rounds):
                for name, group_cases in runnable.items():
                    for case in group_cases:
                        measure = load(
                            servers[name].port,
                            case,
                            contexts[name],
                            seconds=args.seconds,
                            concurrency=args.concurrency,
                            seed=r + 1,
                        )
                        samples[(name, case.name)].append(measure)
            for name, group_cases in runnable.items():
                print(f"  [{name}] {'with the statistics cache on' if cache else 'cache off'}:")
                for case in group_cases:
                    key = case.name if not (cache and case.name == "minimal") else "minimal_cached_server"
                    results[name][key] = _summary(samples[(name, case.name)])
                    item = results[name][key]
                    print(
                        f"    {case.label:<60} {item['throughput']:8.1f} req/s   p50 {item['p50_ms']:7.1f} ms"
                        f"   p95 {item['p95_ms']:7.1f} ms   errors {item['errors']}"
                    )
        finally:
            for server in servers.values():
                server.stop()
    if args.pdf:
        for name in contexts:
            try:
                pdf = _django_child(datasets[name], f"ROUNDS = {args.pdf_rounds}\n" + PDF_CHILD)
            except RuntimeError as exc:
                pdf = {"error": str(exc)[-300:]}
            if pdf.get("error"):
                print(f"  [{name}] {PDF_CASE}: not available ({pdf['error']})")
                results[name][PDF_CASE] = {"available": False, "reason": pdf["error"]}
            else:
                results[name][PDF_CASE] = {"available": True, **pdf}
                print(
                    f"  [{name}] {'Mẫu 01 PDF vs blank A5 page (in process)':<60} {pdf['receipt'] * 1000:8.1f} ms "
                    f"vs {pdf['blank'] * 1000:.1f} ms = {pdf['ratio']:.2f}×"
                )
    return results


def _summary(measures: list[Measure]) -> dict:
    throughput = statistics.median(m.throughput for m in measures)
    latencies = sorted(x for m in measures for x in m.latencies)
    return {
        "available": True,
        "throughput": throughput,
        "ms_per_request": 1000 / throughput if throughput else None,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)] if latencies else None,
        "requests": sum(m.requests for m in measures),
        "errors": sum(m.errors for m in measures),
    }


def ratios(results: dict) -> list[dict]:
    """Every target of point 7 as one row: what, value, target, passed (None when not measurable)."""
    rows = []

    def info(what: str, value: float, note: str) -> None:
        rows.append({"what": what, "value": value, "target": "", "passed": None, "note": note, "info": True})

    def add(what: str, value: float | None, target: float, higher_is_better: bool = False, note: str = "") -> None:
        passed = None if value is None else (value >= target if higher_is_better else value <= target)
        rows.append(
            {
                "what": what,
                "value": value,
                "target": ("≥ " if higher_is_better else "≤ ") + f"{target}",
                "passed": passed,
                "note": note,
            }
        )

    for dataset, data in results.items():
        if not data.get("available"):
            rows.append(
                {
                    "what": f"[{dataset}] dataset",
                    "value": None,
                    "target": "",
                    "passed": None,
                    "note": data.get("reason", ""),
                }
            )
            continue

        def tp(name: str, data=data) -> float | None:
            item = data.get(name) or {}
            return item.get("throughput") if item.get("available") else None

        base = tp("minimal")
        for name in ("lookup_page", "lookup_api"):
            value = tp(name) / base if tp(name) and base else None
            add(f"[{dataset}] {name} throughput ÷ minimal JSON view", value, TARGETS["lookup"], higher_is_better=True)
        if tp("lookup_floor") and base:
            info(
                f"[{dataset}] lookup_floor throughput ÷ minimal JSON view",
                tp("lookup_floor") / base,
                "the most a lookup making its two round trips can reach",
            )
        lookup = tp("lookup_api")
        for name in ("stats_api", "stats_page", "desk_queue", "stats_api_cached", "stats_page_cached"):
            value = lookup / tp(name) if tp(name) and lookup else None
            note = "" if tp(name) else (data.get(name) or {}).get("reason", "not measured")
            add(f"[{dataset}] {name} time per request ÷ lookup API", value, TARGETS["vs_lookup"], note=note)
        pdf = data.get(PDF_CASE) or {}
        add(
            f"[{dataset}] Mẫu 01 PDF ÷ blank WeasyPrint page",
            pdf.get("ratio"),
            TARGETS["pdf"],
            note=pdf.get("reason", ""),
        )
        if pdf.get("words_ratio"):
            info(
                f"[{dataset}] Mẫu 01's words alone ÷ blank WeasyPrint page",
                pdf["words_ratio"],
                "the least WeasyPrint spends on the receipt's text in any layout",
            )
    small, large = results.get("1m", {}), results.get("10m", {})
    if small.get("available") and large.get("available"):
        # HTTP cases of both datasets are measured in the same interleaved rounds (measure_all), so their times
        # compare directly. Mẫu 01 is rendered in process, one dataset after the other: it is compared relative to
        # the blank page rendered in the same rounds, the raw ratio beside it.
        for case in [c for c in CASES if c.name != "minimal" and not c.info] + [None]:
            name = case.name if case else PDF_CASE
            a, b = small.get(name) or {}, large.get(name) or {}
            value, note = None, ""
            if a.get("available") and b.get("available"):
                if case is None:
                    value = b["ratio"] / a["ratio"]
                    note = f"relative to the blank page; raw {b['receipt'] / a['receipt']:.2f}"
                else:
                    value, note = a["throughput"] / b["throughput"], ""
            add(f"[10m ÷ 1m] {name} time per request", value, TARGETS["scale"], note=note)
    return rows


def _verdict(row: dict, *, missed: str) -> str:
    if row.get("info"):
        return "information"
    return {True: "met", False: missed, None: "not measured"}[row["passed"]]


def write_results(path: Path, *, machine_info: dict, results: dict, rows: list[dict], args) -> None:
    lines = [
        "# Benchmark results — public lookup, statistics, desk queue, Mẫu 01 (issue 7, point 7)",
        "",
        f"Run of `benchmarks/bench_public.py` on {time.strftime('%Y-%m-%d %H:%M %Z')}: {args.rounds} interleaved "
        f"rounds of {args.seconds:g} s per case, {args.concurrency} concurrent clients, gunicorn with "
        f"{args.workers} sync workers, PostgreSQL and Redis on the same machine.",
        "",
        "## Machine",
        "",
    ]
    for key, value in machine_info.items():
        lines.append(f"- {key}: {value}")
    lines += ["", "## Datasets", ""]
    for name, data in results.items():
        if data.get("available"):
            info = data["info"]
            lines.append(
                f"- **{name}**: {info['dossiers']:,} dossiers ({info['table_size']} with indexes), received "
                f"{info['span'][0][:10]} … {info['span'][1][:10]}; rollups {info['rollup_rows']:,} rows over "
                f"{info['slices']} slices"
            )
        else:
            lines.append(f"- **{name}**: not available — {data.get('reason', '')}")
    lines += [
        "",
        "## Measurements",
        "",
        "| dataset | case | req/s | ms per request | p50 ms | p95 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    labels = {c.name: c.label for c in CASES} | {"minimal_cached_server": "minimal Django JSON view, cache-on server"}
    for name, data in results.items():
        if not data.get("available"):
            continue
        for case, item in data.items():
            if case in ("available", "info") or not isinstance(item, dict) or not item.get("available"):
                continue
            if case == PDF_CASE:
                lines.append(f"| {name} | Mẫu 01 PDF (in process) | | {item['receipt'] * 1000:.1f} | | | |")
                lines.append(
                    f"| {name} | blank A5 page, WeasyPrint (in process) | | {item['blank'] * 1000:.1f} | | | |"
                )
                if "words" in item:
                    lines.append(
                        f"| {name} | Mẫu 01's words alone, WeasyPrint (in process) | | "
                        f"{item['words'] * 1000:.1f} | | | |"
                    )
                continue
            lines.append(
                f"| {name} | {labels.get(case, case)} | {item['throughput']:.1f} | {item['ms_per_request']:.2f} | "
                f"{item['p50_ms']:.1f} | {item['p95_ms']:.1f} | {item['errors']} |"
            )
    lines += ["", "## Ratios against the targets", "", "| what | ratio | target | verdict |", "|---|---:|---|---|"]
    for row in rows:
        value = "" if row["value"] is None else f"{row['value']:.2f}"
        verdict = _verdict(row, missed="**missed**")
        if row["note"]:
            verdict += f" ({row['note']})"
        lines.append(f"| {row['what']} | {value} | {row['target']} | {verdict} |")
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", help="name=DATABASE_URL,… (default: 1m=motcua_bench,10m=motcua_bench10m)")
    parser.add_argument("--cases", help="comma-separated case names (default: all); see CASES")
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (the median is kept)")
    parser.add_argument("--concurrency", type=int, default=6, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--no-pdf", dest="pdf", action="store_false", help="skip the Mẫu 01 comparison")
    parser.add_argument("--pdf-rounds", type=int, default=15)
    parser.add_argument("--results", type=Path, help="write a RESULTS.md-style report to this file")
    args, _unknown = parser.parse_known_args(argv)

    datasets = default_datasets()
    if args.datasets:
        datasets = dict(item.split("=", 1) for item in args.datasets.split(","))
    cases = CASES
    if args.cases:
        wanted = set(args.cases.split(","))
        cases = [c for c in CASES if c.name in wanted or c.name == "minimal"]
        args.pdf = args.pdf and PDF_CASE in wanted
    machine_info = machine()
    print("Public benchmark —", ", ".join(f"{k}: {v}" for k, v in machine_info.items()))
    results = measure_all(datasets, args, cases)
    rows = ratios(results)
    print("\nRatios against the targets:")
    for row in rows:
        value = "   —  " if row["value"] is None else f"{row['value']:6.2f}"
        verdict = _verdict(row, missed="MISSED")
        print(f"  {row['what']:<62} {value}  target {row['target']:<6} {verdict} {row['note']}")
    if args.results:
        write_results(args.results, machine_info=machine_info, results=results, rows=rows, args=args)
        print(f"Written: {args.results}")
    measured = [r for r in rows if r["passed"] is not None]
    return {"results": results, "ratios": rows, "passed": bool(measured) and all(r["passed"] for r in measured)}


if __name__ == "__main__":
    sys.exit(0 if main()["passed"] else 1)
