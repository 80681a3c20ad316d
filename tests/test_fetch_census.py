"""`python -m etl fetch census` against a local server replaying responses in the
Census API's shapes (tests/fixtures/recorded/census/), then read_raw + stg_census_api.

The fixture bodies follow the real API's format (array of string arrays, header
first, predicate columns appended); their figures are illustrative, not real data.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from etl.fetch_cli import add_fetch_parser
from etl.sources import census, saved
from tests import fetch_helpers
from tests.fetch_helpers import CENSUS_API_COLUMNS, STAGING_COLUMNS, assert_no_secret

ROOT = Path(__file__).resolve().parent.parent
RECORDED = Path(__file__).resolve().parent / "fixtures" / "recorded" / "census"
RAW_SNAPSHOT = ROOT / "data" / "raw"
SECRET = "census-Sekr1t-key-0123456789abcdef01234567"
GET = ",".join(census.GET_FIELDS)
CHN52 = "hs52_CHN_2019-01_2019-03.json"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def query(hs, start, end, cty=None, level=None, key=SECRET) -> dict:
    q = {
        "get": GET,
        "time": f"from {start} to {end}",
        "COMM_LVL": level or census.hs_level(hs),
        "I_COMMODITY": hs,
    }
    if cty is not None:
        q["CTY_CODE"] = cty
    if key:
        q["key"] = key
    return q


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl")
    add_fetch_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["fetch", "census", *argv])
    return args.func(args)


@pytest.fixture
def env(tmp_path, monkeypatch, httpserver: HTTPServer):
    raw = tmp_path / "raw"
    monkeypatch.setenv("TRADE_RAW_DIR", str(raw))
    monkeypatch.setenv(
        "CENSUS_API_URL", httpserver.url_for("/data/timeseries/intltrade/imports/hs")
    )
    monkeypatch.setenv("CENSUS_API_KEY", SECRET)
    return raw


def expect(server: HTTPServer, q: dict, body: bytes = b"", status: int = 200, **kw):
    server.expect_ordered_request(
        "/data/timeseries/intltrade/imports/hs", query_string=q
    ).respond_with_data(body, status=status, content_type="application/json;charset=utf-8", **kw)


def expect_chn52(server: HTTPServer) -> None:
    """HS 52 from China, 2019-01..2019-03: the recorded three-month answer."""
    expect(server, query("52", "2019-01", "2019-03", "5700"), recorded(CHN52))


def fetch_dirs(raw: Path) -> list[Path]:
    parent = raw / "census_api"
    return sorted(parent.iterdir()) if parent.exists() else []


def staged(raw: Path) -> duckdb.DuckDBPyConnection:
    """read_raw, read_requests + stg_census_api in an in-memory DuckDB, as the build runs
    them."""
    return fetch_helpers.staged(
        "stg_census_api",
        raw_census_api=census.read_raw(raw),
        raw_census_api_requests=census.read_requests(raw),
    )


def rows(con, where="true") -> list[tuple]:
    return con.execute(
        "select partner_iso3, hs_code, hs_level, year, month, value_usd, quantity, "
        f"quantity_unit from stg_census_api where {where} "
        "order by partner_iso3, hs_code, year, month"
    ).fetchall()


# --- success --------------------------------------------------------------------------


def test_fetch_saves_bodies_and_query_without_the_key(env, httpserver, capsys):
    expect_chn52(httpserver)

    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 0

    out, err = capsys.readouterr()
    assert "[1/1] HS 52 CHN 2019-01..2019-03: HTTP 200, 3 rows" in out
    assert "Saved 3 rows from 1 request(s) in " in out
    # the key went to the server, and nowhere else
    assert httpserver.log[0][0].args["key"] == SECRET
    assert_no_secret(SECRET, env, out, err)

    [fetch_dir] = fetch_dirs(env)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{6}Z", fetch_dir.name)
    assert str(fetch_dir) in out
    assert sorted(p.name for p in fetch_dir.iterdir()) == ["query.json", "response_001.json"]
    assert (fetch_dir / "response_001.json").read_bytes() == recorded(
        "hs52_CHN_2019-01_2019-03.json"
    )
    q = json.loads((fetch_dir / "query.json").read_text())
    assert q["dataset"] == "census_api" and q["rows"] == 3 and q["api_key_used"] is True
    [req] = q["requests"]
    assert req["status"] == 200 and req["rows"] == 3 and req["file"] == "response_001.json"
    assert req["params"]["key"] == "REDACTED"
    assert req["params"]["CTY_CODE"] == "5700" and req["params"]["COMM_LVL"] == "HS2"
    assert "key=REDACTED" in req["url"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", req["retrieved_at"])


def test_fetch_without_key_sends_none(env, httpserver, monkeypatch, capsys):
    monkeypatch.delenv("CENSUS_API_KEY")
    expect(httpserver, query("52", "2019-01", "2019-03", "5700", key=None), recorded(CHN52))
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 0
    assert "key" not in httpserver.log[0][0].args


def test_staging_types_groupings_total_and_leading_zeros(env, httpserver):
    expect(
        httpserver, query("0702", "2024-01", "2024-02"), recorded("hs0702_ALL_2024-01_2024-02.json")
    )
    assert run_cli("--hs", "0702", "--from", "2024-01", "--to", "2024-02") == 0

    raw = census.read_raw(env)
    assert list(raw.columns) == list(census.RAW_COLUMNS)
    assert len(raw) == 12  # every data row, groupings included
    assert set(raw["I_COMMODITY"]) == {"0702"}
    assert all(isinstance(v, str) for v in raw["GEN_VAL_MO"])

    con = staged(env)
    described = con.execute("describe stg_census_api").fetchall()
    assert [(c[0], c[1]) for c in described] == CENSUS_API_COLUMNS
    described = con.execute("describe stg_trade_flows").fetchall()
    assert [(c[0], c[1]) for c in described] == STAGING_COLUMNS
    # 0001 OPEC and 1XXX NORTH AMERICA are groupings: kept under their Census code (the
    # marts' partner_kind keeps them out of country sums); '-' is the total
    assert rows(con, "month = 1") == [
        ("ALB", "0702", 4, 2024, 1, 0.0, 0.0, "KG"),
        ("CAN", "0702", 4, 2024, 1, 31001234.0, 14001234.0, "KG"),
        ("MEX", "0702", 4, 2024, 1, 348000000.0, 226122222.0, "KG"),
        ("WLD", "0702", 4, 2024, 1, 398765432.0, 251234567.0, "KG"),
        ("census:0001", "0702", 4, 2024, 1, 1234.0, 2000.0, "KG"),
        ("census:1XXX", "0702", 4, 2024, 1, 379001234.0, 240123456.0, "KG"),
    ]
    assert con.execute("select count(*) from stg_census_api").fetchone()[0] == 12
    one = con.execute(
        "select source, dataset, reporter_iso3, flow, hs_revision, description, value_basis, "
        "net_weight_kg, vintage, fetched_at from stg_trade_flows limit 1"
    ).fetchone()
    stamp = raw["fetched_at"].iloc[0]
    assert one[:8] == (
        "census",
        "census_api",
        "USA",
        "M",
        "HTS",
        "TOMATOES, FRESH OR CHILLED",
        "customs",
        None,
    )
    assert one[8] == f"Census API, fetched {stamp}"
    assert one[9].strftime("%Y-%m-%dT%H:%M:%SZ") == stamp


def test_unit_dash_means_no_quantity(env, httpserver):
    expect_chn52(httpserver)
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 0
    assert rows(staged(env)) == [
        ("CHN", "52", 2, 2019, 1, 61234567.0, None, None),
        ("CHN", "52", 2, 2019, 2, 48765432.0, None, None),
        ("CHN", "52", 2, 2019, 3, 55501234.0, None, None),
    ]


def test_several_codes_and_partners_one_request_each(env, httpserver, capsys):
    expect_chn52(httpserver)
    expect(httpserver, query("52", "2019-01", "2019-03", "-"), b"", status=204)
    expect(httpserver, query("0702", "2019-01", "2019-03", "5700"), b"", status=204)
    expect(httpserver, query("0702", "2019-01", "2019-03", "-"), b"", status=204)
    code = run_cli(
        "--hs", "52,0702", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN,WLD"
    )
    assert code == 0
    httpserver.check_assertions()
    out = capsys.readouterr().out
    assert out.count("HTTP 204, no data") == 3
    [fetch_dir] = fetch_dirs(env)
    assert sorted(p.name for p in fetch_dir.iterdir()) == ["query.json", "response_001.json"]
    q = json.loads((fetch_dir / "query.json").read_text())
    assert [r["status"] for r in q["requests"]] == [200, 204, 204, 204]
    assert [r["file"] for r in q["requests"]] == ["response_001.json", None, None, None]
    assert "not published" in q["requests"][1]["note"]


def test_unpublished_months_204_are_recorded_not_errors(env, httpserver, capsys):
    expect(httpserver, query("52", "2026-10", "2026-12", "5700"), b"", status=204)
    assert run_cli("--hs", "52", "--from", "2026-10", "--to", "2026-12", "--partners", "CHN") == 0
    out = capsys.readouterr().out
    assert "HTTP 204, no data" in out and "Saved 0 rows" in out
    [fetch_dir] = fetch_dirs(env)
    [req] = json.loads((fetch_dir / "query.json").read_text())["requests"]
    assert req["status"] == 204 and req["rows"] == 0 and req["file"] is None
    assert len(census.read_raw(env)) == 0


def test_second_fetch_of_the_same_month_wins(env, httpserver):
    expect_chn52(httpserver)
    expect(
        httpserver,
        query("52", "2019-03", "2019-03", "5700"),
        recorded("hs52_CHN_2019-03_revised.json"),
    )
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 0
    assert run_cli("--hs", "52", "--from", "2019-03", "--to", "2019-03", "--partners", "CHN") == 0

    first, second = fetch_dirs(env)
    assert first.name < second.name
    assert len(census.read_raw(env)) == 4
    con = staged(env)
    assert [(r[4], r[5]) for r in rows(con)] == [(1, 61234567.0), (2, 48765432.0), (3, 55509999.0)]
    fetched = con.execute("select month, vintage from stg_census_api order by month").fetchall()
    assert fetched[0][1] != fetched[2][1]  # months 1-2 from the first fetch, 3 from the second


def test_later_fetch_wins_by_its_stamp_not_by_the_order_read(tmp_path):
    """Same month in two fetch dirs; the later stamp wins although it was fetched first."""
    times = iter(
        [
            datetime(2026, 11, 28, 13, 0, tzinfo=UTC),
            datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        ]
    )
    plan = iter(
        [
            ("2019-03", recorded("hs52_CHN_2019-03_revised.json")),
            ("2019-01", recorded(CHN52)),
        ]
    )
    with HTTPServer() as server:
        for _ in range(2):
            start, body = next(plan)
            server.expect_oneshot_request("/hs").respond_with_data(body)
            api = census.client(server.url_for("/hs"), api_key="", log=lambda _m: None)
            census.fetch(
                api, ["52"], start, "2019-03", ["CHN"], raw_root=tmp_path, now=lambda: next(times)
            )
    con = staged(tmp_path)
    got = con.execute(
        "select month, value_usd, vintage from stg_census_api order by month"
    ).fetchall()
    assert [(m, v) for m, v, _ in got] == [(1, 61234567.0), (2, 48765432.0), (3, 55509999.0)]
    assert [v for _, _, v in got] == ["Census API, fetched 2025-01-02T03:04:05Z"] * 2 + [
        "Census API, fetched 2026-11-28T13:00:00Z"
    ]


def _raw_frames(fetches: list[tuple[str, list[tuple], list[tuple]]]):
    """raw_census_api and raw_census_api_requests frames as read_raw/read_requests make
    them: per fetch, its stamp, its rows (CTY_CODE, I_COMMODITY, time, GEN_VAL_MO) and
    its requests (I_COMMODITY, CTY_CODE or None for every partner, time, file)."""
    rows, requests = [], []
    for fetched_at, fetch_rows, fetch_requests in fetches:
        fetch_dir = "census_api/" + fetched_at.replace(":", "").replace("-", "")[:-1]
        for cty, hs, month, value in fetch_rows:
            name = {"5700": "CHINA", "5520": "VIETNAM"}[cty]
            rows.append([cty, name, hs, "COTTON", value, "0", "-", month, None, fetched_at,
                         fetch_dir])  # fmt: skip
        for n, (hs, cty, time_, file) in enumerate(fetch_requests, start=1):
            status = "200" if file else "204"
            requests.append([fetch_dir, fetched_at, str(n), status, file, hs, cty, time_])
    return {
        "raw_census_api": pd.DataFrame(rows, columns=list(census.RAW_COLUMNS), dtype="str"),
        "raw_census_api_requests": pd.DataFrame(
            requests,
            columns=list(census.REQUEST_COLUMNS),
            dtype="str",
        ),  # fmt: skip
    }


def test_a_later_fetch_replaces_what_its_answered_requests_cover():
    first = (
        "2025-01-01T00:00:00Z",
        [
            ("5700", "52", "2019-01", "100"),
            ("5700", "52", "2019-02", "200"),
            ("5700", "52", "2019-03", "300"),
            ("5520", "52", "2019-02", "400"),
            ("5700", "5201", "2019-02", "500"),
        ],
        [
            ("52", "5700", "from 2019-01 to 2019-03", "response_001.json"),
            ("52", "5520", "from 2019-01 to 2019-03", "response_002.json"),
            ("5201", "5700", "from 2019-01 to 2019-03", "response_003.json"),
        ],
    )
    # China's 2019-02 is not in the answer any more: revised away, so it goes too.
    # Vietnam (another partner) and HS 5201 (answered 204, no data) keep the first fetch.
    second = (
        "2026-01-01T00:00:00Z",
        [("5700", "52", "2019-03", "333")],
        [
            ("52", "5700", "from 2019-02 to 2019-03", "response_001.json"),
            ("5201", "5700", "from 2019-01 to 2019-03", None),
        ],
    )
    con = fetch_helpers.staged("stg_census_api", **_raw_frames([first, second]))
    assert rows(con) == [
        ("CHN", "52", 2, 2019, 1, 100.0, None, None),
        ("CHN", "52", 2, 2019, 3, 333.0, None, None),
        ("CHN", "5201", 4, 2019, 2, 500.0, None, None),
        ("VNM", "52", 2, 2019, 2, 400.0, None, None),
    ]
    # a third fetch asked for every partner (no CTY_CODE) for one month
    third = (
        "2026-06-01T00:00:00Z",
        [("5700", "52", "2019-02", "222")],
        [("52", None, "2019-02", "response_001.json")],
    )
    con = fetch_helpers.staged("stg_census_api", **_raw_frames([first, second, third]))
    assert rows(con, "hs_code = '52'") == [
        ("CHN", "52", 2, 2019, 1, 100.0, None, None),
        ("CHN", "52", 2, 2019, 2, 222.0, None, None),
        ("CHN", "52", 2, 2019, 3, 333.0, None, None),
    ]
    assert con.execute(
        "select count(*) = count(distinct (partner_iso3, hs_code, year, month)) from stg_census_api"
    ).fetchone()[0]


def test_read_requests_lists_every_request_with_what_it_covers(env, httpserver):
    expect_chn52(httpserver)
    expect(httpserver, query("0702", "2019-01", "2019-03"), b"", status=204)
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 0
    assert run_cli("--hs", "0702", "--from", "2019-01", "--to", "2019-03", "--partners", "ALL") == 0
    frame = census.read_requests(env)
    first, second = fetch_dirs(env)
    assert frame.astype(object).where(frame.notna(), None).to_dict("records") == [
        {
            "fetch_dir": f"census_api/{first.name}",
            "fetched_at": stamp_iso(first),
            "request": "1",
            "status": "200",
            "file": "response_001.json",
            "I_COMMODITY": "52",
            "CTY_CODE": "5700",
            "time": "from 2019-01 to 2019-03",
        },
        {
            "fetch_dir": f"census_api/{second.name}",
            "fetched_at": stamp_iso(second),
            "request": "1",
            "status": "204",
            "file": None,
            "I_COMMODITY": "0702",
            "CTY_CODE": None,
            "time": "from 2019-01 to 2019-03",
        },
    ]


def stamp_iso(fetch_dir: Path) -> str:
    """2026-11-29T052614Z -> 2026-11-29T05:26:14Z"""
    d, t = fetch_dir.name.rstrip("Z").split("T")
    return f"{d}T{t[:2]}:{t[2:4]}:{t[4:]}Z"


def _saved_fetch(raw: Path, requests: list[dict], files: tuple[str, ...]) -> Path:
    done = raw / "census_api" / "2026-01-01T000000Z"
    done.mkdir(parents=True)
    for name in files:
        (done / name).write_bytes(recorded(CHN52))
    (done / "query.json").write_text(json.dumps({"requests": requests}))
    return done


def _req(n, file="response_001.json", hs="52", cty="5700", time_="from 2019-01 to 2019-03"):
    params = {"I_COMMODITY": hs, "time": time_}
    if cty is not None:
        params["CTY_CODE"] = cty
    return {"request": n, "status": 200 if file else 204, "file": file, "params": params}


@pytest.mark.parametrize(
    ("requests", "files", "message"),
    [
        ([], ("response_001.json",), "saved but not in its requests: response_001.json"),
        ([_req(1), _req(2, "response_002.json", hs="61")], ("response_001.json",),
         "in its requests but not saved: response_002.json"),
        ([{"request": 1, "status": 200, "file": "response_001.json", "params": "52"}],
         ("response_001.json",), "request 1 has no parameters"),
        ([_req(1, time_="2019")], ("response_001.json",),
         "request 1 does not say which HS code and months"),
        ([_req(1, hs="")], ("response_001.json",),
         "request 1 does not say which HS code and months"),
        ([_req(1), _req(2, "response_002.json", cty=None, time_="2019-03")],
         ("response_001.json", "response_002.json"),
         "request 2 overlaps request 1 of the same fetch"),
    ],
)  # fmt: skip
def test_a_saved_fetch_whose_query_does_not_match_is_named(tmp_path, requests, files, message):
    """Hand-edited fetch dirs: the build would otherwise keep two rows for one cell."""
    _saved_fetch(tmp_path, requests, files)
    with pytest.raises(saved.RawDataError, match=re.escape(message)) as err:
        census.read_requests(tmp_path)
    assert "2026-01-01T000000Z" in str(err.value)


def test_requests_of_one_fetch_may_cover_other_partners_months_and_codes(tmp_path):
    requests = [
        _req(1),
        _req(2, "response_002.json", cty="5520"),
        _req(3, "response_003.json", time_="2019-04"),
        _req(4, "response_004.json", hs="61", cty=None),
        _req(5, None, cty=None),  # 204: covers nothing
    ]
    _saved_fetch(tmp_path, requests, tuple(f"response_00{n}.json" for n in range(1, 5)))
    assert len(census.read_requests(tmp_path)) == 5


def test_a_fetch_dir_without_its_query_is_named(tmp_path):
    done = tmp_path / "census_api" / "2026-01-01T000000Z"
    done.mkdir(parents=True)
    (done / "response_001.json").write_bytes(recorded(CHN52))
    with pytest.raises(saved.RawDataError, match=r"2026-01-01T000000Z/query.json: missing"):
        census.read_requests(tmp_path)
    (done / "query.json").write_text('{"requests": "none"}')
    with pytest.raises(saved.RawDataError, match="has no list of requests"):
        census.read_requests(tmp_path)


@pytest.mark.slow  # builds a warehouse twice
def test_fetched_months_reach_the_warehouse_and_a_refetch_replaces_them(env, httpserver):
    """End to end as a user runs it: fetch, build, fetch one month again, build again."""
    from etl.build import build

    env.mkdir()
    for entry in RAW_SNAPSHOT.iterdir():  # the shipped snapshot beside the fetches
        if entry.name not in ("census_api", "comtrade_api") and not (env / entry.name).exists():
            os.symlink(entry, env / entry.name)
    db = env.parent / "trade.duckdb"

    def census_months(con) -> list[tuple]:
        return con.execute(
            "select month, value_usd, vintage from stg_trade_flows"
            " where dataset = 'census_api' order by month"
        ).fetchall()

    expect_chn52(httpserver)
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 0
    counts = build(db_path=db, raw_root=env, log=lambda _m: None)
    assert counts["stg_trade_flows"] > 3
    with duckdb.connect(str(db), read_only=True) as con:
        before = census_months(con)
        assert [(m, v) for m, v, _ in before] == [
            (1, 61234567.0),
            (2, 48765432.0),
            (3, 55501234.0),
        ]
        # the mart the pages read has the fetched months too
        assert (
            con.execute(
                "select count(*) from mart_us_imports_by_month_partner_hs"
                " where partner_iso3 = 'CHN' and hs_code = '52' and year = 2019 and month <= 3"
                " and dataset = 'census_api'"
            ).fetchone()[0]
            == 3
        )

    expect(
        httpserver,
        query("52", "2019-03", "2019-03", "5700"),
        recorded("hs52_CHN_2019-03_revised.json"),
    )
    assert run_cli("--hs", "52", "--from", "2019-03", "--to", "2019-03", "--partners", "CHN") == 0
    build(db_path=db, raw_root=env, log=lambda _m: None)
    with duckdb.connect(str(db), read_only=True) as con:
        after = census_months(con)
    assert len(after) == 3 and after[:2] == before[:2]
    assert after[2][1] == 55509999.0 and after[2][2] != before[2][2]


def test_cty_name_mismatch_warns_but_succeeds(env, httpserver, capsys):
    # asked for Vietnam (5520), the answer says CHINA
    expect(httpserver, query("52", "2019-01", "2019-03", "5520"), recorded(CHN52))
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "VNM") == 0
    out, err = capsys.readouterr()
    assert "warning: Census CTY_NAME 'CHINA' for code 5520 does not look like VNM" in err
    assert "1 warning(s)" in out
    [fetch_dir] = fetch_dirs(env)
    assert len(json.loads((fetch_dir / "query.json").read_text())["warnings"]) == 1


@pytest.mark.parametrize(
    ("expected", "got", "ok"),
    [
        ("South Korea", "KOREA, SOUTH", True),
        ("Vietnam", "VIETNAM", True),
        ("Hong Kong", "HONG KONG", True),
        ("China", "CHINA", True),
        ("China", "HONG KONG", False),
        ("India", "INDONESIA", False),
    ],
)
def test_name_matches(expected, got, ok):
    assert census.name_matches(expected, got) is ok


# --- retries and failures -------------------------------------------------------------


def test_429_then_success(env, httpserver, capsys):
    q = query("52", "2019-01", "2019-03", "5700")
    expect(httpserver, q, b"Too Many Requests", status=429, headers={"Retry-After": "0"})
    expect(httpserver, q, recorded(CHN52))
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 0
    out = capsys.readouterr().out
    assert "returned HTTP 429" in out and "retrying in 0 s (attempt 2 of 4)" in out
    [fetch_dir] = fetch_dirs(env)
    [req] = json.loads((fetch_dir / "query.json").read_text())["requests"]
    assert req["attempts"] == 2 and req["rows"] == 3


def _earlier_fetch(env, httpserver) -> tuple[Path, dict[str, bytes]]:
    expect_chn52(httpserver)
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 0
    [earlier] = fetch_dirs(env)
    return earlier, {p.name: p.read_bytes() for p in earlier.iterdir()}


def assert_failed_cleanly(env, earlier, snapshot, capsys, message):
    out, err = capsys.readouterr()
    assert message in err
    assert "Traceback" not in err + out
    assert "Nothing was saved" in err
    assert_no_secret(SECRET, env, out, err)
    assert fetch_dirs(env) == [earlier]  # no new dir, no .partial left behind
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == snapshot


def test_persistent_500_fails_clearly_and_writes_nothing(env, httpserver, capsys):
    earlier, snapshot = _earlier_fetch(env, httpserver)
    capsys.readouterr()
    httpserver.clear()
    httpserver.expect_request("/data/timeseries/intltrade/imports/hs").respond_with_data(
        "Internal Server Error", status=500
    )
    code = run_cli(
        "--hs", "52", "--from", "2019-01", "--to", "2024-12", "--partners", "CHN", "--backoff", "0"
    )
    assert code == 1
    assert len(httpserver.log) == 4
    assert_failed_cleanly(
        env,
        earlier,
        snapshot,
        capsys,
        "Census fetch failed: Census API returned HTTP 500 after 4 attempts "
        "for HS 52 CHN 2019-01..2024-12",
    )


def test_failure_after_a_good_response_discards_the_whole_fetch(env, httpserver, capsys):
    earlier, snapshot = _earlier_fetch(env, httpserver)
    capsys.readouterr()
    expect_chn52(httpserver)
    expect(httpserver, query("61", "2019-01", "2019-03", "5700"), b"oops", status=500)
    expect(httpserver, query("61", "2019-01", "2019-03", "5700"), b"oops", status=502)
    code = run_cli(
        "--hs", "52,61", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN",
        "--retries", "1", "--backoff", "0",
    )  # fmt: skip
    assert code == 1
    assert_failed_cleanly(
        env, earlier, snapshot, capsys, "Census API returned HTTP 502 after 2 attempts for HS 61"
    )


@pytest.fixture
def hanging_server(monkeypatch, tmp_path):
    release = threading.Event()
    server = HTTPServer(threaded=True)
    server.start()

    def handler(_request):
        release.wait(5)
        return Response("[]", content_type="application/json")

    server.expect_request("/hs").respond_with_handler(handler)
    monkeypatch.setenv("TRADE_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("CENSUS_API_URL", server.url_for("/hs"))
    monkeypatch.setenv("CENSUS_API_KEY", SECRET)
    yield server
    release.set()
    server.clear()
    server.stop()


def test_timeout_fails_clearly(hanging_server, tmp_path, capsys):
    code = run_cli(
        "--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN",
        "--timeout", "0.2", "--retries", "1", "--backoff", "0",
    )  # fmt: skip
    assert code == 1
    out, err = capsys.readouterr()
    assert (
        "Census API timed out (no answer within 0.2 s) after 2 attempts "
        "for HS 52 CHN 2019-01..2019-03"
    ) in err
    assert_no_secret(SECRET, tmp_path / "raw", out, err)
    assert fetch_dirs(tmp_path / "raw") == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            recorded("malformed_truncated.json"),
            "Census API returned malformed JSON for HS 52 CHN 2019-01..2019-03:",
        ),
        (b"", "Census API returned an empty body with HTTP 200 for HS 52 CHN 2019-01..2019-03"),
        (
            recorded("changed_schema_no_GEN_VAL_MO.json"),
            "Census API changed schema: the header lacks GEN_VAL_MO for HS 52 CHN",
        ),
        (b'{"error": "unknown variable"}', "not an array of rows with a header row"),
        (b'[["CTY_CODE"]]', "the header lacks CTY_NAME, I_COMMODITY, I_COMMODITY_SDESC"),
        (
            recorded(CHN52).replace(b',"5700"]]', b"]]"),
            "changed schema: row 4 does not have the header's 11 fields",
        ),
    ],
    ids=["malformed", "empty-200", "no-GEN_VAL_MO", "object", "header-only", "short-row"],
)
def test_bad_bodies_fail_clearly_and_write_nothing(env, httpserver, capsys, body, message):
    earlier, snapshot = _earlier_fetch(env, httpserver)
    capsys.readouterr()
    expect(httpserver, query("52", "2019-01", "2019-03", "5700"), body)
    assert run_cli("--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN") == 1
    assert_failed_cleanly(env, earlier, snapshot, capsys, message)


def test_connection_refused_message_has_no_key(tmp_path, monkeypatch, capsys):
    with HTTPServer() as server:
        url = server.url_for("/hs")
    monkeypatch.setenv("TRADE_RAW_DIR", str(tmp_path))
    monkeypatch.setenv("CENSUS_API_KEY", SECRET)
    code = run_cli(
        "--hs", "52", "--from", "2019-01", "--to", "2019-03", "--partners", "CHN",
        "--base-url", url, "--retries", "1", "--backoff", "0",
    )  # fmt: skip
    assert code == 1
    out, err = capsys.readouterr()
    assert "Census API could not be reached (" in err and "after 2 attempts" in err
    assert_no_secret(SECRET, tmp_path, out, err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--partners", "USA"], "no Census country code for USA"),
        (["--partners", "XYZ"], "unknown partner 'XYZ'"),
        (["--partners", "ALL,CHN"], "ALL cannot be combined"),
        (["--hs", "520"], "bad HS code '520'"),
        (["--from", "2019-13"], "bad month '2019-13'"),
        (["--from", "2020-01", "--to", "2019-01"], "is after --to"),
    ],
)
def test_bad_arguments_fail_before_any_request(env, httpserver, capsys, args, message):
    base = {"--hs": "52", "--from": "2019-01", "--to": "2019-03", "--partners": "CHN"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = [x for kv in base.items() for x in kv]
    assert run_cli(*argv) == 1
    assert message in capsys.readouterr().err
    assert httpserver.log == []
    assert fetch_dirs(env) == []


def test_resolve_partners():
    assert census.resolve_partners(["all"]) is None
    assert [p.census_code for p in census.resolve_partners(["chn", "WLD", "5520"])] == [
        "5700",
        "-",
        "5520",
    ]


# --- read_raw -------------------------------------------------------------------------


def test_read_raw_without_fetches_is_empty_with_columns_and_stages(tmp_path):
    frame = census.read_raw(tmp_path)
    assert list(frame.columns) == list(census.RAW_COLUMNS) and len(frame) == 0
    assert all(pd.api.types.is_string_dtype(t) for t in frame.dtypes)
    con = staged(tmp_path)
    assert [(c[0], c[1]) for c in con.execute("describe stg_census_api").fetchall()] == (
        CENSUS_API_COLUMNS
    )
    assert [(c[0], c[1]) for c in con.execute("describe stg_trade_flows").fetchall()] == (
        STAGING_COLUMNS
    )
    assert con.execute("select count(*) from stg_census_api").fetchone()[0] == 0


def test_read_raw_ignores_partial_dirs_and_reads_both_header_shapes(tmp_path):
    parent = tmp_path / "census_api"
    (parent / ".2026-01-01T000000Z.partial-1").mkdir(parents=True)
    (parent / ".2026-01-01T000000Z.partial-1" / "response_001.json").write_bytes(b"[1,")
    done = parent / "2026-01-01T000000Z"
    done.mkdir()
    (done / "response_001.json").write_bytes(recorded(CHN52))
    (done / "response_002.json").write_bytes(recorded("hs0702_ALL_2024-01_2024-02.json"))
    (done / "query.json").write_text("{}")
    frame = census.read_raw(tmp_path)
    assert len(frame) == 15
    assert set(frame["fetched_at"]) == {"2026-01-01T00:00:00Z"}
    assert set(frame["fetch_dir"]) == {"census_api/2026-01-01T000000Z"}
    assert frame.loc[0, "CTY_CODE"] == "5700" and frame.loc[0, "COMM_LVL"] == "HS2"


def test_read_raw_names_a_corrupt_saved_file(tmp_path):
    done = tmp_path / "census_api" / "2026-01-01T000000Z"
    done.mkdir(parents=True)
    (done / "response_001.json").write_bytes(b"[1,")
    with pytest.raises(saved.RawDataError, match="response_001.json"):
        census.read_raw(tmp_path)


def _saved_body(tmp_path, rows) -> Path:
    done = tmp_path / "census_api" / "2026-01-01T000000Z"
    done.mkdir(parents=True)
    header = [*census.GET_FIELDS, "time"]
    (done / "response_001.json").write_text(json.dumps([header, *rows]))
    return done


def test_read_raw_keeps_nulls_missing_and_other_values_as_their_json_text(tmp_path):
    """The API sends every value as a string; anything else is kept, as text, not lost."""
    row = ["5700", "CHINA", "52", "COTTON", 1234, None, "KG", "2024-01"]
    _saved_body(tmp_path, [row, ["5700", "CHINA", "52", "COTTON", "9", "1", True, "2024-02"]])
    frame = census.read_raw(tmp_path)
    assert frame["GEN_VAL_MO"].tolist() == ["1234", "9"]
    assert frame["GEN_QY1_MO"].isna().tolist() == [True, False]
    assert frame["UNIT_QY1"].tolist() == ["KG", "true"]
    assert frame["COMM_LVL"].isna().all()  # not in this header: missing, not invented
    assert all(pd.api.types.is_string_dtype(t) for t in frame.dtypes)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["5700", "CHINA", "52"], "row 3 does not have the header's 8 fields"),
        ("5700,CHINA", "row 3 does not have the header's 8 fields"),
    ],
    ids=["short", "not-a-list"],
)
def test_read_raw_names_the_file_and_row_of_a_bad_row(tmp_path, bad, message):
    good = ["5700", "CHINA", "52", "COTTON", "1", "1", "KG", "2024-01"]
    _saved_body(tmp_path, [good, bad, good])
    with pytest.raises(saved.RawDataError, match=r"response_001\.json: changed schema: ") as e:
        census.read_raw(tmp_path)
    assert message in str(e.value)


# --- through `python -m etl` ----------------------------------------------------------


@pytest.mark.slow  # a Python subprocess
def test_module_entry_point_fails_without_traceback(tmp_path):
    with HTTPServer() as server:
        url = server.url_for("/hs")
    env = {
        **os.environ,
        "TRADE_RAW_DIR": str(tmp_path),
        "CENSUS_API_URL": url,
        "CENSUS_API_KEY": SECRET,
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "fetch", "census", "--hs", "52", "--from", "2019-01",
         "--to", "2019-01", "--partners", "CHN", "--retries", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Census fetch failed: Census API could not be reached")
    assert SECRET not in proc.stdout + proc.stderr
