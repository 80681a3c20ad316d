"""UN Comtrade API v1: annual or monthly trade by reporter, partner and HS code.

With a subscription key ($COMTRADE_API_KEY, sent as the Ocp-Apim-Subscription-Key
header):

    GET {base}/data/v1/get/C/{A|M}/HS?reporterCode=842&partnerCode=156&period=2019
        &cmdCode=61,62,200290&flowCode=M&customsCode=C00&motCode=0&partner2Code=0...

without one, the keyless public preview `{base}/public/v1/preview/C/{A|M}/HS?...`,
which returns at most 500 records per call. Queries are split by year to stay under
the caps, and a response that hits a cap exactly is flagged as possibly truncated.
The answer is `{"count": N, "data": [{...}, ...], "error": ""}`. Bodies are saved
byte for byte by `fetch`; `read_raw` reads them back.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from etl import paths
from etl.sources import http, saved
from etl.sources.fetch_dir import FetchDir, FetchResult

SOURCE = "Comtrade API"
DATASET = "comtrade_api"
DEFAULT_URL = "https://comtradeapi.un.org"
URL_ENV = "COMTRADE_API_URL"
KEY_ENV = "COMTRADE_API_KEY"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
PREVIEW_CAP = 500  # records per call on the keyless preview
MAX_RECORDS = 250_000  # records per call asked for with a key
WORLD = "0"

FIELDS = (
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "reporterISO",
    "reporterDesc",
    "flowCode",
    "partnerCode",
    "partnerISO",
    "partner2Code",
    "classificationCode",
    "cmdCode",
    "cmdDesc",
    "aggrLevel",
    "isLeaf",
    "customsCode",
    "motCode",
    "qtyUnitAbbr",
    "qty",
    "netWgt",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "isReported",
    "isAggregate",
)
# Fields every record must have (else "changed schema"); the others may be absent.
REQUIRED_FIELDS = (
    "freqCode",
    "refYear",
    "period",
    "reporterCode",
    "flowCode",
    "partnerCode",
    "partner2Code",
    "classificationCode",
    "cmdCode",
    "aggrLevel",
    "customsCode",
    "motCode",
    "primaryValue",
)
# What read_raw returns, every value a string.
RAW_COLUMNS = FIELDS + ("fetched_at", "fetch_dir")

ALL = ("ALL", "*")


def _countries() -> list[dict[str, str]]:
    with open(paths.SEEDS_DIR / "countries.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def resolve_codes(spec: Iterable[str], what: str) -> list[str] | None:
    """ISO3 codes (or numeric Comtrade codes) -> Comtrade codes; None means all.
    `WLD` is World, code 0."""
    items = [s.strip().upper() for s in spec if s.strip()]
    if not items:
        raise ValueError(f"no {what} given (use ISO3 codes, WLD or all)")
    if any(s in ALL for s in items):
        if len(items) > 1:
            raise ValueError(f"--{what} all cannot be combined with other {what}")
        return None
    by_iso3 = {r["iso3"]: r["comtrade_code"] for r in _countries()}
    out = []
    for item in items:
        if item.isdigit():
            out.append(str(int(item)))
        elif by_iso3.get(item):
            out.append(by_iso3[item])
        else:
            raise ValueError(f"unknown {what[:-1]} {item!r}: no Comtrade code in countries.csv")
    return list(dict.fromkeys(out))


def parse_years(text: str) -> list[int]:
    """'2015-2024', '2019,2020' or '2019' -> years."""
    years: list[int] = []
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", part)
        if not match:
            raise ValueError(f"bad years {text!r}: use 2015-2024 or 2019,2020")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise ValueError(f"bad years {part!r}: the range runs backwards")
        years.extend(range(first, last + 1))
    return sorted(set(years))


def parse_cmd_codes(codes: Iterable[str]) -> list[str]:
    out = []
    for code in codes:
        code = code.strip().upper()
        if not code:
            continue
        if code != "TOTAL" and not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
            raise ValueError(f"bad HS code {code!r}: use 2, 4 or 6 digits or TOTAL")
        out.append(code)
    if not out:
        raise ValueError("no HS codes given")
    return list(dict.fromkeys(out))


def endpoint(base_url: str, freq: str, keyed: bool) -> str:
    path = "data/v1/get" if keyed else "public/v1/preview"
    return f"{base_url.rstrip('/')}/{path}/C/{freq}/HS"


def request_params(
    year: int,
    freq: str,
    cmd_codes: Sequence[str],
    flow: str,
    reporters: Sequence[str] | None,
    partners: Sequence[str] | None,
    keyed: bool,
) -> list[tuple[str, str]]:
    period = str(year) if freq == "A" else ",".join(f"{year}{m:02d}" for m in range(1, 13))
    params = []
    if reporters is not None:
        params.append(("reporterCode", ",".join(reporters)))
    if partners is not None:
        params.append(("partnerCode", ",".join(partners)))
    params += [
        ("period", period),
        ("cmdCode", ",".join(cmd_codes)),
        ("flowCode", flow),
        # no breakdowns by customs procedure, transport mode or second partner
        ("customsCode", "C00"),
        ("motCode", "0"),
        ("partner2Code", "0"),
        ("includeDesc", "true"),
    ]
    if keyed:
        params.append(("maxRecords", str(MAX_RECORDS)))
    return params


def _records_from_json(data, error: Callable[[str], Exception]) -> list[dict[str, str | None]]:
    if not isinstance(data, dict):
        raise error("returned JSON that is not an object")
    if data.get("error"):
        raise error(f"reported an error: {str(data['error'])[:200]}")
    if "data" not in data or not isinstance(data["data"], list):
        raise error("changed schema: the response has no 'data' list")
    records = []
    for n, item in enumerate(data["data"], start=1):
        if not isinstance(item, dict):
            raise error(f"changed schema: record {n} is not an object")
        missing = [f for f in REQUIRED_FIELDS if f not in item]
        if missing:
            raise error(f"changed schema: record {n} lacks {', '.join(missing)}")
        records.append({f: saved.as_text(item.get(f)) for f in FIELDS})
    return records


def _columns_from_json(data, error: Callable[[str], Exception]) -> dict[str, list[str | None]]:
    """read_saved's shape: the records as columns (answers are capped at a few thousand
    records, so going through the row dicts costs little)."""
    records = _records_from_json(data, error)
    return {f: [r[f] for r in records] for f in FIELDS}


def parse_records(body: bytes, what: str, status: int = 200) -> list[dict[str, str | None]]:
    """The records of one 200 response, every value as text. FetchError if the body is
    empty, malformed, reports an error, or lacks `data` or a required field."""
    data = http.parse_json_body(body, source=SOURCE, what=what, status=status)
    return _records_from_json(data, lambda msg: http.FetchError(f"{SOURCE} {msg} for {what}"))


def client(base_url: str | None = None, **options) -> http.Client:
    """A Client for UN Comtrade: `base_url` defaults to $COMTRADE_API_URL or the public
    API, `api_key` to $COMTRADE_API_KEY (without one the keyless preview is used), at
    least a second between calls; `options` go to http.Client."""
    options.setdefault("api_key", os.environ.get(KEY_ENV))
    options.setdefault("timeout", 60.0)
    options.setdefault("backoff", 2.0)
    options.setdefault("throttle", http.Throttle(1.0))
    return http.Client(SOURCE, base_url or os.environ.get(URL_ENV) or DEFAULT_URL, **options)


def fetch(
    api: http.Client,
    cmd_codes: Sequence[str],
    years: Sequence[int],
    *,
    reporters: Iterable[str] = ("USA",),
    partners: Iterable[str] = ("WLD",),
    flow: str = "M",
    freq: str = "A",
    raw_root: Path | None = None,
    now: Callable[[], datetime] = http.utc_now,
) -> FetchResult:
    """Fetch `flow` (M imports, X exports) of `cmd_codes` for each year, by reporter
    (ISO3 or 'all') and partner (ISO3, WLD = World, or 'all'), one request per year,
    through `api` (see `client`) into a new `raw_root/comtrade_api/<stamp>/`. With no
    key the keyless preview is used. Raises FetchError (nothing written) or ValueError
    (bad arguments, before any request).
    """
    flow, freq = flow.upper(), freq.upper()
    if flow not in ("M", "X"):
        raise ValueError(f"bad flow {flow!r}: use M (imports) or X (exports)")
    if freq not in ("A", "M"):
        raise ValueError(f"bad frequency {freq!r}: use A (annual) or M (monthly)")
    codes = parse_cmd_codes(cmd_codes)
    years = sorted(set(years))
    if not years:
        raise ValueError("no years given")
    reporter_codes = resolve_codes(reporters, "reporters")
    partner_codes = resolve_codes(partners, "partners")
    keyed = bool(api.api_key)
    headers = {KEY_HEADER: api.api_key} if keyed else {}
    cap = MAX_RECORDS if keyed else PREVIEW_CAP
    url = endpoint(api.base_url, freq, keyed)
    raw_root = Path(raw_root or paths.raw_dir())

    if not keyed:
        api.say(
            f"No {KEY_ENV} set: using the keyless preview (at most {PREVIEW_CAP} rows per call)"
        )
    rep = ",".join(reporter_codes) if reporter_codes is not None else "all"
    par = ",".join(partner_codes) if partner_codes is not None else "all"
    with FetchDir(raw_root, DATASET, now=now, secrets=api.secrets) as out:
        for n, year in enumerate(years, start=1):
            what = f"HS {','.join(codes)} flow {flow} reporters {rep} partners {par} {year}"
            params = request_params(year, freq, codes, flow, reporter_codes, partner_codes, keyed)
            resp = api.get(url, params, what=what, headers=headers)
            records = parse_records(resp.body, what, resp.status)
            out.record(resp, params=params, rows=len(records), label=what)
            api.say(f"[{n}/{len(years)}] {what}: HTTP {resp.status}, {len(records)} rows")
            if len(records) >= cap:
                msg = (
                    f"warning: {what} returned {len(records)} rows, the API's cap per call: "
                    "the answer may be truncated; fetch fewer reporters, partners or codes "
                    "at a time" + ("" if keyed else f", or set {KEY_ENV}")
                )
                out.warn(msg)
                api.warn(msg)
        return out.commit(
            {
                "source": SOURCE,
                "base_url": api.redact(api.base_url),
                "endpoint": "data/v1/get" if keyed else "public/v1/preview",
                "cmd_codes": codes,
                "years": years,
                "flow": flow,
                "freq": freq,
                "reporters": reporter_codes if reporter_codes is not None else ["all"],
                "partners": partner_codes if partner_codes is not None else ["all"],
                "api_key_used": keyed,
            }
        )


def read_raw(raw_root: Path) -> pd.DataFrame:
    """Every record of every saved Comtrade fetch, all values as text, with
    `fetched_at` and `fetch_dir` (see saved.read_saved)."""
    return saved.read_saved(raw_root, DATASET, _columns_from_json, RAW_COLUMNS)
