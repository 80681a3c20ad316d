"""Write the table of unsourced defaults in docs/methodology.md from
exposure/unsourced_defaults.csv (`make docs`), or with --check exit 1 if the docs differ
from the CSV (tests/test_docs_agree.py runs the same check)."""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exposure.unsourced_defaults import unsourced_markdown  # noqa: E402

METHODOLOGY = ROOT / "docs" / "methodology.md"
BEGIN = "<!-- BEGIN table from exposure/unsourced_defaults.csv: edit the CSV, then make docs -->"
END = "<!-- END table from exposure/unsourced_defaults.csv -->"


def with_table(doc: str) -> str:
    """`doc` with the text between BEGIN and END replaced by the CSV's table."""
    head, begin, rest = doc.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"{METHODOLOGY} lacks the lines {BEGIN!r} and {END!r}")
    return f"{head}{BEGIN}\n{unsourced_markdown()}{END}{tail}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the docs are out of date")
    args = ap.parse_args()
    doc = METHODOLOGY.read_text(encoding="utf-8")
    new = with_table(doc)
    if args.check:
        if new != doc:
            print(f"{METHODOLOGY} is out of date with the CSV: run `make docs`", file=sys.stderr)
            return 1
        return 0
    if new != doc:
        METHODOLOGY.write_text(new, encoding="utf-8")
        print(f"updated {METHODOLOGY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
