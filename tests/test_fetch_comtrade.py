"""`python -m etl fetch comtrade` against a local server replaying responses in the UN
Comtrade v1 API's shape (tests/fixtures/recorded/comtrade/), then read_raw +
stg_comtrade_api.

The fixture bodies follow the real API's record layout; their figures are
illustrative, not real data.
"""

import argparse
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from etl.fetch_cli import add_fetch_parser
from etl.sources import comtrade, http, saved
from tests import fetch_helpers
from tests.fetch_helpers import SOURCE_TABLE_COLUMNS, assert_no_secret

RECORDED = Path(__file__).resolve().parent / "fixtures" / "recorded" / "comtrade"
RAW_SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "raw"
SECRET = "0123456789abcdef0123456789abcdef"
GET = "/data/v1/get/C/A/HS"
PREVIEW = "/public/v1/preview/C/A/HS"
FILTERS = {"customsCode": "C00", "motCode": "0", "partner2Code": "0", "includeDesc": "true"}


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl")
    add_fetch_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["fetch", "comtrade", "--min-interval", "0", *argv])
    return args.func(args)


@pytest.fixture
def env(tmp_path, monkeypatch, httpserver: HTTPServer):
    raw = tmp_path / "raw"
    monkeypatch.setenv("TRADE_RAW_DIR", str(raw))
    monkeypatch.setenv("COMTRADE_API_URL", httpserver.url_for("/"))
    monkeypatch.setenv("COMTRADE_API_KEY", SECRET)
    return raw


def us_china_query(period="2019", **extra) -> dict:
    return {
        "reporterCode": "842",
        "partnerCode": "156",
        "period": period,
        "cmdCode": "61,62,200290",
        "flowCode": "M",
        **FILTERS,
        "maxRecords": str(comtrade.MAX_RECORDS),
        **extra,
    }


def exports_query(year: int) -> dict:
    return {
        "partnerCode": "0",
        "period": str(year),
        "cmdCode": "200290",
        "flowCode": "X",
        **FILTERS,
    }


def expect(server, path, q, body=b"", status=200, **kw):
    server.expect_ordered_request(path, query_string=q).respond_with_data(
        body, status=status, content_type="application/json; charset=utf-8", **kw
    )


def fetch_dirs(raw: Path) -> list[Path]:
    parent = raw / "comtrade_api"
    return sorted(parent.iterdir()) if parent.exists() else []


def staged(raw: Path) -> duckdb.DuckDBPyConnection:
    """read_raw + stg_comtrade_api in an in-memory DuckDB, as the build runs them."""
    return fetch_helpers.staged("stg_comtrade_api", raw_comtrade_api=comtrade.read_raw(raw))


US_CHINA_ARGS = (
    *("--reporters", "USA", "--partners", "CHN"),
    *("--cmd", "61,62,200290", "--years", "2019"),
)


# --- success --------------------------------------------------------------------------


def test_keyed_fetch_sends_header_saves_bodies_and_hides_the_key(env, httpserver, capsys):
    expect(httpserver, GET, us_china_query(), recorded("M_USA_CHN_61-62-200290_2019.json"))
    assert run_cli(*US_CHINA_ARGS) == 0
    httpserver.check_assertions()
    request = httpserver.log[0][0]
    assert request.headers["Ocp-Apim-Subscription-Key"] == SECRET
    out, err = capsys.readouterr()
    assert_no_secret(SECRET, env, out, err)
    assert "HTTP 200, 6 rows" in out and "Saved 6 rows from 1 request(s)" in out

    [fetch_dir] = fetch_dirs(env)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{6}Z", fetch_dir.name)
    assert sorted(p.name for p in fetch_dir.iterdir()) == ["query.json", "response_001.json"]
    assert (fetch_dir / "response_001.json").read_bytes() == recorded(
        "M_USA_CHN_61-62-200290_2019.json"
    )
    q = json.loads((fetch_dir / "query.json").read_text())
    assert q["endpoint"] == "data/v1/get" and q["api_key_used"] is True
    assert q["reporters"] == ["842"] and q["partners"] == ["156"] and q["years"] == [2019]
    [req] = q["requests"]
    assert req["status"] == 200 and req["rows"] == 6 and req["attempts"] == 1
    assert req["params"]["cmdCode"] == "61,62,200290"
    assert "/data/v1/get/C/A/HS?" in req["url"]


