"""A swarm of real browsers against the app served as replicas behind HAProxy.

    python benchmarks/load.py [--browsers 2 4 8] [--duration 90] [--control-browsers 4]

HTTP-only load tools cannot speak Streamlit's websocket protocol, so each visitor is a
browser context in Debian's headless Chromium (Playwright, /usr/bin/chromium), with its
own cookies and so its own Streamlit session. A visitor repeats one round until the run's
time is up: open the Cotton and textiles page, change the Measure filter, download the
first chart as PNG (built on click by kaleido), go to the Exposure modeller, upload a
small import file (4 lines) and download the CSV report. Each of these six steps is one
timed interaction: from the click to the page settled (or the download saved and checked).

Configurations, each on freshly started replicas (`deploy.replicas`, as `make serve`):
2 replicas with cookie affinity and 2, 4, 8 browsers; 1 replica with the middle browser
count (the one-process baseline, same run); and the control: 2 replicas round robin
without affinity, where uploads and click-built downloads reach the replica that does not
hold the session (HTTP 400 "Invalid session_id", 404 for the file). Loopback only; each
configuration is bounded by --duration plus one round per visitor.

Prints interactions per minute, p50/p95 interaction time, errors by kind (in the browser
and in HAProxy's log), each replica's CPU seconds and memory (its process tree: Streamlit
and kaleido's Chromium, sampled by psutil) per session, and where the machine's CPU went.
Figures, raw timings and the replicas' and HAProxy's logs go to benchmarks/out/. It
asserts nothing. Browsers and replicas share the machine's cores: see the load it reports.
"""

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import statistics
import struct
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

import exposure  # noqa: E402
from dashboard.export import read_export_csv  # noqa: E402
from deploy import replicas  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, DOWNLOADS, free_port  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
# A step slower than this counts as an error. Generous: on this shared 2-core machine the
# swarm's own Chromium renders every chart the visitors see.
STEP_TIMEOUT_MS = 120_000
LINES = [
    "610910,CHN,1000000,5000,u,Alpha Garments",
    "520812,Vietnam,250000,,,Beta Mills",
    "200290,CHN,40000,,kg,Gamma Foods",
    "847130,CHN,300000,,,Zeta Electronics",
]
UPLOAD = ("\n".join([exposure.template_csv().decode().splitlines()[0], *LINES]) + "\n").encode()
MEASURES = ["Quantity (HS6 only)", "Value (USD)"]
SETTLED = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
# Requests only the replica holding the session can answer.
SESSION_PATHS = ("/_stcore/upload_file/", "/media/")


@dataclass
class Interaction:
    visitor: int
    kind: str
    started: float
    seconds: float
    error: str | None = None


@dataclass
class Config:
    name: str
    replicas: int
    browsers: int
    sticky: bool = True


@dataclass
class Usage:
    """CPU seconds and unique memory (USS) of each replica's process tree over a run."""

    cpu_start: dict[str, float] = field(default_factory=dict)
    cpu_end: dict[str, float] = field(default_factory=dict)
    uss_start_mb: dict[str, float] = field(default_factory=dict)
    uss_peak_mb: dict[str, float] = field(default_factory=dict)


def tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_usage(pid: int) -> tuple[float, float]:
    """(CPU seconds, memory MiB) of a process and its descendants now. Memory is USS, the
    pages no other process maps: kaleido's Chromium shares most of its pages with the
    other Chromium processes (the swarm's too), which RSS counts in each and PSS divides
    by however many are running."""
    cpu = uss = 0.0
    for proc in tree(pid):
        try:
            t = proc.cpu_times()
            cpu += t.user + t.system
            uss += proc.memory_full_info().uss / 2**20
        except psutil.NoSuchProcess:
            pass
    return cpu, uss


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy so far (every process, all cores)."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + t.steal


HAPROXY_LINE = re.compile(r'replicas/(\S+) \S+ (\d{3}) .*"(\w+) (\S+)')


