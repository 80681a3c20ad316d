"""Run the app with `streamlit run` on a free loopback port and drive it in Debian's
headless Chromium (Playwright, never `playwright install`)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(db_path: Path, timeout: float = 60.0, script: Path = ROOT / "app.py"):
    """`streamlit run <script>` (the app by default) against the warehouse `db_path`."""
    port = free_port()
    env = dict(os.environ, TRADE_DB=str(db_path))
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
            "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
        ],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"streamlit did not become healthy:\n{out[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def app_pages() -> list[tuple[str, str]]:
    """(URL path, title) of every page, in navigation order (dashboard/navigation.py)."""
    from dashboard.navigation import GROUPS

    return [(p.url_path, p.title) for group in GROUPS.values() for p in group]


def wait_for_idle(page, timeout: float = 90_000) -> None:
    """Until the page's script has run (its title is drawn), Streamlit is idle and every
    chart has drawn its SVG."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector('.main-svg'))""",
        timeout=timeout,
    )


def wait_for_charts(page, count: int = 1, timeout: float = 45_000) -> None:
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=timeout)
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= {count}",
        timeout=timeout,
    )
    # Let the script run finish so the page is not mid-rerun.
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )


DOWNLOADS = "Download this chart or its data"
TABLE_DOWNLOADS = "Download this table"


def open_chart_downloads(page, nth: int = 0, timeout: float = 45_000):
    """Open the nth chart's download popover (its buttons are drawn when it opens); return
    the popover's panel. One that is open already stays open."""
    return open_downloads(page, DOWNLOADS, "PNG image", nth, timeout)


def open_table_downloads(page, nth: int = 0, timeout: float = 45_000):
    """The same for the nth table's "Download this table" popover."""
    return open_downloads(page, TABLE_DOWNLOADS, "CSV data", nth, timeout)


def open_downloads(page, label: str, first_button: str, nth: int, timeout: float):
    panel = page.locator('[data-testid="stPopoverBody"]')
    if not panel.get_by_role("button", name=first_button).is_visible():
        page.locator('[data-testid="stPopover"]').filter(has_text=label).nth(nth).locator(
            "button"
        ).first.click()
    panel.get_by_role("button", name=first_button).wait_for(timeout=timeout)
    return panel


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def selected_partners(page) -> list[str]:
    """The partners shown as selected tags in the sidebar multiselect."""
    tags = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"] span[data-tag]')
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


@contextmanager
def browser_page(browser, height: int = 1800, **context_options):
    """A fresh browser context and page, 1400 px wide; fails the test on any page error."""
    context = browser.new_context(viewport={"width": 1400, "height": height}, **context_options)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors
