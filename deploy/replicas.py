"""Serve the dashboard as N Streamlit replicas behind HAProxy on one machine (`make serve`).

Each replica is `streamlit run app.py` on its own loopback port, pinned with taskset to
its own cores where the machine has enough, reading the same warehouse file read-only,
with DuckDB's threads and memory_limit sized so that the N replicas fit the machine. All
share one server.cookieSecret. HAProxy (deploy/haproxy.cfg.in) sends each browser to one
replica and keeps it there by a cookie: Streamlit keeps a session's uploads and
click-built downloads in the memory of the process that holds its websocket.

`python -m deploy.replicas --replicas 2 --port 8501` serves until interrupted and restarts
a replica that dies; `serving(...)` is the same as a context manager (tests, load test).
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "haproxy.cfg.in"
AFFINITY_COOKIE = "WRO_REPLICA"
# Half the machine's memory is shared by the replicas' DuckDB connections; the rest is
# left to the Python processes, their sessions, kaleido's Chromium and the page cache.
DUCKDB_MEMORY_SHARE = 0.5


class ServeError(Exception):
    """A replica or HAProxy could not be started (the message says which and why)."""


@dataclass(frozen=True)
class Replica:
    name: str
    port: int
    cpus: tuple[int, ...]  # empty: not pinned (more replicas than cores)


@dataclass(frozen=True)
class Plan:
    port: int
    replicas: tuple[Replica, ...]
    threads: int
    memory_limit: str
    sticky: bool = True


def machine_memory_mb() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20


def split_cores(cores: list[int], replicas: int) -> list[tuple[int, ...]]:
    """Each replica's own cores: consecutive runs as even as they go; none (unpinned) when
    there are more replicas than cores."""
    if replicas > len(cores):
        return [()] * replicas
    size, extra = divmod(len(cores), replicas)
    out, start = [], 0
    for i in range(replicas):
        end = start + size + (1 if i < extra else 0)
        out.append(tuple(cores[start:end]))
        start = end
    return out


def plan(
    replicas: int,
    port: int,
    *,
    replica_ports: list[int] | None = None,
    cores: list[int] | None = None,
    memory_mb: int | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    sticky: bool = True,
) -> Plan:
    """Ports, cores and DuckDB limits for `replicas` replicas behind `port`."""
    if replicas < 1:
        raise ServeError(f"REPLICAS must be at least 1, not {replicas}")
    ports = replica_ports or [port + i for i in range(1, replicas + 1)]
    if len(ports) != replicas or len({port, *ports}) != replicas + 1:
        raise ServeError(f"need {replicas} distinct replica ports besides {port}, got {ports}")
    cores = sorted(cores if cores is not None else os.sched_getaffinity(0))
    pinned = split_cores(cores, replicas)
    own = min(len(c) for c in pinned) or 1
    if memory_limit is None:
        mb = int((memory_mb or machine_memory_mb()) * DUCKDB_MEMORY_SHARE / replicas)
        memory_limit = f"{max(mb, 256)}MB"
    return Plan(
        port=port,
        replicas=tuple(
            Replica(f"r{i + 1}", p, c) for i, (p, c) in enumerate(zip(ports, pinned, strict=True))
        ),
        threads=threads or own,
        memory_limit=memory_limit,
        sticky=sticky,
    )


def haproxy_config(p: Plan) -> str:
    """HAProxy's configuration for the plan: cookie affinity, or round robin without it
    (the control in benchmarks/load.py)."""
    if p.sticky:
        affinity = f"    cookie {AFFINITY_COOKIE} insert indirect nocache httponly"
        servers = [
            f"    server {r.name} 127.0.0.1:{r.port} check cookie {r.name}" for r in p.replicas
        ]
    else:
        affinity = "    # control: no session affinity"
        servers = [f"    server {r.name} 127.0.0.1:{r.port} check" for r in p.replicas]
    return string.Template(TEMPLATE.read_text()).substitute(
        port=p.port,
        balance="leastconn" if p.sticky else "roundrobin",
        affinity=affinity,
        servers="\n".join(servers),
    )


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if not found:
        raise ServeError("haproxy is not installed: run ./scripts/ensure-haproxy.sh")
    return found


def check_haproxy_config(path: Path) -> None:
    """`haproxy -c`: raises ServeError with HAProxy's own words if the file is invalid."""
    done = subprocess.run(
        [haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ServeError(f"HAProxy rejects {path}:\n{done.stdout}{done.stderr}")


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def replica_command(r: Replica) -> list[str]:
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={r.port}",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
    ]  # fmt: skip
    if r.cpus:
        cmd = ["taskset", "--cpu-list", ",".join(map(str, r.cpus)), *cmd]
    return cmd


def replica_env(p: Plan, db: Path, cookie_secret: str) -> dict[str, str]:
    # The secret goes by environment, not argv, so that it does not show in `ps`.
    return dict(
        os.environ,
        TRADE_DB=str(db),
        TRADE_DUCKDB_THREADS=str(p.threads),
        TRADE_DUCKDB_MEMORY_LIMIT=p.memory_limit,
        STREAMLIT_SERVER_COOKIE_SECRET=cookie_secret,
    )


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, what: str, timeout: float):
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if proc.poll() is not None:
            raise ServeError(f"{what} exited with code {proc.returncode}:\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise ServeError(f"{what} not healthy after {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(0.3)


def _stop(proc: subprocess.Popen | None, timeout: float = 10) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Serving:
    """Running replicas and HAProxy (see `serving`)."""

    def __init__(self, p: Plan, db: Path, run_dir: Path, cookie_secret: str):
        self.plan, self.db, self.run_dir = p, db, run_dir
        self.cookie_secret = cookie_secret
        self.url = f"http://127.0.0.1:{p.port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.haproxy: subprocess.Popen | None = None

    def replica_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.replica(name).port}"

    def replica(self, name: str) -> Replica:
        return next(r for r in self.plan.replicas if r.name == name)

    def start_replica(self, r: Replica) -> subprocess.Popen:
        log = self.run_dir / f"{r.name}.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                replica_command(r),
                cwd=ROOT,
                env=replica_env(self.plan, self.db, self.cookie_secret),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.procs[r.name] = proc
        return proc

    def wait_replica(self, r: Replica, timeout: float = 90) -> None:
        log = self.run_dir / f"{r.name}.log"
        _wait_healthy(
            self.replica_url(r.name), self.procs[r.name], log, f"replica {r.name}", timeout
        )

    def start(self, timeout: float = 90) -> None:
        busy = [
            x
            for x in (self.plan.port, *(r.port for r in self.plan.replicas))
            if not port_is_free(x)
        ]
        if busy:
            raise ServeError(f"port(s) {busy} already in use on 127.0.0.1: choose another PORT")
        config = self.run_dir / "haproxy.cfg"
        config.write_text(haproxy_config(self.plan))
        check_haproxy_config(config)
        for r in self.plan.replicas:
            self.start_replica(r)
        for r in self.plan.replicas:
            self.wait_replica(r, timeout)
        log = self.run_dir / "haproxy.log"
        with log.open("ab") as out:
            self.haproxy = subprocess.Popen(
                [haproxy_binary(), "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT
            )
        _wait_healthy(self.url, self.haproxy, log, "HAProxy", timeout)

    def kill_replica(self, name: str) -> None:
        """SIGKILL one replica, as a crash would (tests)."""
        proc = self.procs[name]
        proc.kill()
        proc.wait()

    def stop(self) -> None:
        _stop(self.haproxy)
        for proc in self.procs.values():
            _stop(proc)


@contextmanager
def serving(p: Plan, db: Path, *, run_dir: Path | None = None, cookie_secret: str | None = None):
    """Start the plan's replicas and HAProxy; yield the Serving; stop them all on exit."""
    db = Path(db).resolve()
    if not db.exists():
        raise ServeError(f"the warehouse {db} has not been built: run `make data`")
    secret = (
        cookie_secret
        or os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET")
        or secrets.token_urlsafe(32)
    )
    run_dir = Path(run_dir) if run_dir else Path(tempfile.mkdtemp(prefix="wro-serve-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    s = Serving(p, db, run_dir, secret)
    try:
        s.start()
        yield s
    finally:
        s.stop()


def supervise(s: Serving, poll: float = 1.0) -> None:
    """Until interrupted: restart a replica that exits (HAProxy's health check sends
    sessions elsewhere meanwhile); stop if HAProxy exits."""
    while True:
        time.sleep(poll)
        if s.haproxy is not None and s.haproxy.poll() is not None:
            raise ServeError(f"HAProxy exited:\n{_tail(s.run_dir / 'haproxy.log')}")
        for r in s.plan.replicas:
            code = s.procs[r.name].poll()
            if code is not None:
                print(f"replica {r.name} exited with code {code}: restarting", flush=True)
                s.start_replica(r)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8501, help="HAProxy's port (replicas: next N)")
    ap.add_argument("--db", type=Path, default=None, help="warehouse file (default $TRADE_DB)")
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads per replica")
    ap.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 2GB")
    ap.add_argument("--no-affinity", action="store_true", help="round robin (a broken control)")
    ap.add_argument("--print-config", action="store_true", help="print haproxy.cfg and exit")
    args = ap.parse_args(argv)

    from etl.paths import db_path

    try:
        p = plan(
            args.replicas,
            args.port,
            threads=args.threads,
            memory_limit=args.memory_limit,
            sticky=not args.no_affinity,
        )
        if args.print_config:
            print(haproxy_config(p))
            return 0
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        with serving(p, args.db or db_path()) as s:
            for r in p.replicas:
                cpus = ",".join(map(str, r.cpus)) or "any"
                print(f"  replica {r.name}: 127.0.0.1:{r.port}, cores {cpus}", flush=True)
            print(
                f"DuckDB per replica: threads={p.threads}, memory_limit={p.memory_limit}\n"
                f"Logs in {s.run_dir}\nServing {len(p.replicas)} replicas on {s.url}"
                " (Ctrl-C stops)",
                flush=True,
            )
            supervise(s)
    except ServeError as exc:
        print(f"make serve: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