def haproxy_counts(log: Path, start: int = 0) -> dict[str, int]:
    """Uploads and file downloads as HAProxy logged them from byte `start` on (after the
    warm-up): 'status METHOD kind'."""
    counts: dict[str, int] = {}
    with log.open("rb") as f:
        f.seek(start)
        text = f.read().decode(errors="replace")
    for line in text.splitlines():
        m = HAPROXY_LINE.search(line)
        if not m:
            continue
        server, status, method, url = m.groups()
        path = urlsplit(url).path
        if path.startswith(SESSION_PATHS):
            kind = "upload_file" if "upload_file" in path else "media"
            key = f"{status} {method} {kind}"
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


class Sampler(threading.Thread):
    """Peak USS of each replica's tree, sampled every `every` seconds."""

    def __init__(self, served: replicas.Serving, usage: Usage, every: float = 1.0):
        super().__init__(daemon=True)
        self.served, self.usage, self.every = served, usage, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            for name, proc in self.served.procs.items():
                uss = tree_usage(proc.pid)[1]
                self.usage.uss_peak_mb[name] = max(self.usage.uss_peak_mb.get(name, 0), uss)


async def settle(page) -> None:
    await page.wait_for_function(SETTLED, timeout=STEP_TIMEOUT_MS)


async def charts(page, count: int = 2) -> None:
    await page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= {count}",
        timeout=STEP_TIMEOUT_MS,
    )
    await settle(page)


async def no_exception(page) -> None:
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the page shows an exception")


async def downloaded(page, button) -> bytes:
    async with page.expect_download(timeout=STEP_TIMEOUT_MS) as info:
        await button.click()
    download = await info.value
    failure = await download.failure()
    if failure:
        raise RuntimeError(f"download failed: {failure}")
    return Path(await download.path()).read_bytes()


