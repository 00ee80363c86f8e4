"""`manage.py serve_demo`: the whole portal in one terminal — web server, Celery worker and Celery beat.

The three run as child processes, each in its own process group, so Ctrl-C reaches only this command, which
then stops them in order (beat, web, worker) and waits; a child that does not stop in time is killed with its
whole group, so nothing is left behind. If one child dies, the others are stopped too and the command fails.
On Linux each child also gets SIGTERM if this command is killed outright (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import processes, seed

COLOURS = {"web": "36", "worker": "35", "beat": "33", "demo": "32"}  # cyan, magenta, yellow, green
STOP_TIMEOUT = 20.0  # seconds: the worker finishes its current task before it stops (warm shutdown)
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    reader: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)


class Command(BaseCommand):
    help = "Chạy cổng dịch vụ công với máy chủ web, Celery worker và Celery beat (Ctrl-C để dừng cả ba)."
    requires_system_checks: list = []  # runserver and the worker run Django's checks themselves

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Địa chỉ:cổng của máy chủ web.")
        parser.add_argument("--concurrency", type=int, default=2, help="Số tiến trình của Celery worker.")
        parser.add_argument("--reload", action="store_true", help="Tự nạp lại máy chủ web khi mã nguồn đổi.")
        parser.add_argument("--no-beat", dest="beat", action="store_false", help="Không chạy Celery beat.")

    def handle(self, *args, addr: str, concurrency: int, reload: bool, beat: bool, **options) -> None:
        self._colour = sys.stdout.isatty() and not options.get("no_color")
        self._print_lock = threading.Lock()
        self._warn_missing_libraries()

        children = [
            Child("web", processes.web_argv(addr=addr, reload=reload)),
            Child("worker", processes.worker_argv(concurrency=concurrency, hostname="demo@%h")),
        ]
        if beat:
            children.append(Child("beat", processes.beat_argv()))

        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: stop.set())

        env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # with manage.py's DJANGO_SETTINGS_MODULE
        broker = "Redis" if getattr(settings, "REDIS_URL", None) else "hệ thống tệp (var/celery)"
        self._say(f"Khởi động máy chủ web, Celery worker và beat (hàng đợi: {broker})…")
        # Start every child before any reader thread: preexec_fn is only safe while this process has one thread.
        for child in children:
            child.process = subprocess.Popen(  # noqa: S603 — our own command lines, no shell
                child.argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # one thread only at this point (see above)
            )
        for child in children:
            child.reader = threading.Thread(target=self._relay, args=(child,), daemon=True)
            child.reader.start()
        self._say("Tiến trình: " + ", ".join(f"{c.name} pid {c.process.pid}" for c in children))

        failed = None
        try:
            failed = self._wait_until_ready(children, addr, stop)
            if failed is None and not stop.is_set():
                self._banner(addr)
            while failed is None and not stop.wait(0.5):
                failed = next((c for c in children if not c.running), None)
        finally:
            self._shutdown(children)
        if failed is not None:
            raise CommandError(f"Tiến trình {failed.name} đã dừng (mã {failed.process.returncode}); đã dừng cả nhóm.")
        self._say("Đã dừng máy chủ web, worker và beat.")

    # --- start-up -------------------------------------------------------------------------------------------

    def _warn_missing_libraries(self) -> None:
        """WeasyPrint needs Pango from the system; without it the portal runs but cannot make PDFs."""
        if problem := processes.weasyprint_problem():
            self._say(
                "CẢNH BÁO: thiếu thư viện hệ thống của WeasyPrint, nên chưa tạo được PDF (giấy tiếp nhận, kết quả). "
                "Trên Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "
                f"fonts-liberation2 fonts-noto-core  ({problem})",
                colour="31",
            )

    def _wait_until_ready(self, children: list[Child], addr: str, stop: threading.Event) -> Child | None:
        """Wait for the web server to answer /healthz and for the worker to run a ping task."""
        url = self._url(addr) + "healthz"
        deadline = time.monotonic() + 120
        while not stop.is_set():
            if failed := next((c for c in children if not c.running), None):
                return failed
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — our own http URL
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self._say(f"CẢNH BÁO: máy chủ web chưa trả lời {url} sau 120 giây.", colour="31")
                break
            stop.wait(0.5)
        if stop.is_set():
            return None
        waited = processes.worker_answers(timeout=90)
        if waited is None:
            self._say("CẢNH BÁO: Celery worker chưa xử lý tác vụ kiểm tra sau 90 giây.", colour="31")
        else:
            self._say(f"Celery worker đã nhận và xử lý tác vụ kiểm tra qua hàng đợi ({waited:.1f} giây).")
        return next((c for c in children if not c.running), None)

    def _url(self, addr: str) -> str:
        host, _, port = addr.rpartition(":")
        host = host or "127.0.0.1"
        if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 — only turned into a URL
            host = "127.0.0.1"
        return f"http://{host}:{port}/"

    def _banner(self, addr: str) -> None:
        lines = [
            "",
            f"Cổng Dịch vụ công đang chạy tại {self._url(addr)}",
            f"Trang quản trị: {self._url(addr)}quan-tri/",
            *seed.demo_login_lines(),
        ]
        if getattr(settings, "DEMO_MODE", False):
            lines.append("Thư điện tử của bản demo được ghi vào var/mail/.")
        lines += ["Nhấn Ctrl-C để dừng.", ""]
        for line in lines:
            self._say(line)

    # --- output ---------------------------------------------------------------------------------------------

    def _say(self, line: str, *, colour: str | None = None) -> None:
        self._write("demo", line, colour=colour)

    def _write(self, name: str, line: str, *, colour: str | None = None) -> None:
        tag = f"{name:>6} │ "
        if self._colour:
            tag = f"\033[{COLOURS.get(name, '0')}m{tag}\033[0m"
            if colour:
                line = f"\033[{colour}m{line}\033[0m"
        with self._print_lock:
            self.stdout.write(tag + line)
            self.stdout.flush()

    def _relay(self, child: Child) -> None:
        assert child.process is not None and child.process.stdout is not None
        for raw in iter(child.process.stdout.readline, b""):
            self._write(child.name, raw.decode("utf-8", errors="replace").rstrip())

    # --- shutdown -------------------------------------------------------------------------------------------

    def _shutdown(self, children: list[Child]) -> None:
        """Beat first (no new timers), then web, then the worker (it finishes its task); kill what lingers."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean-up
        order = sorted(children, key=lambda c: ["beat", "web", "worker"].index(c.name))
        self._say("Đang dừng…")
        for child in order:
            if child.running:
                # Only the leader: Celery's main process stops its own pool (a pool process killed under it
                # makes the warm shutdown hang); runserver and beat have no children of their own.
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in order:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            if child.running:
                self._say(f"{child.name} không dừng sau {STOP_TIMEOUT:.0f} giây: buộc dừng.", colour="31")
            # The group may outlive its leader (pool processes, the autoreloader's child): end them all.
            child.signal_group(signal.SIGKILL)
            child.process.wait()
        for child in order:
            if child.reader is not None:
                child.reader.join(timeout=2)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
