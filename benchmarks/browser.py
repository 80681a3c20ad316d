"""The speed a user feels: every page in headless Chromium (Debian's, via Playwright), from
opening it to Streamlit idle, beside a minimal Streamlit app (the floor) in the same run.

    python benchmarks/browser.py [--rows 13000000] [--repeat 5] [--only shipped|synthetic]
                                 [--pages cotton_and_textiles,wro_impact] [--synthetic-db PATH]

For each page (tests.browser.app_pages: the app's navigation), on the shipped data and on
a SYNTHETIC warehouse of realistic shape (every real partner x every HS6 line x 11 years,
about 13 million rows; page_render.py builds it):

- cold: the first visit after the server starts (a server of its own per page, a new
  browser context, Streamlit's caches empty);
- warm: a new browser context on that warm server, median of `--repeat`;
- change: one selector changed on a loaded page (SELECTOR_CHANGES), back and forth,
  `--repeat` times; "first" is the first change (its query not cached yet), "median" the
  median of all.

Idle is `[data-testid="stApp"][data-test-script-state="notRunning"]` after the script was
seen running, plus two animation frames (the browser has drawn what it got), with no
further rerun for SETTLE_MS. Times come from the page's own clock: from navigation start,
or from just before the click that changes a selector. Targets (issue 18): every page warm
at most floor + 1.0 s on both warehouses; a selector change at most 0.5 s to idle; WRO
impact cold at most floor + 3 s at 13 million rows. This prints figures; it asserts nothing.
"""

import argparse
import datetime as dt
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.page_render import synthetic_warehouse  # noqa: E402
from etl.build import build  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, app_pages, running_app  # noqa: E402

# The floor: the least a Streamlit page costs on this machine, with one select box so that a
# selector change has a floor too.
FLOOR_APP = 'import streamlit as st\nst.title("Floor")\nst.selectbox("Choice", ["a", "b", "c"])\n'
READY = '[data-testid="stMain"] h1'  # every page starts with its title
SETTLE_MS = 1000
TIMEOUT_MS = 180_000
VIEWPORT = {"width": 1400, "height": 900}

# Records, in the page's clock, when the app last became idle: the script state went to
# notRunning, or a message arrived while it was notRunning (a rerun can be too quick for
# the state to show "running"), and the browser drew two frames since. Installed in every
# document before it loads.
IDLE_PROBE = """
(() => {
  const b = (window.__bench = {ran: false, state: null, event: 0, idleAt: null});
  const state = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute('data-test-script-state') : null;
  };
  const event = () => {
    b.state = state();
    const mine = ++b.event;
    b.idleAt = null;
    if (b.state === 'running') b.ran = true;
    if (b.state !== 'notRunning' || !b.ran) return;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (b.event === mine) b.idleAt = performance.now();
    }));
  };
  new MutationObserver(() => { if (state() !== b.state) event(); }).observe(document, {
    subtree: true, attributes: true, attributeFilter: ['data-test-script-state'],
  });
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { b.ran = true; event(); });
    }
  };
})();
"""
SETTLED = f"""() => {{
  const b = window.__bench;
  return !!(b && b.ran && b.idleAt !== null && performance.now() - b.idleAt > {SETTLE_MS}
            && document.querySelector('{READY}'));
}}"""
RESTART = """() => {
  const b = window.__bench; b.ran = false; b.idleAt = null; return performance.now();
}"""


# --- one selector changed, per page --------------------------------------------------------


def select_box(label: str) -> Callable:
    """Open the select box `label`, then (timed) pick its first option not selected."""

    def change(page) -> float:
        # A select box drawn just before idle may not open on the first click (the page
        # is still laying out): retry until its list shows. The clock starts after this.
        option = page.get_by_role("option", selected=False).first
        for _ in range(30):
            page.get_by_role("combobox", name=label, exact=True).first.click()
            try:
                option.wait_for(timeout=2_000)
                break
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
        started = page.evaluate(RESTART)
        option.click()
        return started

    return change


def radio(label: str) -> Callable:
    """(Timed) pick the first option of the radio group `label` that is not chosen."""

    def change(page) -> float:
        group = page.get_by_role("radiogroup", name=label, exact=True).first
        option = group.locator('[data-testid="stRadioOption"]:not([data-selected="true"])').first
        option.wait_for(timeout=TIMEOUT_MS)
        started = page.evaluate(RESTART)
        option.click()
        return started

    return change


# URL path -> how to change one selector: what a reader does first on that page.
SELECTOR_CHANGES: dict[str, Callable] = {
    "cotton_and_textiles": select_box("Product group"),
    "tomatoes": select_box("Product group"),
    "where_the_trade_went": select_box("Product"),
    "tomato_paste_world_trade": select_box("FAOSTAT series"),
    "enforcement": radio("Industry"),
    "data_and_methods": select_box("Product group"),
    "wro_impact": radio("Scenario"),
    "exposure_modeller": radio("Scenario"),
}
FLOOR_CHANGE = select_box("Choice")


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Timing:
    cold: float | None = None
    warm: list[float] = field(default_factory=list)
    change: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def settled_at(page) -> float:
    """The page-clock time (ms) the script last became idle, once it has stayed idle."""
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS, polling=100)
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the page shows an exception")
    return page.evaluate("window.__bench.idleAt")


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(IDLE_PROBE)
    return context, context.new_page()


def visit(browser, url: str, keep_open: bool = False):
    """Seconds from navigation start to idle in a new browser context."""
    context, page = new_page(browser)
    try:
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        seconds = settled_at(page) / 1000
    except Exception:
        context.close()
        raise
    if keep_open:
        return seconds, context, page
    context.close()
    return seconds