class Visitor:
    def __init__(self, number: int, browser, url: str, pin: str | None):
        self.number, self.browser, self.url, self.pin = number, browser, url, pin
        self.log: list[Interaction] = []
        self.http_errors: list[dict] = []
        self.page_errors: list[str] = []
        self.rounds = 0
        self.replica: str | None = None  # HAProxy's cookie at the end (with affinity)

    async def open(self) -> None:
        self.context = await self.browser.new_context(
            viewport={"width": 1400, "height": 1800}, accept_downloads=True
        )
        if self.pin:
            await self.context.add_cookies(
                [{"name": replicas.AFFINITY_COOKIE, "value": self.pin, "url": self.url}]
            )
        self.page = await self.context.new_page()
        self.page.on("response", self._on_response)
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)[:200]))

    def _on_response(self, response) -> None:
        path = urlsplit(response.url).path
        if response.status >= 400 and path.startswith(SESSION_PATHS):
            entry = {
                "status": response.status,
                "path": "upload_file" if "upload_file" in path else "media",
                "replica": response.headers.get("x-replica"),
            }
            self.http_errors.append(entry)
            asyncio.ensure_future(self._body(response, entry))

    @staticmethod
    async def _body(response, entry: dict) -> None:
        try:
            entry["body"] = (await response.text())[:120]
        except Exception as exc:  # the body may be gone once the page moved on
            entry["body"] = f"(unread: {type(exc).__name__})"

    async def step(self, kind: str, action) -> bool:
        started = time.monotonic()
        error = None
        try:
            await action()
            await no_exception(self.page)
        except Exception as exc:
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
        self.log.append(Interaction(self.number, kind, started, time.monotonic() - started, error))
        return error is None

    async def round(self) -> None:
        page, sidebar = self.page, self.page.locator('[data-testid="stSidebar"]')
        k = self.rounds
        name = f"visitor{self.number}_round{k}.csv"

        async def open_cotton():
            if k == 0 or self.log[-1].error:
                await page.goto(f"{self.url}/cotton_and_textiles", timeout=STEP_TIMEOUT_MS)
            else:
                await sidebar.get_by_role("link", name="Cotton and textiles").click()
            await charts(page)

        async def change_filter():
            await sidebar.get_by_text(MEASURES[k % 2], exact=True).click()
            await page.wait_for_timeout(300)
            await charts(page)

        async def png():
            # The chart's download buttons are drawn when its popover opens.
            panel = page.locator('[data-testid="stPopoverBody"]')
            button = panel.get_by_role("button", name="PNG image")
            if not await button.is_visible():
                popover = page.locator('[data-testid="stPopover"]').filter(has_text=DOWNLOADS)
                await popover.first.locator("button").first.click()
            await button.wait_for(timeout=STEP_TIMEOUT_MS)
            data = await downloaded(page, button)
            if data[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">I", data[16:20])[0] < 100:
                raise RuntimeError("not a PNG")

        async def open_modeller():
            await sidebar.get_by_role("link", name="Exposure modeller").click()
            await page.get_by_role("button", name="Download the template (CSV)").wait_for(
                timeout=STEP_TIMEOUT_MS
            )
            await settle(page)

        async def upload():
            await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                {"name": name, "mimeType": "text/csv", "buffer": UPLOAD}
            )
            # "All 4 lines ... passed the checks", or "4 lines ... used" beside a warning
            passed = page.get_by_text(f"4 lines from file {name}")
            failed = page.locator('[data-testid="stFileChipIconError"]')
            await passed.or_(failed).first.wait_for(timeout=STEP_TIMEOUT_MS)
            if await failed.count():
                raise RuntimeError("the upload failed (error on the file chip)")
            await settle(page)

        async def csv_report():
            data = await downloaded(page, page.get_by_role("button", name="CSV report"))
            if len(read_export_csv(data)[1]) != len(LINES):
                raise RuntimeError("the CSV report does not hold the 4 lines")

        steps = [
            ("open page", open_cotton),
            ("change filter", change_filter),
            ("PNG download", png),
            ("open modeller", open_modeller),
            ("upload", upload),
            ("CSV download", csv_report),
        ]
        for kind, action in steps:
            if not await self.step(kind, action):
                break  # the next round starts from a fresh page load
        self.rounds += 1

    async def run(self, deadline: float) -> None:
        await self.open()
        try:
            while True:
                await self.round()
                if time.monotonic() >= deadline:
                    break
            cookies = {c["name"]: c["value"] for c in await self.context.cookies()}
            self.replica = cookies.get(replicas.AFFINITY_COOKIE)
        finally:
            await self.context.close()


async def swarm(url: str, browsers: int, seconds: float, pins: list[str | None]) -> list[Visitor]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            visitors = [Visitor(i, browser, url, pins[i % len(pins)]) for i in range(browsers)]
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(v.run(deadline) for v in visitors))
        finally:
            await browser.close()
    return visitors


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summarise(cfg: Config, visitors: list[Visitor], usage: Usage, wall: float) -> dict:
    log = [i for v in visitors for i in v.log]
    ok = [i.seconds for i in log if i.error is None]
    errors: dict[str, int] = {}
    for i in log:
        if i.error:
            key = f"{i.kind}: {i.error.split(':')[0]}"
            errors[key] = errors.get(key, 0) + 1
    http: dict[str, int] = {}
    for v in visitors:
        for e in v.http_errors:
            invalid = " Invalid session_id" if "Invalid session_id" in e.get("body", "") else ""
            key = f"{e['status']} {e['path']}{invalid}"
            http[key] = http.get(key, 0) + 1
    spread: dict[str, int] = {}
    for v in visitors:
        spread[v.replica or "?"] = spread.get(v.replica or "?", 0) + 1
    per_replica = {}
    for name in usage.cpu_end:
        # With affinity, the sessions HAProxy gave this replica; without, an even share.
        sessions_per_replica = spread.get(name) or cfg.browsers / cfg.replicas
        cpu = usage.cpu_end[name] - usage.cpu_start[name]
        grown = usage.uss_peak_mb.get(name, 0) - usage.uss_start_mb[name]
        per_replica[name] = {
            "cpu_s": round(cpu, 1),
            "cpu_share": round(cpu / wall, 2),
            "cpu_s_per_session_minute": round(cpu / wall * 60 / sessions_per_replica, 1),
            "uss_start_mb": round(usage.uss_start_mb[name]),
            "uss_peak_mb": round(usage.uss_peak_mb.get(name, 0)),
            "uss_per_session_mb": round(grown / sessions_per_replica, 1),
            "sessions": sessions_per_replica,
        }
    return {
        "config": asdict(cfg),
        "wall_s": round(wall, 1),
        "rounds": sum(v.rounds for v in visitors),
        "interactions": len(log),
        "ok": len(ok),
        "interactions_per_min": round(len(ok) / wall * 60, 1),
        "p50_s": round(percentile(ok, 50), 2) if ok else None,
        "p95_s": round(percentile(ok, 95), 2) if ok else None,
        "by_kind_p50_s": {
            kind: round(statistics.median(xs), 2)
            for kind in dict.fromkeys(i.kind for i in log)
            if (xs := [i.seconds for i in log if i.kind == kind and i.error is None])
        },
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "http_errors": http,
        "page_errors": sum(len(v.page_errors) for v in visitors),
        "replicas": per_replica,
        # What the visitors' interactions cost the replicas, whatever the swarm's own pace.
        "replica_cpu_s_per_interaction": (
            round(sum(u["cpu_s"] for u in per_replica.values()) / len(ok), 2) if ok else None
        ),
        "load_avg_end": os.getloadavg()[0],
    }


