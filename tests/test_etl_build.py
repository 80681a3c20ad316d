"""The build as a process: the manifest check, atomic replacement of the database
(failed and killed builds), determinism, and the `python -m etl build` command."""

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from etl import build as build_module
from etl.build import BuildError, build
from etl.manifest import ManifestError

pytestmark = pytest.mark.slow  # every test builds a warehouse or runs the CLI

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
FETCH_DIRS = ("census_api", "comtrade_api")  # a developer's local API responses, not shipped
STEPS = ["verify", "raw", "models", "publish"]

CHANGED_FILE = "usatrade_china_2017/China-import.csv"
MISSING_FILE = "comtrade_fastfashion/market_imports_all.csv"


# --- helpers -----------------------------------------------------------------------------


def quiet(_msg):
    pass


def linked_snapshot(dest: Path) -> Path:
    """The shipped snapshot as symlinks (read-only use)."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in RAW_DIR.iterdir():
        if entry.name not in FETCH_DIRS:
            os.symlink(entry, dest / entry.name)
    return dest


def copied_snapshot(dest: Path) -> Path:
    """A private copy of the shipped snapshot that a test may damage."""
    shutil.copytree(RAW_DIR, dest, ignore=shutil.ignore_patterns(*FETCH_DIRS))
    return dest


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "select table_name from duckdb_tables() "
            "union all select view_name from duckdb_views() where not internal"
        ).fetchall()
        return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for (n,) in names}
    finally:
        con.close()


def leftovers(db: Path) -> list[str]:
    """Temporary files of builds of this database still lying beside it."""
    return sorted(p.name for p in db.parent.glob(f".{db.name}.building-*"))


def run_python(*args, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TRADE_DB", None)
    env.pop("TRADE_RAW_DIR", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        **kwargs,
    )


@pytest.fixture
def previous_db(warehouse_path, tmp_path) -> Path:
    """A good database from an earlier build, at the path the next build targets."""
    db = tmp_path / "db" / "trade.duckdb"
    db.parent.mkdir()
    shutil.copyfile(warehouse_path, db)
    return db


def assert_untouched(db: Path, before_digest: str, before_counts: dict[str, int]) -> None:
    assert digest(db) == before_digest, f"{db} was modified"
    assert table_counts(db) == before_counts
    assert leftovers(db) == []


# --- 5. the manifest ------------------------------------------------------------------


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] = ord("7") if data[middle] != ord("7") else ord("8")
    path.write_bytes(bytes(data))


def _append_a_line(path: Path) -> None:
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write("9999 Invented Commodity,,China,2017,1\n")


@pytest.mark.parametrize("damage", [_flip_a_byte, _append_a_line], ids=["flip", "append"])
def test_changed_file_fails_naming_it(tmp_path, previous_db, damage):
    raw = copied_snapshot(tmp_path / "raw")
    damage(raw / CHANGED_FILE)
    before = digest(previous_db), table_counts(previous_db)

    with pytest.raises(ManifestError, match=re.escape(CHANGED_FILE)) as excinfo:
        build(db_path=previous_db, raw_root=raw, log=quiet)

    assert "content has changed" in str(excinfo.value)
    assert_untouched(previous_db, *before)


def test_unchanged_copy_of_the_snapshot_verifies(tmp_path):
    """The control for the test above: the copy itself is fine."""
    from etl import manifest

    raw = copied_snapshot(tmp_path / "raw")
    entries = manifest.verify(raw)
    assert CHANGED_FILE in {e.file for e in entries}
    assert MISSING_FILE in {e.file for e in entries}


def test_missing_file_fails_naming_it(tmp_path, previous_db):
    raw = copied_snapshot(tmp_path / "raw")
    (raw / MISSING_FILE).unlink()
    before = digest(previous_db), table_counts(previous_db)

    with pytest.raises(ManifestError, match=re.escape(MISSING_FILE)) as excinfo:
        build(db_path=previous_db, raw_root=raw, log=quiet)

    assert "missing" in str(excinfo.value)
    assert_untouched(previous_db, *before)


def test_missing_manifest_fails(tmp_path, previous_db):
    raw = copied_snapshot(tmp_path / "raw")
    (raw / "manifest.csv").unlink()
    with pytest.raises(ManifestError, match="manifest.csv"):
        build(db_path=previous_db, raw_root=raw, log=quiet)


def test_cli_exits_1_naming_the_changed_file(tmp_path, previous_db):
    raw = copied_snapshot(tmp_path / "raw")
    _flip_a_byte(raw / CHANGED_FILE)
    before = digest(previous_db), table_counts(previous_db)

    proc = run_python("-m", "etl", "build", "--db", str(previous_db), "--raw", str(raw))

    assert proc.returncode == 1, proc.stderr
    assert "Build failed" in proc.stderr
    assert CHANGED_FILE in proc.stderr
    assert "Traceback" not in proc.stderr
    assert_untouched(previous_db, *before)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("no_query", "query.json: missing"),
        ("corrupt_response", "response_001.json: not valid JSON"),
    ],
)
def test_cli_names_a_damaged_saved_fetch(tmp_path, previous_db, damage, message):
    """A fetch dir edited by hand: a clear message, no traceback, the database kept."""
    raw = linked_snapshot(tmp_path / "raw")
    fetch = raw / "census_api" / "2026-01-01T000000Z"
    fetch.mkdir(parents=True)
    recorded = ROOT / "tests" / "fixtures" / "recorded" / "census"
    body = (recorded / "hs52_CHN_2019-01_2019-03.json").read_bytes()
    if damage == "corrupt_response":
        body = body[: len(body) // 2]
        (fetch / "query.json").write_text(
            '{"requests": [{"request": 1, "status": 200, "file": "response_001.json",'
            ' "params": {"I_COMMODITY": "52", "CTY_CODE": "5700",'
            ' "time": "from 2019-01 to 2019-03"}}]}'
        )
    (fetch / "response_001.json").write_bytes(body)
    before = digest(previous_db), table_counts(previous_db)

    proc = run_python("-m", "etl", "build", "--db", str(previous_db), "--raw", str(raw))

    assert proc.returncode == 1, proc.stderr
    assert "Build failed: a saved API fetch cannot be read" in proc.stderr
    assert message in proc.stderr and "2026-01-01T000000Z" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert_untouched(previous_db, *before)


# --- 6. atomic build ----------------------------------------------------------------------


def test_failed_model_leaves_previous_database(tmp_path, previous_db, monkeypatch):
    raw = linked_snapshot(tmp_path / "raw")
    before = digest(previous_db), table_counts(previous_db)
    real_model_sql = build_module.model_sql

    def broken(name):
        if name == "mart_us_imports_by_year_partner_group":
            return "select * from no_such_table"
        return real_model_sql(name)

    monkeypatch.setattr(build_module, "model_sql", broken)
    with pytest.raises(BuildError, match="mart_us_imports_by_year_partner_group"):
        build(db_path=previous_db, raw_root=raw, log=quiet)

    assert_untouched(previous_db, *before)


@pytest.mark.parametrize(
    ("model", "column", "expected"),
    [
        # A trade-flow source is staged into its own table: the error names that model.
        ("stg_census_snapshot", "value_usd", "model stg_census_snapshot failed: "),
        # Other staging models are views, cast as their mart is built: the error names
        # the mart and the view it reads.
        (
            "stg_crop_production",
            "tonnes",
            "model mart_tomato_production_by_year_country failed "
            "(reading the staging views stg_crop_production): ",
        ),
    ],
)
def test_a_bad_cast_in_staging_names_the_model(
    tmp_path, previous_db, monkeypatch, model, column, expected
):
    raw = linked_snapshot(tmp_path / "raw")
    before = digest(previous_db), table_counts(previous_db)
    real_model_sql = build_module.model_sql

    def bad_cast(name):
        sql = real_model_sql(name)
        if name == model:
            # Binds (VARCHAR -> DOUBLE) but fails on the first row, as a changed file would.
            sql = f"select * replace (cast('n/a' || {column} as double) as {column}) from ({sql})"
        return sql

    monkeypatch.setattr(build_module, "model_sql", bad_cast)
    with pytest.raises(BuildError) as failed:
        build(db_path=previous_db, raw_root=raw, log=quiet)
    message = str(failed.value)
    assert message.startswith(expected), message
    assert "n/a" in message

    assert_untouched(previous_db, *before)


def test_interrupted_build_leaves_previous_database(tmp_path, previous_db):
    """Any exception (here Ctrl-C just before the swap) removes the half-built file."""
    raw = linked_snapshot(tmp_path / "raw")
    before = digest(previous_db), table_counts(previous_db)

    def interrupt(step):
        if step == "publish":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(db_path=previous_db, raw_root=raw, log=quiet, on_step=interrupt)

    assert_untouched(previous_db, *before)


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from etl.build import build

    def on_step(name):
        if name == sys.argv[3]:
            os.kill(os.getpid(), signal.SIGKILL)

    build(Path(sys.argv[1]), Path(sys.argv[2]), log=lambda _m: None, on_step=on_step)
    print("not killed")
    """
)