def changes(browser, url: str, change: Callable, repeat: int) -> list[float]:
    """Seconds to idle after each of `repeat` selector changes on one loaded page."""
    _, context, page = visit(browser, url, keep_open=True)
    try:
        out = []
        for _ in range(repeat):
            started = change(page)
            out.append((settled_at(page) - started) / 1000)
        return out
    finally:
        context.close()


def attempt(timing: Timing, what: str, measure: Callable):
    """measure(), or None if it failed (math.inf for a visit that timed out)."""
    try:
        return measure()
    except Exception as exc:  # a page that fails is reported, and the run goes on
        timing.errors.append(f"{what}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        return math.inf if what != "change" and "Timeout" in type(exc).__name__ else None


def time_app(browser, db: Path, script: Path, path: str, change, repeat: int) -> Timing:
    """Cold, warm and selector-change times of one page, on a server of its own."""
    t = Timing()
    with running_app(db, timeout=180, script=script) as base:
        url = f"{base}/{path}"
        t.cold = attempt(t, "cold", lambda: visit(browser, url))
        for _ in range(repeat):
            s = attempt(t, "warm", lambda: visit(browser, url))
            if s is not None:
                t.warm.append(s)
        if change is not None:
            t.change = attempt(t, "change", lambda: changes(browser, url, change, repeat)) or []
    return t


# --- reporting ------------------------------------------------------------------------------


def stamp() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC, load average {load}"


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def cell(x: float | None, floor: float | None = None) -> str:
    if x is None:
        return "-"
    if x == math.inf:
        return f"> {TIMEOUT_MS / 1000:.0f}"
    if floor is None:
        return f"{x:.2f}"
    return f"{x:.2f} (+{x - floor:.2f})" if x >= floor else f"{x:.2f} ({x - floor:.2f})"


def report(label: str, floor: Timing, pages: dict[str, tuple[str, Timing]]) -> None:
    fc, fw, fch = floor.cold, median(floor.warm), median(floor.change)
    print(f"\n{label}")
    print(
        f"  floor (minimal app): cold {cell(fc)} s, warm {cell(fw)} s "
        f"(median of {len(floor.warm)}), change {cell(fch)} s (median of {len(floor.change)})"
    )
    print("  page seconds to idle; in brackets: against the floor of the same run")
    head = ("page", "cold s", "warm s", "change first s", "change median s", "warm target")
    print(f"  {head[0]:<26} {head[1]:>15} {head[2]:>15} {head[3]:>15} {head[4]:>16}  {head[5]}")
    for title, t in pages.values():
        warm = median(t.warm)
        first = t.change[0] if t.change else None
        verdict = "-" if warm is None or fw is None else ("ok" if warm - fw <= 1.0 else "MISSED")
        if t.change and max(t.change) > 0.5:
            verdict += "; change > 0.5 s"
        print(
            f"  {title:<26} {cell(t.cold, fc):>15} {cell(warm, fw):>15} "
            f"{cell(first):>15} {cell(median(t.change), fch):>16}  {verdict}"
        )
    for title, t in [("floor", floor), *pages.values()]:
        for err in t.errors:
            print(f"  ! {title}: {err}")


def run_warehouse(browser, label: str, db: Path, floor_script: Path, args) -> None:
    repeat = args.repeat
    print(f"\n{label}: started {stamp()}", flush=True)
    floor = time_app(browser, db, floor_script, "", FLOOR_CHANGE, repeat)
    results = {}
    for path, title in app_pages():
        if args.pages and path not in args.pages:
            continue
        started = time.perf_counter()
        results[path] = (title, time_app(browser, db, ROOT / "app.py", path,
                                         SELECTOR_CHANGES.get(path), repeat))  # fmt: skip
        print(f"  {title}: measured in {time.perf_counter() - started:.0f} s", flush=True)
    # The floor again at the end, so both ends of a noisy run count.
    again = time_app(browser, db, floor_script, "", FLOOR_CHANGE, repeat)
    floor.warm += again.warm
    floor.change += again.change
    floor.errors += again.errors
    print(f"  floor cold at the start {cell(floor.cold)} s, at the end {cell(again.cold)} s")
    report(f"{label} (finished {stamp()})", floor, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=13_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("shipped", "synthetic"))
    parser.add_argument(
        "--pages", type=lambda s: s.split(","), help="URL paths, comma-separated (default: all)"
    )
    parser.add_argument(
        "--synthetic-db", type=Path, help="reuse this synthetic warehouse (built there if absent)"
    )
    args = parser.parse_args()
    import duckdb
    import streamlit
    import streamlit.logger

    # dashboard.components (the page list) warns about its caches when imported without a server
    streamlit.logger.set_log_level("error")

    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"streamlit {streamlit.__version__}, duckdb {duckdb.__version__}, {CHROMIUM}"
    )
    print(f"start: {stamp()}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        floor_script = Path(tmp) / "floor_app.py"
        floor_script.write_text(FLOOR_APP)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            if args.only in (None, "shipped"):
                shipped = Path(tmp) / "shipped.duckdb"
                build(db_path=shipped, log=lambda _m: None)
                run_warehouse(browser, "Shipped data", shipped, floor_script, args)
            if args.only in (None, "synthetic"):
                synthetic = args.synthetic_db or Path(tmp) / "synthetic.duckdb"
                if not synthetic.exists():
                    started = time.perf_counter()
                    n = synthetic_warehouse(synthetic, args.rows)
                    print(f"\nBuilt SYNTHETIC warehouse: {n:,} synthetic rows in "
                          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
                run_warehouse(browser, "SYNTHETIC warehouse", synthetic, floor_script, args)
        finally:
            browser.close()
    print(f"\nend: {stamp()}")


if __name__ == "__main__":
    main()
