"""`make serve`: the plan (cores, DuckDB limits, ports), HAProxy's configuration as HAProxy
itself checks it, and two real replicas behind HAProxy: pinned by cookie, sharing one
cookie secret; two browser sessions that upload to the modeller and download its report
while the warehouse is rebuilt under them; a replica killed mid-session."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import exposure
from dashboard import export
from deploy import replicas
from tests.browser import ROOT, browser_page, free_port, screenshot
from tests.test_browser_exposure import OWN_LINES, download, open_modeller, settle, upload

FILLED = ("\n".join([exposure.template_csv().decode().splitlines()[0], *OWN_LINES]) + "\n").encode()


# --- the plan ---------------------------------------------------------------------------


def test_each_replica_gets_its_own_cores_and_a_share_of_memory():
    p = replicas.plan(2, 8501, cores=[0, 1], memory_mb=24_000)
    assert [(r.name, r.port, r.cpus) for r in p.replicas] == [
        ("r1", 8502, (0,)),
        ("r2", 8503, (1,)),
    ]
    assert (p.threads, p.memory_limit) == (1, "6000MB")

    p = replicas.plan(3, 9000, cores=list(range(8)), memory_mb=24_000)
    assert [r.cpus for r in p.replicas] == [(0, 1, 2), (3, 4, 5), (6, 7)]
    assert (p.threads, p.memory_limit) == (2, "4000MB")


def test_more_replicas_than_cores_are_not_pinned_and_settings_can_be_set():
    p = replicas.plan(4, 8501, cores=[0, 1], threads=2, memory_limit="1GB")
    assert [r.cpus for r in p.replicas] == [()] * 4
    assert (p.threads, p.memory_limit) == (2, "1GB")
    assert replicas.replica_command(p.replicas[0])[:3] != ["taskset"]
    pinned = replicas.plan(2, 8501, cores=[0, 1]).replicas[1]
    assert replicas.replica_command(pinned)[:3] == ["taskset", "--cpu-list", "1"]


@pytest.mark.parametrize(
    ("count", "ports", "message"),
    [(0, None, "at least 1"), (2, [8502, 8501], "distinct replica ports")],
)
def test_impossible_plans_are_refused(count, ports, message):
    with pytest.raises(replicas.ServeError, match=message):
        replicas.plan(count, 8501, replica_ports=ports)


# --- HAProxy's configuration --------------------------------------------------------------


def test_sticky_config_passes_haproxy_check(tmp_path):
    text = replicas.haproxy_config(replicas.plan(2, 8501, cores=[0, 1]))
    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    replicas.check_haproxy_config(path)
    assert "cookie WRO_REPLICA insert indirect nocache" in text
    assert "server r1 127.0.0.1:8502 check cookie r1" in text
    assert "server r2 127.0.0.1:8503 check cookie r2" in text
    assert "option httpchk GET /_stcore/health" in text
    assert "timeout tunnel 2h" in text
    assert "balance leastconn" in text
    assert "source" not in text  # no IP-hash stickiness: every local client is 127.0.0.1


def test_control_config_is_round_robin_without_affinity(tmp_path):
    text = replicas.haproxy_config(replicas.plan(2, 8501, cores=[0, 1], sticky=False))
    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    replicas.check_haproxy_config(path)
    assert "balance roundrobin" in text
    assert "WRO_REPLICA" not in text and "check cookie" not in text


def test_a_broken_config_is_reported_in_haproxys_words(tmp_path):
    path = tmp_path / "haproxy.cfg"
    text = replicas.haproxy_config(replicas.plan(1, 8501, cores=[0]))
    path.write_text(text.replace("balance leastconn", "balance nearest"))
    with pytest.raises(replicas.ServeError, match="balance only supports"):
        replicas.check_haproxy_config(path)


# --- two replicas behind HAProxy ----------------------------------------------------------


@pytest.fixture(scope="module")
def served(warehouse_path, tmp_path_factory):
    """Two replicas and HAProxy on free loopback ports, on a copy of the warehouse (the
    tests rebuild it)."""
    db = tmp_path_factory.mktemp("served") / "trade.duckdb"
    shutil.copy(warehouse_path, db)
    p = replicas.plan(2, free_port(), replica_ports=[free_port(), free_port()])
    with replicas.serving(p, db, run_dir=tmp_path_factory.mktemp("run")) as s:
        yield s


def get(url: str, cookie: str | None = None):
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.headers


def test_a_new_visitor_gets_a_replica_cookie_and_stays_there(served):
    status, headers = get(served.url)
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    name = cookie.split("=")[1]
    assert cookie.startswith("WRO_REPLICA=") and name in {"r1", "r2"}
    for pinned in ("r1", "r2"):
        served_by = {get(served.url, f"WRO_REPLICA={pinned}")[1]["X-Replica"] for _ in range(6)}
        assert served_by == {pinned}


def test_replicas_share_one_cookie_secret_and_their_duckdb_limits(served):
    envs = []
    for r in served.plan.replicas:
        pid = served.procs[r.name].pid
        raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        envs.append(dict(e.decode().split("=", 1) for e in raw if b"=" in e))
        if r.cpus:
            assert os.sched_getaffinity(pid) == set(r.cpus)
    secrets = {e["STREAMLIT_SERVER_COOKIE_SECRET"] for e in envs}
    assert len(secrets) == 1 and len(secrets.pop()) >= 32
    assert {e["TRADE_DUCKDB_THREADS"] for e in envs} == {str(served.plan.threads)}
    assert {e["TRADE_DUCKDB_MEMORY_LIMIT"] for e in envs} == {served.plan.memory_limit}


def pin(page, served, name: str) -> list[tuple[int, str | None, str]]:
    """Pin the page's browser context to replica `name` by HAProxy's cookie; the list
    fills with (status, replica, url) of every response."""
    page.context.add_cookies([{"name": "WRO_REPLICA", "value": name, "url": served.url}])
    responses = []
    page.on("response", lambda r: responses.append((r.status, r.headers.get("x-replica"), r.url)))
    return responses


def choose(page, scenario: str, *, lines: bool = True) -> None:
    """Pick the modeller's scenario; with lines loaded, wait until the page shows it (a
    download clicked before the rerun ends would ask for the previous run's file)."""
    page.get_by_text(scenario, exact=True).click()
    if lines:
        page.get_by_text(f"{scenario} scenario, full effect").wait_for(timeout=45_000)
    page.wait_for_timeout(500)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def upload_and_download(page, name: str = "our_imports.csv") -> None:
    upload(page, name, FILLED)
    # "All 4 lines ... passed the checks", or "4 lines ... used" with the plausibility warning
    page.get_by_text(f"4 lines from file {name}").first.wait_for()
    check_report(page)