def warm_up(url: str, pins: list[str | None]) -> None:
    """One round per replica, so that caches and kaleido's Chromium are up before the
    memory baseline; not counted."""
    visitors = asyncio.run(swarm(url, len(pins), 0.1, pins))
    failed = [i for v in visitors for i in v.log if i.error]
    if failed:
        print(f"  warm-up errors: {[i.error for i in failed]}", flush=True)


def run_config(
    cfg: Config, db: Path, seconds: float, run_dir: Path
) -> tuple[dict, list[Interaction]]:
    p = replicas.plan(
        cfg.replicas,
        free_port(),
        replica_ports=[free_port() for _ in range(cfg.replicas)],
        sticky=cfg.sticky,
    )
    names = [r.name for r in p.replicas]
    with replicas.serving(p, db, run_dir=run_dir) as served:
        warm_up(served.url, names if cfg.sticky else [None])
        time.sleep(3)
        usage = Usage()
        for name, proc in served.procs.items():
            usage.cpu_start[name], usage.uss_start_mb[name] = tree_usage(proc.pid)
        sampler = Sampler(served, usage)
        sampler.start()
        load_start = os.getloadavg()[0]
        log_start = (run_dir / "haproxy.log").stat().st_size
        servers = [proc.pid for proc in served.procs.values()] + [served.haproxy.pid]
        own_start, machine_start = tree_usage(os.getpid())[0], busy_cpu_seconds()
        served_start = sum(tree_usage(pid)[0] for pid in servers)
        started = time.monotonic()
        # With affinity, new visitors are spread by HAProxy (leastconn), as in production.
        visitors = asyncio.run(swarm(served.url, cfg.browsers, seconds, [None]))
        wall = time.monotonic() - started
        sampler.stopped.set()
        sampler.join()
        for name, proc in served.procs.items():
            usage.cpu_end[name] = tree_usage(proc.pid)[0]
        served_cpu = sum(tree_usage(pid)[0] for pid in servers) - served_start
        own_cpu = tree_usage(os.getpid())[0] - own_start
        machine_cpu = busy_cpu_seconds() - machine_start
    result = summarise(cfg, visitors, usage, wall)
    result["load_avg_start"] = load_start
    result["haproxy_log"] = haproxy_counts(run_dir / "haproxy.log", log_start)
    # Where the cores went during the swarm (CPU seconds): replicas and HAProxy, the
    # swarm's own browsers (this script's other descendants), everything else running.
    result["cpu_s"] = {
        "replicas_and_haproxy": round(served_cpu, 1),
        "swarm_browsers": round(own_cpu - served_cpu, 1),
        "other_processes": round(machine_cpu - own_cpu, 1),
        "machine_capacity": round(wall * psutil.cpu_count(), 1),
    }
    result["threads"], result["memory_limit"] = p.threads, p.memory_limit
    result["cores"] = {r.name: list(r.cpus) for r in p.replicas}
    return result, [i for v in visitors for i in v.log]


def print_result(r: dict) -> None:
    c = r["config"]
    print(
        f"\n{c['name']}: {c['replicas']} replica(s), {c['browsers']} browsers, "
        f"{'cookie affinity' if c['sticky'] else 'round robin, no affinity'}, "
        f"{r['wall_s']} s, load {r['load_avg_start']:.1f} -> {r['load_avg_end']:.1f}"
    )
    print(
        f"  interactions {r['ok']} ok of {r['interactions']} ({r['rounds']} rounds): "
        f"{r['interactions_per_min']} per min; p50 {r['p50_s']} s, p95 {r['p95_s']} s"
    )
    print(f"  p50 by step: {r['by_kind_p50_s']}")
    print(f"  replica CPU per interaction: {r['replica_cpu_s_per_interaction']} s")
    print(f"  errors: {r['errors']} {r['errors_by_kind'] or ''}")
    print(f"  HTTP errors on uploads/downloads: {r['http_errors'] or 'none'}")
    print(f"  uploads/downloads in HAProxy's log: {r['haproxy_log']}")
    print(f"  page errors: {r['page_errors']}; CPU seconds: {r['cpu_s']}")
    for name, u in r["replicas"].items():
        print(
            f"  {name} (cores {r['cores'][name] or 'any'}, {u['sessions']:g} sessions): "
            f"CPU {u['cpu_s']} s "
            f"({u['cpu_share']:.0%} of a core), {u['cpu_s_per_session_minute']} CPU s per "
            f"session-minute; USS {u['uss_start_mb']} -> peak {u['uss_peak_mb']} MiB, "
            f"{u['uss_per_session_mb']} MiB per session"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--browsers", type=int, nargs="+", default=[2, 4, 8])
    ap.add_argument("--duration", type=float, default=90, help="seconds per configuration")
    ap.add_argument("--control-browsers", type=int, default=4)
    ap.add_argument("--no-baseline", action="store_true", help="skip the 1-replica run")
    ap.add_argument("--db", type=Path, default=None, help="warehouse (default $TRADE_DB)")
    args = ap.parse_args()
    # Stopped from outside: still stop the replicas and HAProxy it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    from etl.build import build
    from etl.paths import db_path

    db = args.db or db_path()
    if not db.exists():
        db = Path(tempfile.mkdtemp(prefix="wro-load-")) / "trade.duckdb"
        build(db_path=db, log=lambda _m: None)

    configs = [Config(f"affinity-{n}", 2, n) for n in args.browsers]
    if not args.no_baseline:
        middle = args.browsers[len(args.browsers) // 2]
        configs.append(Config(f"one-replica-{middle}", 1, middle))
    configs.append(Config(f"control-{args.control_browsers}", 2, args.control_browsers, False))

    stamp = datetime.now(UTC)
    print(
        f"Load test {stamp:%Y-%m-%d %H:%M} UTC on {platform.node()}: {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.2f}; {args.duration:.0f} s per configuration",
        flush=True,
    )
    results, timings = [], []
    run_root = OUT / f"load-{stamp:%Y%m%dT%H%M}"
    for cfg in configs:
        result, log = run_config(cfg, db, args.duration, run_root / cfg.name)
        print_result(result)
        results.append(result)
        timings += [{"config": cfg.name, **asdict(i)} for i in log]
    out = run_root / "load.json"
    out.write_text(json.dumps({"started": stamp.isoformat(), "results": results,
                               "timings": timings}, indent=1))  # fmt: skip
    print(f"\nRaw figures: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
