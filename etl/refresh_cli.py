"""`python -m etl refresh`: fetch what the pages need from the Census and Comtrade APIs (only
what is new, plus a look-back window for revisions) and rebuild the warehouse.

Keys come from the environment only: $CENSUS_API_KEY (optional) and $COMTRADE_API_KEY
(without it, the keyless preview). A refresh that is killed or fails part-way keeps every
answer it saved; run it again to go on where it stopped. Exit status: 0 done, 1 some
requests failed (the rest is saved and built), 2 another refresh is running or the
rebuild failed."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import duckdb

from etl import paths
from etl.build import BuildError
from etl.manifest import ManifestError
from etl.refresh.run import Settings, refresh
from etl.refresh.scope import Scope, census_codes, product_group_lines
from etl.refresh.state import RefreshBusy
from etl.sources.saved import RawDataError


def add_refresh_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "refresh",
        help="fetch what is new from the Census and Comtrade APIs, then rebuild",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--dry-run", action="store_true", help="list the requests; call nothing")
    p.add_argument(
        "--only", choices=["census", "comtrade"], default=None, help="refresh one source only"
    )
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another refresh to finish (default: refuse at once)",
    )
    p.add_argument(
        "--new-plan", action="store_true", help="drop an unfinished refresh's plan; plan anew"
    )
    p.add_argument("--db", type=Path, default=None, help=f"default {paths.db_path()}")
    p.add_argument("--raw", type=Path, default=None, help=f"default {paths.raw_dir()}")
    p.add_argument("--retries", type=int, default=3, help="retries after a 429, 5xx or timeout")
    p.add_argument("--no-progress", action="store_true", help="a line per request, no bar")
    p.add_argument(
        "--census-codes",
        type=_csv,
        default=None,
        help="Census HS codes to keep current (default etl/seeds/refresh_census_codes.csv)",
    )
    p.add_argument(
        "--import-lines",
        type=_csv,
        default=None,
        help="HS6 lines of Comtrade US imports (default the WRO product groups' lines)",
    )
    # For tests against local stand-ins: the date the plan counts from, and no pause.
    p.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    p.add_argument("--min-interval", type=float, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=run)
    return p


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _scope(args, db_path: Path) -> Scope | None:
    """The default scope, with the codes the command line gives instead."""
    if args.census_codes is None and args.import_lines is None:
        return None
    lines = args.import_lines
    if lines is None:
        lines = product_group_lines(db_path) if db_path.exists() else ()
    return Scope(census_codes=args.census_codes or census_codes(), import_lines=lines)


def run(args) -> int:
    db_path = args.db or paths.db_path()
    intervals = {}
    if args.min_interval is not None:
        intervals = dict(
            census_min_interval=args.min_interval, comtrade_min_interval=args.min_interval
        )
    settings = Settings(
        raw_root=args.raw or paths.raw_dir(),
        db_path=db_path,
        today=args.today or date.today(),
        scope=_scope(args, db_path),
        **intervals,
        sources=(args.only,) if args.only else ("census", "comtrade"),
        dry_run=args.dry_run,
        new_plan=args.new_plan,
        wait=args.wait,
        retries=max(0, args.retries),
        progress=False if args.no_progress else None,
    )
    try:
        summary = refresh(settings)
    except RefreshBusy as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (BuildError, ManifestError, RawDataError, duckdb.Error) as exc:
        print(f"Refresh failed: {exc}", file=sys.stderr)
        print(
            "Every answer saved so far is kept and the previous database is untouched; run "
            "`python -m etl refresh` again once the cause is fixed.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("Refresh interrupted; every answer saved so far is kept. Run it again to go on.")
        return 130
    if summary.dry_run:
        return 0
    for line in summary.lines(settings.db_path):
        print(line)
    return 1 if summary.failed else 0