def kill_a_build(db: Path, raw: Path, step: str) -> int:
    """Run a build in a child process that SIGKILLs itself at `step`; return its pid."""
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(db), str(raw), step],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == -signal.SIGKILL, (out, err)
    return proc.pid


def test_killed_build_leaves_previous_database_and_next_build_cleans_up(tmp_path, previous_db):
    raw = linked_snapshot(tmp_path / "raw")
    before = digest(previous_db), table_counts(previous_db)

    pid = kill_a_build(previous_db, raw, "models")

    # the last good database is intact and readable; the half-built file is left behind
    assert digest(previous_db) == before[0]
    assert table_counts(previous_db) == before[1]
    stale = f".{previous_db.name}.building-{pid}"
    assert stale in leftovers(previous_db)

    counts = build(db_path=previous_db, raw_root=raw, log=quiet)

    assert leftovers(previous_db) == []
    assert table_counts(previous_db) == counts == before[1]


def test_stale_file_with_our_own_pid_is_not_reused(tmp_path, previous_db):
    """PIDs get reused (in a container the build is often the same low PID every run):
    a half-built file left by a killed build whose PID now belongs to the running build
    must not be opened as if it were the new build's own file."""
    raw = linked_snapshot(tmp_path / "raw")
    stale = previous_db.parent / f".{previous_db.name}.building-{os.getpid()}"
    half_built = duckdb.connect(str(stale))  # what a build killed after its raw step leaves
    half_built.execute("create table raw_manifest as select 1 as dataset_id")
    half_built.close()
    before = digest(previous_db)

    counts = build(db_path=previous_db, raw_root=raw, log=quiet)

    assert digest(previous_db) != before
    assert leftovers(previous_db) == []
    assert table_counts(previous_db) == counts