def test_staging_keeps_only_totals_and_casts(env, httpserver):
    expect(httpserver, GET, us_china_query(), recorded("M_USA_CHN_61-62-200290_2019.json"))
    assert run_cli(*US_CHINA_ARGS) == 0

    raw = comtrade.read_raw(env)
    assert list(raw.columns) == list(comtrade.RAW_COLUMNS) and len(raw) == 6
    assert raw.loc[0, "reporterCode"] == "842" and raw.loc[0, "motCode"] == "0"
    assert raw.loc[0, "isLeaf"] == "false"
    assert pd.isna(raw.loc[0, "fobvalue"])  # JSON null

    con = staged(env)
    described = con.execute("describe stg_comtrade_api").fetchall()
    assert [(c[0], c[1]) for c in described] == SOURCE_TABLE_COLUMNS
    got = con.execute(
        "select reporter_iso3, partner_iso3, flow, hs_code, hs_level, hs_revision, year, month, "
        "value_usd, value_basis, quantity, quantity_unit, net_weight_kg "
        "from stg_comtrade_api order by hs_code"
    ).fetchall()
    # mot 1000, customs C01 and partner2 156 rows are dropped
    assert got == [
        ("USA", "CHN", "M", "200290", 6, "H5", 2019, None, 45678901.5, "CIF", 40123456.0, "kg",
         40123456.0),
        ("USA", "CHN", "M", "61", 2, "H5", 2019, None, 21234567890.12, "CIF", None, None, None),
        ("USA", "CHN", "M", "62", 2, "H5", 2019, None, 19876543210.0, "CIF", None, None, None),
    ]  # fmt: skip
    source, dataset, vintage, fetched_at = con.execute(
        "select distinct source, dataset, vintage, fetched_at from stg_comtrade_api"
    ).fetchone()
    stamp = raw.loc[0, "fetched_at"]
    assert (source, dataset) == ("comtrade", "comtrade_api")
    assert vintage == f"UN Comtrade API, fetched {stamp}"
    assert fetched_at == datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def test_keyless_preview_every_reporter_exports_split_by_year(env, httpserver, monkeypatch, capsys):
    monkeypatch.delenv("COMTRADE_API_KEY")
    expect(httpserver, PREVIEW, exports_query(2019), recorded("X_all_WLD_200290_2019.json"))
    expect(httpserver, PREVIEW, exports_query(2020), recorded("X_all_WLD_200290_2020.json"))
    code = run_cli("--reporters", "all", "--flow", "X", "--cmd", "200290", "--years", "2019-2020")
    assert code == 0
    httpserver.check_assertions()
    assert all("Ocp-Apim-Subscription-Key" not in r.headers for r, _ in httpserver.log)
    out = capsys.readouterr().out
    assert "keyless preview" in out
    assert "[1/2]" in out and "[2/2]" in out

    [fetch_dir] = fetch_dirs(env)
    assert sorted(p.name for p in fetch_dir.iterdir()) == [
        "query.json",
        "response_001.json",
        "response_002.json",
    ]
    con = staged(env)
    got = con.execute(
        "select reporter_iso3, partner_iso3, flow, value_basis, year, value_usd "
        "from stg_comtrade_api where year = 2019 order by reporter_iso3"
    ).fetchall()
    # 490 "Other Asia, nes" -> TWN and 699 -> IND through the seed; the mot 2000 row is dropped
    assert got == [
        ("CHN", "WLD", "X", "FOB", 2019, 1.07e9),
        ("IND", "WLD", "X", "FOB", 2019, 34567890.0),
        ("ITA", "WLD", "X", "FOB", 2019, 1.9e9),
        ("TWN", "WLD", "X", "FOB", 2019, 2345678.0),
    ]
    assert con.execute("select count(*) from stg_comtrade_api").fetchone()[0] == 8


def test_monthly_asks_for_twelve_periods(env, httpserver):
    q = us_china_query(period=",".join(f"2019{m:02d}" for m in range(1, 13)))
    body = (
        recorded("M_USA_CHN_61_2019_revised.json")
        .replace(b'"freqCode":"A"', b'"freqCode":"M"')
        .replace(b'"period":"2019"', b'"period":"201903"')
    )
    expect(httpserver, "/data/v1/get/C/M/HS", q, body)
    assert run_cli(*US_CHINA_ARGS, "--freq", "M") == 0
    httpserver.check_assertions()
    assert staged(env).execute("select year, month from stg_comtrade_api").fetchall() == [(2019, 3)]


