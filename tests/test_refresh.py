"""`python -m etl refresh` against local stand-ins for the Census and Comtrade APIs
(tests/refresh_standins.py: the APIs' shapes, a SYNTHETIC world of 243 Census partners,
25 HS codes, monthly from 2019, Comtrade 2015-2021). The real APIs are not reached."""

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer

from etl.refresh.run import Settings, refresh
from etl.refresh.scope import Scope
from etl.refresh.state import PlanFile, RefreshBusy, RefreshLock
from tests.fetch_helpers import assert_no_secret
from tests.refresh_standins import World, serve, synthetic_value

# Each refresh builds a warehouse: slow, and slower still on a loaded machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parent.parent
RAW_SNAPSHOT = ROOT / "data" / "raw"
TODAY = date(2022, 3, 15)  # the plan asks Census to 2022-02, Comtrade to 2021
CENSUS_CODES = (
    *("07", "20", "52", "61", "62", "63", "0702", "2002", "200210", "200290", "210320"),
    *("120991", "1209918070"),
    *(f"52{n:02d}" for n in range(1, 13)),  # the cotton headings 5201-5212
)
IMPORT_LINES = ("520100", "520811", "520812", "610910", "611020", "620342", "620462",
                "630231", "070200", "200210", "200290", "210320")  # fmt: skip
SCOPE = Scope(census_codes=CENSUS_CODES, import_lines=IMPORT_LINES)


def make_raw(tmp: Path) -> Path:
    """The shipped snapshot (symlinked) without fetched answers: a refresh writes beside it."""
    raw = tmp / "raw"
    raw.mkdir()
    for entry in RAW_SNAPSHOT.iterdir():
        if entry.name not in ("census_api", "comtrade_api", ".refresh"):
            os.symlink(entry, raw / entry.name)
    return raw


def settings(tmp: Path, **kw) -> Settings:
    defaults = dict(
        raw_root=tmp / "raw",
        db_path=tmp / "trade.duckdb",
        today=TODAY,
        scope=SCOPE,
        retries=1,
        backoff=0.0,
        census_min_interval=0.0,
        comtrade_min_interval=0.0,
        progress=False,
        out=io.StringIO(),
        err=io.StringIO(),
    )
    return Settings(**(defaults | kw))


@pytest.fixture
def world(monkeypatch):
    world = World()
    with HTTPServer() as server:
        for name, value in serve(server, world).items():
            monkeypatch.setenv(name, value)
        yield world


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """One uninterrupted first refresh (its raw dir and warehouse), copied by the tests."""
    tmp = tmp_path_factory.mktemp("first")
    make_raw(tmp)
    world = World()
    with HTTPServer() as server, pytest.MonkeyPatch.context() as mp:
        for name, value in serve(server, world).items():
            mp.setenv(name, value)
        s = settings(tmp)
        summary = refresh(s)
    return tmp, summary, world.asked, s


def copy_of(first_run, tmp: Path) -> Path:
    source = first_run[0]
    shutil.copytree(source / "raw", tmp / "raw", symlinks=True)
    shutil.copy2(source / "trade.duckdb", tmp / "trade.duckdb")
    return tmp


