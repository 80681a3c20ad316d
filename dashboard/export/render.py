"""The renderer: one warm kaleido (headless Chromium) server per process, and
`figure_bytes`, which renders a (stamped) figure to PNG, SVG or PDF on it."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
from typing import Any

import plotly.graph_objects as go

from dashboard.export.files import FIGURE_FORMATS
from dashboard.export.stamp import EXPORT_HEIGHT, EXPORT_WIDTH

PNG_SCALE = 2


def browser_path() -> str | None:
    """The Chromium that kaleido drives: $BROWSER_PATH, else Debian's /usr/bin/chromium,
    else a chromium/chrome on PATH; None lets kaleido/choreographer search."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class KaleidoServer:
    """One warm kaleido (headless Chromium) for the whole process.

    kaleido 1.x renders through a Chromium driven over a pipe; starting it takes ~2-3 s,
    a render on a warm one a fraction of a second. The server lives on a private
    asyncio event loop in a daemon thread (so it never clashes with the caller's loop,
    e.g. Streamlit's) and is started lazily by the first render. A lock serialises
    start/restart and renders (one tab). If the browser process has died, or a render
    failed because it died, it is restarted once and the render retried.

    kaleido's own ``start_sync_server`` is not used: it has no liveness check, blocks
    forever if the browser fails to start, and is not safe to call from several
    threads at once (results are matched to callers by queue order).
    """

    def __init__(
        self,
        *,
        path: str | None = None,
        render_timeout: float = 30.0,
        start_timeout: float = 60.0,
    ) -> None:
        self._path = path
        self._render_timeout = render_timeout
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._atexit = False
        self.starts = 0  # browsers started by this manager
        self.renders = 0  # successful renders

    # ---- state
    def is_alive(self) -> bool:
        k = self._kaleido
        return (
            k is not None
            and self._thread is not None
            and self._thread.is_alive()
            and getattr(k, "subprocess", None) is not None
            and k.subprocess.poll() is None
        )

    @property
    def pid(self) -> int | None:
        """Process id of the browser wrapper process, while running."""
        return self._kaleido.subprocess.pid if self.is_alive() else None

    # ---- lifecycle (call with the lock held)
    def _start(self) -> None:
        import kaleido  # imported lazily: only exports need it

        path = self._path or browser_path()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-server", daemon=True)
        thread.start()

        async def open_browser():
            # mathjax=False: kaleido would otherwise load MathJax from a CDN; plotly.js
            # comes from the installed plotly package either way (no network needed).
            k = kaleido.Kaleido(n=1, timeout=self._render_timeout, mathjax=False, path=path)
            await k.open()
            return k

        fut = asyncio.run_coroutine_threadsafe(open_browser(), loop)
        try:
            k = fut.result(timeout=self._start_timeout)
        except BaseException:
            fut.cancel()
            self._stop_loop(loop, thread)
            raise
        self._loop, self._thread, self._kaleido = loop, thread, k
        self.starts += 1
        if not self._atexit:
            atexit.register(self.shutdown)
            self._atexit = True

    @staticmethod
    def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()

    def _stop(self) -> None:
        k, loop, thread = self._kaleido, self._loop, self._thread
        self._kaleido = self._loop = self._thread = None
        if loop is None or thread is None:
            return
        if k is not None and thread.is_alive():
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(timeout=15)
            except Exception:  # noqa: BLE001 best effort: kill what is left below
                pass
        if k is not None and getattr(k, "subprocess", None) is not None:
            if k.subprocess.poll() is None:
                k.subprocess.kill()
        self._stop_loop(loop, thread)

    def shutdown(self) -> None:
        """Close the browser (also registered with atexit)."""
        with self._lock:
            self._stop()

    def ensure_started(self) -> None:
        with self._lock:
            if not self.is_alive():
                self._stop()
                self._start()

    # ---- rendering
    def _render_once(self, fig_dict: dict, opts: dict) -> bytes:
        fut = asyncio.run_coroutine_threadsafe(
            self._kaleido.calc_fig(fig_dict, opts=opts), self._loop
        )
        try:
            return fut.result(timeout=self._render_timeout + 5)
        except TimeoutError:
            fut.cancel()
            self._stop()  # a hung browser: start afresh on the next export
            raise

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        with self._lock:
            if not self.is_alive():
                self._stop()
                self._start()
            try:
                data = self._render_once(fig_dict, opts)
            except TimeoutError:
                raise
            except Exception:
                if self.is_alive():
                    raise
                self._stop()  # the browser died under us: one fresh start, one retry
                self._start()
                data = self._render_once(fig_dict, opts)
            self.renders += 1
            return data


_SERVER = KaleidoServer()


def kaleido_server() -> KaleidoServer:
    """The process-wide server that :func:`figure_bytes` uses by default."""
    return _SERVER


def figure_bytes(fig: go.Figure | dict, fmt: str, *, server: KaleidoServer | None = None) -> bytes:
    """Render a figure (usually from :func:`publication_figure`) to PNG (scale 2), SVG or
    PDF bytes on the warm kaleido server. Size: the figure's width/height, else
    EXPORT_WIDTH x EXPORT_HEIGHT."""
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"figure format must be one of {FIGURE_FORMATS}, not {fmt!r}")
    fig_dict = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
    layout = fig_dict.get("layout", {})
    opts = {
        "format": fmt,
        "width": layout.get("width") or EXPORT_WIDTH,
        "height": layout.get("height") or EXPORT_HEIGHT,
        "scale": PNG_SCALE if fmt == "png" else 1,
    }
    data = (server or _SERVER).render(fig_dict, opts)
    return data.encode("utf-8") if isinstance(data, str) else data
