"""Local stand-ins for the Census and Comtrade APIs at a realistic volume, for the refresh
tests. They answer in the APIs' own shapes (tests/fixtures/recorded/ has recorded answers)
from a SYNTHETIC world: every Census partner code of etl/seeds/partner_codes.csv (243, with
the all-countries total and the groupings), every Comtrade code of etl/seeds/countries.csv,
values made from a hash of the figure's key. None of it is real trade data.

A test publishes months and years, revises a value, or starts a 429 storm; every request
is logged (`asked`)."""

from __future__ import annotations

import csv
import hashlib
import json
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from werkzeug import Request, Response

from etl import paths

CENSUS_PATH = "/data/timeseries/intltrade/imports/hs"
COMTRADE_KEYED_PATH = "/data/v1/get/C/A/HS"


def _seed(name: str) -> list[dict]:
    with open(paths.SEEDS_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


CENSUS_PARTNERS = [(r["code"], r["name_in_source"]) for r in _seed("partner_codes.csv")
                   if r["source"] == "census"]  # fmt: skip
COMTRADE_PARTNERS = [(r["comtrade_code"], r["iso3"]) for r in _seed("countries.csv")
                     if r["comtrade_code"] and r["iso3"] != "WLD"]  # fmt: skip
PASTE_EXPORTERS = 40  # reporters of tomato-paste exports in the synthetic world


def synthetic_value(*key) -> int:
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return 1000 + int.from_bytes(digest[:6], "big") % 900_000_000


def _months(first: str, last: str) -> list[str]:
    out, (y, m) = [], (int(first[:4]), int(first[5:]))
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return out


@dataclass
class World:
    """What the stand-ins publish."""

    census_through: str = "2022-01"  # the latest month published
    comtrade_through: int = 2021  # the latest year published
    revised: dict = field(default_factory=dict)  # key tuple -> value
    storm: set = field(default_factory=set)  # HS codes answered 429 while it lasts
    delay: float = 0.0  # seconds before each answer
    asked: list = field(default_factory=list)  # (api, query dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- Census ---------------------------------------------------------------------------

    def census_partners(self, code: str) -> list[tuple[str, str]]:
        """Chapters come from every partner, narrower codes from about half of them."""
        if len(code) == 2:
            return CENSUS_PARTNERS
        return [p for p in CENSUS_PARTNERS if p[0] == "-" or synthetic_value(code, p[0]) % 2]

    def census_value(self, code: str, cty: str, month: str) -> int:
        return self.revised.get(("census", code, cty, month), synthetic_value(code, cty, month))

    def census(self, request: Request) -> Response:
        q = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items()}
        with self.lock:
            self.asked.append(("census", q))
        if self.delay:
            threading.Event().wait(self.delay)
        code = q["I_COMMODITY"]
        if code in self.storm:
            return Response("Too Many Requests", status=429, headers={"Retry-After": "0"})
        first, _, last = q["time"].removeprefix("from ").partition(" to ")
        months = [m for m in _months(first, last or first) if m <= self.census_through]
        if not months:
            return Response(b"", status=204)
        header = ["CTY_CODE", "CTY_NAME", "I_COMMODITY", "I_COMMODITY_SDESC", "GEN_VAL_MO",
                  "GEN_QY1_MO", "UNIT_QY1", "time", "COMM_LVL", "I_COMMODITY"]  # fmt: skip
        rows = [header]
        for month in months:
            for cty, name in self.census_partners(code):
                value = self.census_value(code, cty, month)
                rows.append([cty, name, code, f"SYNTHETIC HS {code}", str(value),
                             str(value // 7), "KG", month, q["COMM_LVL"], code])  # fmt: skip
        return Response(json.dumps(rows), content_type="application/json;charset=utf-8")

    # --- Comtrade -------------------------------------------------------------------------

    def comtrade_value(self, flow, reporter, partner, code, year) -> int:
        key = ("comtrade", flow, reporter, partner, code, year)
        return self.revised.get(key, synthetic_value(*key))

    def comtrade(self, request: Request) -> Response:
        q = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items()}
        with self.lock:
            self.asked.append(("comtrade", q))
        if self.delay:
            threading.Event().wait(self.delay)
        year = int(q["period"])
        if year > self.comtrade_through:
            return Response(json.dumps({"count": 0, "data": [], "error": ""}))
        flow, codes = q["flowCode"], q["cmdCode"].split(",")
        if flow == "M":
            reporters = ["842"]
        else:
            reporters = [c for c, _ in COMTRADE_PARTNERS[:PASTE_EXPORTERS]]
        if "reporterCode" in q:
            reporters = [r for r in reporters if r in q["reporterCode"].split(",")]
        data = []
        for reporter in reporters:
            for code in codes:
                partners = [(c, i) for c, i in COMTRADE_PARTNERS if c != reporter]
                partners = [p for p in partners if synthetic_value(code, reporter, p[0]) % 3]
                if q.get("partnerCode") == "0":
                    partners = [("0", "W00")]
                for partner, iso in partners:
                    value = self.comtrade_value(flow, reporter, partner, code, year)
                    data.append(_comtrade_record(flow, reporter, partner, iso, code, year, value))
        return Response(json.dumps({"count": len(data), "data": data, "error": ""}),
                        content_type="application/json")  # fmt: skip


def _comtrade_record(flow, reporter, partner, iso, code, year, value) -> dict:
    return {
        "typeCode": "C", "freqCode": "A", "refPeriodId": int(f"{year}0101"), "refYear": year,
        "refMonth": 52, "period": str(year), "reporterCode": int(reporter),
        "reporterISO": None, "reporterDesc": "SYNTHETIC", "flowCode": flow,
        "partnerCode": int(partner), "partnerISO": iso, "partner2Code": 0,
        "classificationCode": "H5", "cmdCode": code, "cmdDesc": f"SYNTHETIC HS {code}",
        "aggrLevel": len(code), "isLeaf": True, "customsCode": "C00", "motCode": 0,
        "qtyUnitAbbr": "kg", "qty": value // 9, "netWgt": value // 9,
        "cifvalue": float(value) if flow == "M" else None,
        "fobvalue": float(value) if flow == "X" else None, "primaryValue": float(value),
        "isReported": True, "isAggregate": False,
    }  # fmt: skip


def serve(httpserver, world: World) -> dict[str, str]:
    """Point both APIs at `world` on the test's local server; the environment to use."""
    httpserver.expect_request(CENSUS_PATH).respond_with_handler(world.census)
    httpserver.expect_request(COMTRADE_KEYED_PATH).respond_with_handler(world.comtrade)
    return {
        "CENSUS_API_URL": httpserver.url_for(CENSUS_PATH),
        "COMTRADE_API_URL": httpserver.url_for("/"),
        "COMTRADE_API_KEY": "comtrade-test-key-0123456789",
        "CENSUS_API_KEY": "census-test-key-0123456789",
    }