def query(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def fetched_monthly(db: Path) -> list[tuple]:
    """The monthly mart's rows from fetched answers: what a user sees, without vintages."""
    return query(
        db,
        "select partner_iso3, hs_code, year, month, value_usd from "
        "mart_us_imports_by_month_partner_hs where dataset = 'census_api' order by all",
    )


def census_asked(world: World) -> list[tuple[str, str]]:
    return [(q["I_COMMODITY"], q["time"]) for api, q in world.asked if api == "census"]


def done_so_far(plan: PlanFile) -> int:
    """Requests a running refresh has marked done in its plan file."""
    try:
        plan.load()
    except (ValueError, TypeError):
        return 0  # not written yet
    return len(plan.done)


def listing(raw: Path) -> list[str]:
    return sorted(
        str(p.relative_to(raw))
        for p in raw.rglob("*")
        if ".refresh" not in p.parts and not p.is_symlink()
    )


# --- a first run --------------------------------------------------------------------------


def test_first_run_fetches_every_code_and_year_and_builds(first_run):
    tmp, summary, asked, s = first_run
    census = [q for api, q in asked if api == "census"]
    assert sorted(q["I_COMMODITY"] for q in census) == sorted(CENSUS_CODES)
    assert {q["time"] for q in census} == {"from 2019-01 to 2022-02"}
    assert all("CTY_CODE" not in q for q in census)  # every partner
    comtrade = [q for api, q in asked if api == "comtrade"]
    imports = sorted(int(q["period"]) for q in comtrade if q["flowCode"] == "M")
    assert imports == list(range(2015, 2022))
    assert all(q["cmdCode"] == ",".join(IMPORT_LINES) for q in comtrade if q["flowCode"] == "M")
    exports = [q for q in comtrade if q["flowCode"] == "X"]
    assert len(exports) == 7 and all("reporterCode" not in q for q in exports)

    assert summary.sources["census"].statuses["saved"] == len(CENSUS_CODES)
    assert summary.sources["comtrade"].statuses["saved"] == 14
    assert not summary.failed and summary.rebuilt
    # 243 partners x 37 months for each chapter, and about half of them for the rest
    rows = query(s.db_path, "select count(*) from stg_census_api where fetched_at is not null")
    assert rows[0][0] == summary.sources["census"].rows > 25 * 37 * 100
    # a figure as the stand-in published it, in the mart the pages read
    china = query(
        s.db_path,
        "select value_usd, vintage from mart_us_imports_by_month_partner_hs "
        "where partner_iso3 = 'CHN' and hs_code = '61' and year = 2021 and month = 6",
    )
    assert china[0][0] == synthetic_value("61", "5700", "2021-06")
    assert china[0][1].startswith("Census API, fetched ")
    # no figure twice
    assert query(
        s.db_path,
        "select count(*) - count(distinct (partner_iso3, hs_code, year, month)) "
        "from stg_census_api where is_current",
    ) == [(0,)]
    assert not (s.raw_root / ".refresh" / "plan.json").exists()  # finished: in history/
    assert len(list((s.raw_root / ".refresh" / "history").iterdir())) == 1
    text = "\n".join(summary.lines(s.db_path))
    assert "Census API: 25 requests" in text and "new figures:" in text


def test_keys_come_from_the_environment_and_are_written_nowhere(first_run):
    tmp, summary, asked, s = first_run
    census = [q for api, q in asked if api == "census"]
    assert all(q["key"] == "census-test-key-0123456789" for q in census)
    texts = [s.out.getvalue(), s.err.getvalue(), "\n".join(summary.lines(s.db_path))]
    for secret in ("census-test-key-0123456789", "comtrade-test-key-0123456789"):
        assert_no_secret(secret, s.raw_root, *texts)


# --- incremental ----------------------------------------------------------------------------


def test_second_run_with_nothing_new_changes_nothing(first_run, tmp_path, world):
    copy_of(first_run, tmp_path)
    s = settings(tmp_path)
    before, db_before = listing(s.raw_root), s.db_path.stat()

    summary = refresh(s)

    # Census: the look-back window only (January of the year before the latest month held)
    assert set(census_asked(world)) == {(c, "from 2021-01 to 2022-02") for c in CENSUS_CODES}
    years = sorted({int(q["period"]) for api, q in world.asked if api == "comtrade"})
    assert years == [2020, 2021]  # the latest two years held
    assert summary.counts() == {"unchanged": len(CENSUS_CODES) + 4}
    assert not summary.changed and not summary.rebuilt
    assert listing(s.raw_root) == before  # nothing saved
    after = s.db_path.stat()
    assert (after.st_mtime_ns, after.st_size) == (db_before.st_mtime_ns, db_before.st_size)
    assert "Nothing new" in "\n".join(summary.lines(s.db_path))


def test_a_new_month_is_asked_for_with_the_look_back_window_only(first_run, tmp_path, world):
    copy_of(first_run, tmp_path)
    world.census_through = "2022-02"
    summary = refresh(settings(tmp_path, today=date(2022, 4, 10), sources=("census",)))

    assert set(census_asked(world)) == {(c, "from 2021-01 to 2022-03") for c in CENSUS_CODES}
    census = summary.sources["census"]
    assert census.new_periods == {"2022-02"} and census.revised == 0 and census.removed == 0
    assert census.statuses["saved"] == len(CENSUS_CODES) and summary.rebuilt
    db = tmp_path / "trade.duckdb"
    months = query(db, "select max(period) from mart_us_imports_by_month_partner_hs "
                       "where dataset = 'census_api'")  # fmt: skip
    assert str(months[0][0]) == "2022-02-01"
    # the look-back months came again, unchanged: compared, not revised
    assert query(db, "select count(*) from mart_revisions_by_figure where source = 'census'") == [
        (0,)
    ]
    checks = query(db, "select sum(figures_compared), sum(figures_revised) from "
                       "mart_revision_checks_by_vintage_pair where new_dataset = 'census_api' "
                       "and old_dataset = 'census_api'")  # fmt: skip
    assert checks[0][0] > 0 and checks[0][1] == 0


def test_revised_values_are_found_saved_and_shown(first_run, tmp_path, world):
    copy_of(first_run, tmp_path)
    old_census = synthetic_value("61", "5700", "2021-06")
    world.revised[("census", "61", "5700", "2021-06")] = old_census + 12345
    old_comtrade = synthetic_value("comtrade", "M", "842", "156", "610910", 2021)
    world.revised[("comtrade", "M", "842", "156", "610910", 2021)] = old_comtrade - 500

    summary = refresh(settings(tmp_path))

    assert summary.sources["census"].revised == 1
    assert summary.sources["census"].revised_periods == {"2021-06"}
    assert summary.sources["census"].statuses == {"saved": 1, "unchanged": 24}
    assert summary.sources["comtrade"].revised == 1
    db = tmp_path / "trade.duckdb"
    # (the synthetic Comtrade figures also differ from the shipped real ones they overlap:
    # those pairs are listed too, between the shipped file and the first fetch)
    got = query(
        db,
        "select source, partner_iso3, hs_code, year, month, old_value_usd, new_value_usd, "
        "change_usd, old_dataset, new_dataset from mart_revisions_by_figure "
        "where old_dataset = new_dataset order by source",
    )
    assert got == [
        ("census", "CHN", "61", 2021, 6, old_census, old_census + 12345, 12345.0,
         "census_api", "census_api"),
        ("comtrade", "CHN", "610910", 2021, None, old_comtrade, old_comtrade - 500, -500.0,
         "comtrade_api", "comtrade_api"),
    ]  # fmt: skip
    marked = query(
        db,
        "select value_usd, revised_from_usd, revised_from_vintage from "
        "mart_us_imports_by_month_partner_hs where partner_iso3 = 'CHN' and hs_code = '61' "
        "and year = 2021 and month = 6",
    )
    assert marked[0][:2] == (old_census + 12345, old_census)
    assert marked[0][2].startswith("Census API, fetched ")
    annual = query(db, "select revised_from_usd from mart_us_imports_by_year_partner_hs "
                       "where source = 'comtrade' and partner_iso3 = 'CHN' "
                       "and hs_code = '610910' and year = 2021")  # fmt: skip
    assert annual == [(old_comtrade,)]
    # the rest of the answer came again unchanged: compared, not listed as revised
    unrevised = query(db, "select count(*) from mart_us_imports_by_month_partner_hs "
                          "where revised_from_usd is not null")  # fmt: skip
    assert unrevised == [(1,)]


# --- failures, kill -9 and the lock --------------------------------------------------------


def test_a_429_storm_fails_some_requests_and_a_rerun_retries_only_them(first_run, tmp_path, world):
    copy_of(first_run, tmp_path)
    world.census_through = "2022-02"
    world.storm = {"61", "62"}
    s = settings(tmp_path, sources=("census",), retries=2)

    summary = refresh(s)

    assert [label for label, _ in summary.failed] == [
        "Census HS 61, every partner, 2021-01..2022-02",
        "Census HS 62, every partner, 2021-01..2022-02",
    ]
    assert "HTTP 429 after 3 attempts" in summary.failed[0][1]
    assert summary.sources["census"].statuses["saved"] == len(CENSUS_CODES) - 2
    storm_calls = [c for c in census_asked(world) if c[0] in ("61", "62")]
    assert len(storm_calls) == 6  # three attempts each, then given up
    assert summary.rebuilt  # what was saved is built
    text = "\n".join(summary.lines(s.db_path))
    assert "2 requests failed" in text and "retry only the failed requests" in text
    assert PlanFile(s.raw_root).pending()

    world.storm.clear()
    world.asked.clear()
    summary = refresh(settings(tmp_path, sources=("census",)))

    assert census_asked(world) == [("61", "from 2021-01 to 2022-02"),
                                   ("62", "from 2021-01 to 2022-02")]  # fmt: skip
    assert not summary.failed and summary.resumed and summary.rebuilt
    assert not PlanFile(s.raw_root).pending()
    got = query(
        s.db_path,
        "select count(distinct hs_code) from mart_us_imports_by_month_partner_hs "
        "where dataset = 'census_api' and year = 2022 and month = 2",
    )
    assert got == [(len(CENSUS_CODES),)]


def test_a_refresh_killed_part_way_resumes_to_the_same_result(first_run, tmp_path, world):
    """kill -9 in the middle of the fetches; the next run goes on with the same plan and
    ends with the figures of an uninterrupted run, none of them twice."""
    copy_of(first_run, tmp_path)
    world.census_through = "2022-02"
    world.delay = 0.4
    raw, db = tmp_path / "raw", tmp_path / "trade.duckdb"
    saved_before = len(list((raw / "census_api").iterdir()))
    cmd = [sys.executable, "-m", "etl", "refresh", "--raw", str(raw), "--db", str(db),
           "--only", "census", "--today", "2022-04-10", "--min-interval", "0",
           "--no-progress", "--census-codes", ",".join(CENSUS_CODES),
           "--import-lines", ",".join(IMPORT_LINES)]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 900
    plan = PlanFile(raw)
    while done_so_far(plan) < 4:
        assert proc.poll() is None, proc.stdout.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    plan.load()
    done_before_kill = len(plan.done)
    assert 4 <= done_before_kill < len(CENSUS_CODES)
    # an answer may be in place whose request the plan had not yet marked done: asked again
    assert len(list((raw / "census_api").iterdir())) - saved_before in (
        done_before_kill,
        done_before_kill + 1,
    )

    world.delay = 0.0
    world.asked.clear()
    summary = refresh(settings(tmp_path, today=date(2022, 4, 10), sources=("census",)))

    assert summary.resumed and not summary.failed
    assert len(census_asked(world)) == len(CENSUS_CODES) - done_before_kill
    # the same figures as an uninterrupted run from the same start
    clean = tmp_path / "clean"
    clean.mkdir()
    copy_of(first_run, clean)
    refresh(settings(clean, today=date(2022, 4, 10), sources=("census",)))
    assert fetched_monthly(db) == fetched_monthly(clean / "trade.duckdb")
    assert query(
        db,
        "select count(*) - count(distinct (partner_iso3, hs_code, year, month)) "
        "from stg_census_api where is_current",
    ) == [(0,)]
    assert not any(p.name.startswith(".") for p in (raw / "census_api").iterdir())


def test_a_second_refresh_refuses_while_one_runs(first_run, tmp_path, world):
    copy_of(first_run, tmp_path)
    s = settings(tmp_path)
    with RefreshLock(s.raw_root):
        with pytest.raises(RefreshBusy, match=r"Another refresh is running \(process \d+"):
            refresh(s)
        started = time.monotonic()
        with pytest.raises(RefreshBusy, match="after waiting 0.5 s"):
            refresh(settings(tmp_path, wait=0.5))
        assert time.monotonic() - started >= 0.5
        cli = subprocess.run(
            [sys.executable, "-m", "etl", "refresh", "--raw", str(s.raw_root), "--db",
             str(s.db_path), "--census-codes", "61", "--import-lines", "610910"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert cli.returncode == 2 and "Another refresh is running" in cli.stderr
    assert world.asked == []


def test_dry_run_lists_the_requests_and_calls_nothing(first_run, tmp_path, world):
    copy_of(first_run, tmp_path)
    s = settings(tmp_path, dry_run=True)
    summary = refresh(s)
    out = s.out.getvalue()
    assert world.asked == [] and summary.dry_run
    assert "Census HS 61, every partner, 2021-01..2022-02" in out
    assert "Comtrade imports 2021, 12 HS6 lines, USA to every partner" in out
    assert f"{len(CENSUS_CODES) + 4} requests: {len(CENSUS_CODES)} to the Census API, 4 to " in out
    assert not PlanFile(s.raw_root).pending()


# --- what a user sees ------------------------------------------------------------------------


@pytest.mark.apptest
def test_values_revised_by_a_stand_in_show_on_the_pages(first_run, tmp_path, world, monkeypatch):
    """The Revisions page lists a value the stand-in revised; the Cotton and textiles page
    marks it on its monthly chart, with the earlier value in the hover."""
    from tests.apptest import figures, open_page

    copy_of(first_run, tmp_path)
    old = synthetic_value("61", "5700", "2021-06")
    world.revised[("census", "61", "5700", "2021-06")] = old + 2_000_000
    refresh(settings(tmp_path, sources=("census",)))
    monkeypatch.setenv("TRADE_DB", str(tmp_path / "trade.duckdb"))

    # (the synthetic Comtrade figures differ from the shipped real ones: listed too)
    at = open_page("pages/revisions.py", params={"revisions_source": "census"})
    assert any(i.value.endswith("figures were revised (below).") for i in at.info)
    [table] = [d.value for d in at.dataframe if "New value, USD" in d.value.columns]
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["Source"], row["HS code"], row["Partner"], row["Period"]) == (
        "US Census Bureau", "61", "China", "Jun 2021"
    )  # fmt: skip
    assert (row["Old value, USD"], row["New value, USD"]) == (old, old + 2_000_000)
    assert row["Old vintage"].startswith("Census API, fetched ")
    [bars] = figures(at)
    [census_bars] = [t for t in bars["data"] if t["name"] == "US Census Bureau"]
    assert census_bars["y"] == [2_000_000.0] and census_bars["x"][0].startswith("2021-06")

    at = open_page(
        "pages/cotton_and_textiles.py", params={"partners": "CHN", "cotton_monthly": "61"}
    )
    monthly = [f for f in figures(at) if "by month" in f["layout"]["title"]["text"]]
    [china] = [t for t in monthly[0]["data"] if t["meta"] == "CHN"]
    marked = [i for i, s in enumerate(china["marker"]["symbol"]) if s != "circle"]
    assert [china["x"][i][:7] for i in marked] == ["2021-06"]
    assert "revised: was $" in china["customdata"][marked[0]]