def test_second_fetch_of_the_same_year_wins(env, httpserver):
    expect(httpserver, GET, us_china_query(), recorded("M_USA_CHN_61-62-200290_2019.json"))
    expect(httpserver, GET, us_china_query(), recorded("M_USA_CHN_61_2019_revised.json"))
    assert run_cli(*US_CHINA_ARGS) == 0
    assert run_cli(*US_CHINA_ARGS) == 0
    first, second = fetch_dirs(env)
    assert first.name < second.name
    con = staged(env)
    assert con.execute(
        "select hs_code, value_usd from stg_comtrade_api order by hs_code"
    ).fetchall() == [("200290", 45678901.5), ("61", 21300000000.0), ("62", 19876543210.0)]


@pytest.mark.apptest
@pytest.mark.slow  # builds a warehouse
def test_fetched_world_paste_exports_fill_the_paste_page(env, httpserver, monkeypatch):
    """What the Tomato paste page tells a user to do, end to end: fetch every reporter's
    exports of 200290, build, and the page draws China's share from them."""
    from etl.build import build
    from tests.apptest import figures, open_page, plain_title

    monkeypatch.delenv("COMTRADE_API_KEY")
    expect(httpserver, PREVIEW, exports_query(2019), recorded("X_all_WLD_200290_2019.json"))
    expect(httpserver, PREVIEW, exports_query(2020), recorded("X_all_WLD_200290_2020.json"))
    assert (
        run_cli("--reporters", "all", "--flow", "X", "--cmd", "200290", "--years", "2019-2020") == 0
    )
    for entry in RAW_SNAPSHOT.iterdir():  # the shipped snapshot beside the fetch
        if entry.name not in ("census_api", "comtrade_api"):
            os.symlink(entry, env / entry.name)
    db = env.parent / "trade.duckdb"
    build(db_path=db, raw_root=env, log=lambda _m: None)
    with duckdb.connect(str(db), read_only=True) as con:
        # from the staged rows, not the mart the page reads
        expected = dict(
            con.execute(
                """
                select year, sum(value_usd) filter (where reporter_iso3 = 'CHN') / sum(value_usd)
                from stg_trade_flows
                where dataset = 'comtrade_api' and flow = 'X' and hs_code = '200290'
                  and partner_iso3 = 'WLD'
                  and reporter_iso3 in (select iso3 from dim_country where iso3 <> 'WLD')
                group by year
                """
            ).fetchall()
        )
    assert set(expected) == {2019, 2020}

    monkeypatch.setenv("TRADE_DB", str(db))
    at = open_page("pages/tomato_paste_world_trade.py")
    assert not any("no country-by-year table" in i.value for i in at.info)
    # the Comtrade chart, beside FAOSTAT's shipped one
    [share] = [
        f
        for f in figures(at)
        if plain_title(f).startswith("China's share of world tomato-paste exports, UN Comtrade")
    ]
    china = next(t for t in share["data"] if t["name"] == "China")
    assert dict(zip(china["x"], china["y"], strict=True)) == pytest.approx(expected)
    sources = " ".join(a.get("text", "") for a in share["layout"]["annotations"])
    assert "UN Comtrade API, fetched" in sources and "FOB" in sources


def test_500_records_warns_it_may_be_truncated(env, httpserver, monkeypatch, capsys):
    monkeypatch.delenv("COMTRADE_API_KEY")
    template = json.loads(recorded("X_all_WLD_200290_2019.json"))["data"][0]
    records = [{**template, "reporterCode": n} for n in range(comtrade.PREVIEW_CAP)]
    body = json.dumps({"count": len(records), "data": records, "error": ""}).encode()
    expect(httpserver, PREVIEW, exports_query(2019), body)
    assert run_cli("--reporters", "all", "--flow", "X", "--cmd", "200290", "--years", "2019") == 0
    out, err = capsys.readouterr()
    assert "returned 500 rows, the API's cap per call: the answer may be truncated" in err
    assert "1 warning(s)" in out
    [fetch_dir] = fetch_dirs(env)
    assert "truncated" in json.loads((fetch_dir / "query.json").read_text())["warnings"][0]


def test_499_records_do_not_warn(env, httpserver, monkeypatch, capsys):
    monkeypatch.delenv("COMTRADE_API_KEY")
    template = json.loads(recorded("X_all_WLD_200290_2019.json"))["data"][0]
    records = [{**template, "reporterCode": n} for n in range(comtrade.PREVIEW_CAP - 1)]
    expect(httpserver, PREVIEW, exports_query(2019), json.dumps({"data": records}).encode())
    assert run_cli("--reporters", "all", "--flow", "X", "--cmd", "200290", "--years", "2019") == 0
    assert "truncated" not in capsys.readouterr().err