class StopAfterCleanup(Exception):
    pass


def test_build_keeps_files_of_other_live_builds(tmp_path, previous_db):
    """A temp file whose PID is alive (another build in progress) is not deleted."""
    raw = linked_snapshot(tmp_path / "raw")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        other = previous_db.parent / f".{previous_db.name}.building-{sleeper.pid}"
        other.write_bytes(b"another build is writing this")
        dead = previous_db.parent / f".{previous_db.name}.building-{_dead_pid()}"
        dead.write_bytes(b"left by a killed build")

        def stop(step):  # stale files are removed before the raw step
            if step == "raw":
                raise StopAfterCleanup

        with pytest.raises(StopAfterCleanup):
            build(db_path=previous_db, raw_root=raw, log=quiet, on_step=stop)
        assert leftovers(previous_db) == [other.name]
    finally:
        sleeper.kill()
        sleeper.wait()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --- 7. determinism -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def second_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("second_build")
    raw = linked_snapshot(tmp / "raw")
    db = tmp / "trade.duckdb"
    steps: list[str] = []
    counts = build(db_path=db, raw_root=raw, log=quiet, on_step=steps.append)
    return db, counts, steps


def test_build_reports_its_steps_in_order(second_build):
    _db, _counts, steps = second_build
    assert steps == STEPS


def test_two_builds_give_identical_tables(warehouse_path, second_build):
    db, counts, _steps = second_build
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse_path}' as a (read_only)")
        con.execute(f"attach '{db}' as b (read_only)")

        def schema(catalog):
            return con.execute(
                """select table_name, column_index, column_name, data_type
                   from duckdb_columns() where database_name = ? order by all""",
                [catalog],
            ).fetchall()

        assert schema("a") == schema("b")
        tables = sorted({r[0] for r in schema("a")})
        assert tables == sorted(counts)
        for t in tables:
            n_a = con.execute(f'select count(*) from a."{t}"').fetchone()[0]
            n_b = con.execute(f'select count(*) from b."{t}"').fetchone()[0]
            assert n_a == n_b == counts[t], t
            for x, y in (("a", "b"), ("b", "a")):
                extra = con.execute(
                    f'select * from {x}."{t}" except all select * from {y}."{t}" limit 3'
                ).fetchall()
                assert extra == [], f"{t}: rows in {x} not in {y}: {extra}"
    finally:
        con.close()


def test_returned_counts_match_the_database(second_build):
    db, counts, _steps = second_build
    assert table_counts(db) == counts
    # Comtrade's API staging table is empty until something is fetched; Census's holds the
    # shipped API answer (census_api_hs2_monthly_2023_2024), staged by the same path.
    assert {t: n for t, n in counts.items() if n == 0} == {"stg_comtrade_api": 0}
    assert counts["stg_census_api"] == 50_143


# --- 8. command line ------------------------------------------------------------------------


def test_cli_build_prints_progress_and_summary(tmp_path):
    raw = linked_snapshot(tmp_path / "raw")
    db = tmp_path / "out" / "trade.duckdb"  # the parent directory does not exist yet

    proc = run_python("-m", "etl", "build", "--db", str(db), "--raw", str(raw))

    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for progress in (
        f"Verifying snapshot checksums in {raw}",
        "Loading raw relations",
        "raw_census_china_2017: usatrade_china_2017/China-import.csv",
        "Building staging and marts",
        "  mart_us_imports_by_year_partner_hs",
        f"Built {db} in ",
    ):
        assert progress in out
    assert out.index("Loading raw relations") < out.index("Building staging and marts")
    assert out.index("Building staging and marts") < out.index(f"Built {db}")

    summary = out[out.index(f"Built {db}") :]
    printed = {
        m.group(1): int(m.group(2).replace(",", ""))
        for m in re.finditer(r"^\s+(\w+)\s+([\d,]+) rows$", summary, re.MULTILINE)
    }
    assert printed == table_counts(db)
    assert "stg_trade_flows" in printed and "dim_product_group" in printed
    assert leftovers(db) == []
