"""Throughput of the public pages under gunicorn (results: bench/pages.md).

Starts gunicorn (``--workers 2``, sync) on a PostgreSQL database whose name contains "bench"
(demo data from ``seed_demo`` plus the million items of ``bench/search_bench.py``), with Redis
if ``--redis-url`` is given, and drives each page with wrk on loopback for a fixed time, each
right after a WhiteNoise static file served by the same server (the floor). Also measured: the
first request to the directory after a restart, and the peak RSS of each worker.

    createdb -h 127.0.0.1 -U postgres portal_bench  # then, once:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python manage.py migrate
    DATABASE_URL=… .venv/bin/python manage.py seed_demo
    DATABASE_URL=… .venv/bin/python bench/search_bench.py --items 1000000
    .venv/bin/python bench/pages_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench \\
        --redis-url redis://127.0.0.1:6379/1 --port 8110 --duration 10 --out bench/pages.md

``--app-dir`` runs another checkout of the portal (e.g. ``git archive`` of an older commit) on
the same database, for before/after numbers. Requires ``wrk`` (``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = "/static/css/portal.css"


@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    floor_rps: float
    floor_p50_ms: float


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, *, duration: int, connections: int, threads: int
) -> tuple[float, float, float, int]:
    """Requests/s, p50 and p99 in ms, and non-2xx/3xx answers plus socket errors."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            "Accept-Language: zh-hans",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return rps, p50, p99, errors


def fetch(url: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
        body = response.read()
        return response.status, (time.perf_counter() - started) * 1000, body


def targets(env: dict[str, str], app_dir: Path) -> dict[str, str]:
    """Paths of one demo item, organ guide and published report, read from the database."""
    code = r"""
import django, json
django.setup()
from catalog.models import Item, Organ
from reports.models import PublishedReport
item = Item.objects.filter(status="published").order_by("-published_on", "-id").first()
organ = Organ.objects.filter(parent__isnull=True).order_by("position", "id").first()
report = PublishedReport.objects.select_related("report__organ").order_by("-report__year").first()
print(json.dumps({
    "item": item.pk, "organ": organ.code,
    "report": [report.report.organ.code, report.report.year] if report else None,
}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    pages = {
        "home": "/",
        "directory /items/": "/items/",
        "directory search": "/items/?q=%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80",  # 信息公开
        "item": f"/items/{found['item']}/",
        "guide": f"/organs/{found['organ']}/guide/",
        "items API": "/api/v1/items/",
        "feed": "/feeds/items/",
    }
    if found["report"]:
        pages["report page"] = "/reports/{}/{}/".format(*found["report"])
    return pages


class Gunicorn:
    def __init__(self, app_dir: Path, env: dict[str, str], port: int, workers: int) -> None:
        self.args = [
            sys.executable,
            "-m",
            "gunicorn",
            "disclosure_portal.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--backlog=2048",
        ]
        self.app_dir, self.env, self.url = app_dir, env, f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.args, cwd=self.app_dir, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch(self.url + STATIC)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_rss_mb(self) -> list[float]:
        peaks = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)  # type: ignore[union-attr]
        return peaks

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the portal checkout to run")
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("refusing: the database name must contain 'bench'")

    static_root = Path(tempfile.mkdtemp(prefix="pages-bench-static-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "disclosure_portal.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "off",
        "HTTPS": "off",
        "SECRET_KEY": "pages-bench-not-secret-" + "x" * 40,
        "STATIC_ROOT": str(static_root),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The benchmark measures pages, not the rate limiter.
        "THROTTLE_ANON": "100000000/min",
        "THROTTLE_USER": "100000000/min",
        "PYTHONPATH": str(args.app_dir),
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=args.app_dir,
        env=env,
        check=True,
    )
    pages = targets(env, args.app_dir)
    server = Gunicorn(args.app_dir, env, args.port, args.workers)
    results: list[Result] = []
    cold: dict[str, float] = {}
    try:
        server.start()
        # The first request of a fresh process (no cached tree, facets or page).
        status, cold["directory_first_ms"], _ = fetch(server.url + "/items/")
        assert status == 200
        for name, path in pages.items():
            status, _ms_first, _body = fetch(server.url + path)
            assert status == 200, (name, path, status)
        load = {"connections": args.connections, "threads": args.threads}
        half = max(3, args.duration // 2)
        for name, path in pages.items():
            # The floor just before and just after the page: the machine's load drifts.
            before = wrk(server.url + STATIC, duration=half, **load)
            rps, p50, p99, errors = wrk(server.url + path, duration=args.duration, **load)
            after = wrk(server.url + STATIC, duration=half, **load)
            floor = ((before[0] + after[0]) / 2, (before[1] + after[1]) / 2)
            results.append(Result(name, path, rps, p50, p99, errors, floor[0], floor[1]))
            print(
                f"{name:20} {rps:8.0f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
                f"errors {errors}  (static {floor[0]:.0f} req/s)",
                flush=True,
            )
        rss = server.peak_rss_mb()
        # Restart: the first directory request of new workers, against the warm p50.
        server.stop()
        server.start()
        time.sleep(5)  # every worker has booted (one answering does not mean all have)
        status, cold["directory_after_restart_ms"], _ = fetch(server.url + "/items/")
        _status, cold["directory_second_ms"], _ = fetch(server.url + "/items/")
    finally:
        server.stop()
        shutil.rmtree(static_root, ignore_errors=True)

    print(f"peak RSS per worker: {', '.join(f'{mb:.0f} MB' for mb in rss)}")
    print(
        f"directory: first request of a new process {cold['directory_first_ms']:.0f} ms; "
        f"after a restart {cold['directory_after_restart_ms']:.0f} ms, "
        f"then {cold['directory_second_ms']:.0f} ms"
    )
    print()
    print(
        f"| page {args.label} | path | req/s | p50 ms | p99 ms | errors | static req/s "
        "(same run, mean before + after) | static ÷ page |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.name} | `{r.path}` | {r.rps:.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.errors} | {r.floor_rps:.0f} | {r.floor_rps / r.rps:.1f}× |"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "label": args.label,
                    "results": [r.__dict__ for r in results],
                    "rss_mb": rss,
                    "cold": cold,
                },
                ensure_ascii=False,
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