# --- throttle, retries, failures ------------------------------------------------------


def test_throttle_spaces_calls(tmp_path, httpserver):
    for year in (2019, 2020, 2021):
        expect(httpserver, PREVIEW, exports_query(year), recorded("X_all_WLD_200290_2019.json"))
    now = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    throttle = http.Throttle(1.5, clock=lambda: now[0], sleep=sleep)
    api = comtrade.client(
        httpserver.url_for("/"), api_key="", throttle=throttle, log=lambda _m: None
    )
    comtrade.fetch(
        api, ["200290"], [2019, 2020, 2021], reporters=["all"], flow="X", raw_root=tmp_path
    )
    assert sleeps == [1.5, 1.5]


def test_429_backs_off_then_succeeds(env, httpserver, capsys):
    body = b'{"statusCode": 429, "message": "Rate limit is exceeded."}'
    expect(httpserver, GET, us_china_query(), body, status=429, headers={"Retry-After": "0"})
    expect(httpserver, GET, us_china_query(), recorded("M_USA_CHN_61-62-200290_2019.json"))
    assert run_cli(*US_CHINA_ARGS) == 0
    assert "returned HTTP 429" in capsys.readouterr().out
    [fetch_dir] = fetch_dirs(env)
    assert json.loads((fetch_dir / "query.json").read_text())["requests"][0]["attempts"] == 2


def _earlier(env, httpserver):
    expect(httpserver, GET, us_china_query(), recorded("M_USA_CHN_61-62-200290_2019.json"))
    assert run_cli(*US_CHINA_ARGS) == 0
    [earlier] = fetch_dirs(env)
    return earlier, {p.name: p.read_bytes() for p in earlier.iterdir()}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"oops", 500, "Comtrade API returned HTTP 500 after 2 attempts for HS 61,62,200290"),
        (
            f'{{"statusCode": 401, "message": "Access denied due to invalid subscription key '
            f'{SECRET}."}}'.encode(),
            401,
            "Comtrade API returned HTTP 401 for HS 61,62,200290 flow M reporters 842 partners 156"
            " 2019: {",
        ),
        (recorded("changed_schema_no_data.json"), 200, "changed schema: the response has no"),
        (recorded("error_field.json"), 200, "reported an error: Invalid parameter: cmdCode"),
        (b"", 200, "Comtrade API returned an empty body with HTTP 200"),
        (b'{"count": 1, "data": [', 200, "Comtrade API returned malformed JSON"),
        (b'{"data": [{"cmdCode": "61"}]}', 200, "changed schema: record 1 lacks freqCode, refYear"),
        (b"[]", 200, "returned JSON that is not an object"),
    ],
    ids=["500", "401", "no-data", "error", "empty", "malformed", "missing-fields", "array"],
)
def test_failures_are_clear_and_write_nothing(env, httpserver, capsys, body, status, message):
    earlier, snapshot = _earlier(env, httpserver)
    capsys.readouterr()
    for _ in range(2):
        expect(httpserver, GET, us_china_query(), body, status=status)
    assert run_cli(*US_CHINA_ARGS, "--retries", "1", "--backoff", "0") == 1
    out, err = capsys.readouterr()
    assert message in err
    assert err.startswith("Comtrade fetch failed: ")
    assert "Traceback" not in out + err
    assert_no_secret(SECRET, env, out, err)
    assert fetch_dirs(env) == [earlier]
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == snapshot


