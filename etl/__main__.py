"""Command line: `python -m etl build`, `python -m etl fetch {census,comtrade} ...` and
`python -m etl refresh`."""

import argparse
import sys
from pathlib import Path

import duckdb

from etl import paths
from etl.build import BuildError, build
from etl.manifest import ManifestError


def _build(args) -> int:
    try:
        build(db_path=args.db, raw_root=args.raw)
    except (ManifestError, BuildError, duckdb.Error, OSError) as exc:
        print(f"Build failed: {exc}", file=sys.stderr)
        print("The previous database, if any, was left untouched.", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p_build = sub.add_parser("build", help="build the DuckDB warehouse from data/raw")
    p_build.add_argument("--db", type=Path, default=None, help=f"default {paths.db_path()}")
    p_build.add_argument("--raw", type=Path, default=None, help=f"default {paths.raw_dir()}")
    p_build.set_defaults(func=_build)

    from etl.fetch_cli import add_fetch_parser

    add_fetch_parser(sub)

    from etl.refresh_cli import add_refresh_parser

    add_refresh_parser(sub)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
