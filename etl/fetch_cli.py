"""`python -m etl fetch census ...` and `python -m etl fetch comtrade ...`.

Each fetch saves the raw responses in a new `data/raw/<source>_api/<UTC stamp>/`
(or under $TRADE_RAW_DIR / --raw); `python -m etl build` then loads every saved
fetch. A failed fetch prints one line, saves nothing and exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from etl import paths
from etl.sources import census, comtrade
from etl.sources.http import FetchError, Throttle
from etl.sources.redact import redact


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _non_negative(kind):
    def parse(text: str):
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
        return value

    return parse


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _add_common(p: argparse.ArgumentParser, *, url_env: str, timeout: float, min_interval: float):
    p.add_argument("--base-url", default=None, help=f"API base URL (default ${url_env} or public)")
    p.add_argument(
        "--raw",
        type=Path,
        default=None,
        help=f"raw data dir to write into (default {paths.raw_dir()})",
    )
    p.add_argument("--timeout", type=_positive, default=timeout, help="seconds per request")
    p.add_argument(
        "--retries", type=_non_negative(int), default=3, help="retries after the first attempt"
    )
    p.add_argument(
        "--backoff",
        type=_non_negative(float),
        default=1.0,
        help="backoff factor: retries wait 0, 2x, 4x ... this many seconds (Retry-After wins)",
    )
    p.add_argument(
        "--min-interval",
        type=_non_negative(float),
        default=min_interval,
        help="minimum seconds between requests",
    )


def add_fetch_parser(subparsers) -> argparse.ArgumentParser:
    """Add `fetch {census,comtrade}` to an argparse subparsers object."""
    p_fetch = subparsers.add_parser(
        "fetch", help="fetch raw responses from the Census or Comtrade API", description=__doc__
    )
    sub = p_fetch.add_subparsers(dest="source", required=True)

    p_census = sub.add_parser(
        "census",
        help="US Census international trade API: monthly US imports",
        description="Monthly US general imports (customs value) by HS code and partner. "
        f"API key from ${census.KEY_ENV} (optional).",
    )
    p_census.add_argument(
        "--hs", required=True, type=_csv, help="HS codes, 2/4/6/10 digits, e.g. 52,61,0702"
    )
    p_census.add_argument("--from", dest="start", required=True, help="first month, YYYY-MM")
    p_census.add_argument("--to", dest="end", required=True, help="last month, YYYY-MM")
    p_census.add_argument(
        "--partners",
        type=_csv,
        default=["ALL"],
        help="ISO3 codes (e.g. CHN,VNM), WLD for the all-countries total, or ALL (default)",
    )
    _add_common(p_census, url_env=census.URL_ENV, timeout=60.0, min_interval=0.0)
    p_census.set_defaults(func=_fetch_census)

    p_comtrade = sub.add_parser(
        "comtrade",
        help="UN Comtrade API: annual or monthly trade by reporter",
        description="Trade of HS codes by reporter and partner, one request per year. "
        f"API key from ${comtrade.KEY_ENV}; without one the keyless preview "
        f"({comtrade.PREVIEW_CAP} rows per call) is used.",
    )
    p_comtrade.add_argument("--cmd", required=True, type=_csv, help="HS codes, e.g. 61,62,200290")
    p_comtrade.add_argument("--years", required=True, help="e.g. 2015-2024 or 2019,2020")
    p_comtrade.add_argument(
        "--reporters", type=_csv, default=["USA"], help="ISO3 codes or all (default USA)"
    )
    p_comtrade.add_argument(
        "--partners", type=_csv, default=["WLD"], help="ISO3 codes, WLD (World, default) or all"
    )
    p_comtrade.add_argument(
        "--flow", choices=["M", "X"], default="M", type=str.upper, help="M imports, X exports"
    )
    p_comtrade.add_argument(
        "--freq", choices=["A", "M"], default="A", type=str.upper, help="A annual, M monthly"
    )
    _add_common(p_comtrade, url_env=comtrade.URL_ENV, timeout=60.0, min_interval=1.0)
    p_comtrade.set_defaults(func=_fetch_comtrade)
    return p_fetch


def _client(source, args):
    """The HTTP client a fetcher takes: `source` (census or comtrade) gives the defaults
    ($..._API_URL, $..._API_KEY), the command line the rest."""
    return source.client(
        args.base_url,
        timeout=args.timeout,
        retries=args.retries,
        backoff=args.backoff,
        throttle=Throttle(args.min_interval),
    )


def _run(name: str, key_env: str, call) -> int:
    secrets = [os.environ.get(key_env)]
    try:
        result = call()
    except (FetchError, ValueError, OSError) as exc:
        print(f"{name} fetch failed: {redact(exc, secrets)}", file=sys.stderr)
        print("Nothing was saved; earlier fetches and the database are untouched.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{name} fetch interrupted; nothing was saved.", file=sys.stderr)
        return 130
    warned = f", {len(result.warnings)} warning(s)" if result.warnings else ""
    print(
        f"Saved {result.rows} rows from {result.requests} request(s) in "
        f"{result.directory}{warned}. Run `python -m etl build` to load them."
    )
    return 0


def _fetch_census(args) -> int:
    def call():
        with _client(census, args) as api:
            return census.fetch(
                api, args.hs, args.start, args.end, args.partners, raw_root=args.raw
            )

    return _run("Census", census.KEY_ENV, call)


def _fetch_comtrade(args) -> int:
    def call():
        years = comtrade.parse_years(args.years)
        with _client(comtrade, args) as api:
            return comtrade.fetch(
                api,
                args.cmd,
                years,
                reporters=args.reporters,
                partners=args.partners,
                flow=args.flow,
                freq=args.freq,
                raw_root=args.raw,
            )

    return _run("Comtrade", comtrade.KEY_ENV, call)