def check_report(page) -> None:
    meta, report = export.read_export_csv(download(page, "CSV report"))
    assert list(report["hs_code"].astype(str)) == ["610910", "520812", "200290", "847130"]
    assert meta["filter.scenario"] in {"Central", "High effect", "Low effect"}


def session_requests(responses) -> list[tuple[int, str | None, str]]:
    """Uploads and downloads: the requests that only the session's own replica can serve."""
    paths = ("/_stcore/upload_file/", "/media/")
    return [r for r in responses if urlsplit(r[2]).path.startswith(paths)]


def replica_cookie(page) -> str | None:
    return {c["name"]: c["value"] for c in page.context.cookies()}.get("WRO_REPLICA")


@pytest.mark.browser
def test_two_pinned_sessions_upload_and_download_while_the_warehouse_is_rebuilt(served, browser):
    with ExitStack() as stack:
        sessions = {}
        for name in ("r1", "r2"):
            page = stack.enter_context(browser_page(browser, height=2200, accept_downloads=True))
            sessions[name] = (page, pin(page, served, name))
            open_modeller(page, served.url)
            upload_and_download(page)

        # A rebuild to the same file while both sessions rerun and query the warehouse.
        rebuild = subprocess.Popen(
            [sys.executable, "-m", "etl", "build"],
            cwd=ROOT,
            env={**os.environ, "TRADE_DB": str(served.db)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        reruns_during_build = 0
        for scenario in ["High effect", "Low effect"] * 30:
            for page, _ in sessions.values():
                choose(page, scenario)
                reruns_during_build += 1
            if rebuild.poll() is not None:
                break
        out = rebuild.communicate()[0].decode()
        assert rebuild.returncode == 0, out
        assert f"Built {served.db}" in out
        assert reruns_during_build >= 2

        # After it: the next queries read the new file, and the session's files still work.
        for name, (page, responses) in sessions.items():
            choose(page, "Central")
            page.wait_for_selector("text=Exposure of your lines")
            check_report(page)
            screenshot(page, f"replicas_{name}_after_rebuild")
            assert replica_cookie(page) == name
            mine = session_requests(responses)
            assert len(mine) >= 3, responses  # an upload and two downloads, at least
            assert {(status < 300, replica) for status, replica, _ in mine} == {(True, name)}, mine
    for r in served.plan.replicas:
        log = (served.run_dir / f"{r.name}.log").read_text()
        assert "Traceback" not in log and "Could not set lock" not in log, log[-3000:]


@pytest.mark.browser
def test_a_killed_replicas_session_reconnects_to_the_other_with_a_fresh_session(served, browser):
    with browser_page(browser, height=2200, accept_downloads=True) as page:
        pin(page, served, "r1")
        open_modeller(page, served.url)
        upload_and_download(page)
        served.kill_replica("r1")
        try:
            deadline = time.monotonic() + 45
            while replica_cookie(page) != "r2":  # HAProxy re-pins the reconnecting page
                assert time.monotonic() < deadline, page.context.cookies()
                page.wait_for_timeout(300)
            # The next rerun runs on r2 in a new session: the uploaded file is gone (the
            # docs say what users lose), and uploading it again works there.
            choose(page, "High effect", lines=False)
            page.wait_for_selector("text=Upload a file or add lines to the table", timeout=45_000)
            upload_and_download(page, "again.csv")
            screenshot(page, "replicas_after_kill")
        finally:
            served.start_replica(served.replica("r1"))
            served.wait_replica(served.replica("r1"))


def test_make_serve_passes_replicas_and_port_and_installs_haproxy(tmp_path):
    dry = subprocess.run(
        ["make", "-n", "serve", "REPLICAS=3", "PORT=9100", f"DB={tmp_path / 'x.duckdb'}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "./scripts/ensure-haproxy.sh" in dry
    assert "-m deploy.replicas --replicas 3 --port 9100" in dry
    helped = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "make serve" in helped and "make run" in helped