def test_failure_in_a_later_year_discards_earlier_years(env, httpserver, capsys):
    expect(httpserver, GET, us_china_query("2019"), recorded("M_USA_CHN_61-62-200290_2019.json"))
    expect(httpserver, GET, us_china_query("2020"), b"bad gateway", status=502)
    args = ("--reporters", "USA", "--partners", "CHN", "--cmd", "61,62,200290")
    assert run_cli(*args, "--years", "2019-2020", "--retries", "0") == 1
    assert "HTTP 502 after 1 attempt for" in capsys.readouterr().err
    assert fetch_dirs(env) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reporters", "ATL"], "unknown reporter 'ATL'"),
        (["--partners", "all,CHN"], "--partners all cannot be combined"),
        (["--cmd", "2002900"], "bad HS code '2002900'"),
        (["--years", "2024-2019"], "runs backwards"),
        (["--years", "last"], "bad years 'last'"),
    ],
)
def test_bad_arguments_fail_before_any_request(env, httpserver, capsys, args, message):
    base = {"--reporters": "USA", "--partners": "CHN", "--cmd": "61", "--years": "2019"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    assert run_cli(*[x for kv in base.items() for x in kv]) == 1
    assert message in capsys.readouterr().err
    assert httpserver.log == []
    assert fetch_dirs(env) == []


def test_parse_years_and_codes():
    assert comtrade.parse_years("2015-2017") == [2015, 2016, 2017]
    assert comtrade.parse_years("2020, 2019,2019") == [2019, 2020]
    assert comtrade.resolve_codes(["usa", "IND", "TWN", "WLD", "0842"], "reporters") == [
        "842",
        "699",
        "490",
        "0",
    ]
    assert comtrade.resolve_codes(["all"], "partners") is None


# --- read_raw -------------------------------------------------------------------------


def test_read_raw_without_fetches_is_empty_with_columns_and_stages(tmp_path):
    frame = comtrade.read_raw(tmp_path)
    assert list(frame.columns) == list(comtrade.RAW_COLUMNS) and len(frame) == 0
    assert all(pd.api.types.is_string_dtype(t) for t in frame.dtypes)
    con = staged(tmp_path)
    assert [(c[0], c[1]) for c in con.execute("describe stg_comtrade_api").fetchall()] == (
        SOURCE_TABLE_COLUMNS
    )
    assert con.execute("select count(*) from stg_comtrade_api").fetchone()[0] == 0


def test_read_raw_keeps_number_text_exactly(tmp_path):
    done = tmp_path / "comtrade_api" / "2026-01-01T000000Z"
    done.mkdir(parents=True)
    record = json.loads(recorded("M_USA_CHN_61_2019_revised.json"))["data"][0]
    body = json.dumps({"data": [record]}).replace("21300000000.0", "21300000000.10")
    (done / "response_001.json").write_text(body)
    frame = comtrade.read_raw(tmp_path)
    assert frame.loc[0, "primaryValue"] == "21300000000.10"
    assert frame.loc[0, "cmdCode"] == "61" and frame.loc[0, "isReported"] == "true"
    assert frame.loc[0, "fetched_at"] == "2026-01-01T00:00:00Z"
    assert frame.loc[0, "fetch_dir"] == "comtrade_api/2026-01-01T000000Z"


def test_read_raw_names_a_corrupt_saved_file(tmp_path):
    done = tmp_path / "comtrade_api" / "2026-01-01T000000Z"
    done.mkdir(parents=True)
    (done / "response_001.json").write_text('{"count": 0}')
    message = "response_001.json: changed schema: the response has no 'data' list"
    with pytest.raises(saved.RawDataError, match=message):
        comtrade.read_raw(tmp_path)


def test_fetch_function_defaults_to_now_in_utc(tmp_path, httpserver):
    expect(httpserver, PREVIEW, exports_query(2019), recorded("X_all_WLD_200290_2019.json"))
    before = datetime.now(UTC).replace(microsecond=0)
    api = comtrade.client(httpserver.url_for("/"), api_key="", log=lambda _m: None)
    result = comtrade.fetch(api, ["200290"], [2019], reporters=["all"], flow="X", raw_root=tmp_path)
    stamp = datetime.strptime(result.directory.name, "%Y-%m-%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC)
    assert result.rows == 5 and result.requests == 1 and result.warnings == []


def test_staging_drops_every_breakdown_row(tmp_path):
    """Customs-procedure, transport-mode and second-partner breakdowns never reach staging,
    even when no total row of the same key is there to win the dedup."""
    done = tmp_path / "comtrade_api" / "2026-01-01T000000Z"
    done.mkdir(parents=True)
    records = json.loads(recorded("M_USA_CHN_61-62-200290_2019.json"))["data"]
    breakdowns = [
        r for r in records if (r["customsCode"], r["motCode"], r["partner2Code"]) != ("C00", 0, 0)
    ]
    assert len(breakdowns) == 3
    (done / "response_001.json").write_text(json.dumps({"count": 3, "data": breakdowns}))
    con = staged(tmp_path)
    assert len(comtrade.read_raw(tmp_path)) == 3
    assert con.execute("select count(*) from stg_comtrade_api").fetchone()[0] == 0
