"""US Census Bureau international trade API: monthly US general imports by HS code.

One request per HS code and partner (all partners at once for `ALL`):

    GET {base}?get=CTY_CODE,CTY_NAME,I_COMMODITY,I_COMMODITY_SDESC,GEN_VAL_MO,
        GEN_QY1_MO,UNIT_QY1&time=from+2019-01+to+2024-12&COMM_LVL=HS2
        &I_COMMODITY=52&CTY_CODE=5700&key=...

The answer is a JSON array of arrays of strings, header first; the API appends the
predicate columns (time, COMM_LVL, and again I_COMMODITY, CTY_CODE) to each row.
HTTP 204 with an empty body means no data (months not published yet): recorded,
not an error. Bodies are saved byte for byte by `fetch`; `read_raw` reads them back.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from pathlib import Path

import pandas as pd

from etl import paths
from etl.sources import http, saved
from etl.sources.fetch_dir import FetchDir, FetchResult

SOURCE = "Census API"
DATASET = "census_api"
DEFAULT_URL = "https://api.census.gov/data/timeseries/intltrade/imports/hs"
URL_ENV = "CENSUS_API_URL"
KEY_ENV = "CENSUS_API_KEY"

GET_FIELDS = (
    "CTY_CODE",
    "CTY_NAME",
    "I_COMMODITY",
    "I_COMMODITY_SDESC",
    "GEN_VAL_MO",
    "GEN_QY1_MO",
    "UNIT_QY1",
)
# Columns every response must have (else "changed schema").
REQUIRED_COLUMNS = GET_FIELDS + ("time",)
# What read_raw returns, every value a string (COMM_LVL may be missing: NULL).
RAW_COLUMNS = GET_FIELDS + ("time", "COMM_LVL", "fetched_at", "fetch_dir")

# What a request covers (read_requests): stg_census_api lets a later fetch replace
# older rows within it.
REQUEST_PARAMS = ("I_COMMODITY", "CTY_CODE", "time")
REQUEST_COLUMNS = saved.REQUEST_COLUMNS + REQUEST_PARAMS  # what read_requests returns

HS_LEVELS = {2: "HS2", 4: "HS4", 6: "HS6", 10: "HS10"}
ALL_PARTNERS = ("ALL", "*")
TOTAL_CODE = "-"  # CTY_CODE of "TOTAL FOR ALL COUNTRIES"
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
# A request's time predicate as request_params writes it, or one month.
_REQUEST_TIME_RE = re.compile(r"^from (\d{4}-\d{2}) to (\d{4}-\d{2})$|^(\d{4}-\d{2})$")


@dataclass(frozen=True)
class Partner:
    iso3: str
    census_code: str
    name: str


def _countries() -> list[dict[str, str]]:
    with open(paths.SEEDS_DIR / "countries.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def resolve_partners(spec: Iterable[str]) -> list[Partner] | None:
    """ISO3 codes (or 4-digit Census codes) -> Census partners; None means every
    partner (`ALL`). `WLD` is the all-countries total (CTY_CODE '-')."""
    items = [s.strip().upper() for s in spec if s.strip()]
    if not items:
        raise ValueError("no partners given (use ISO3 codes, WLD or ALL)")
    if any(s in ALL_PARTNERS for s in items):
        if len(items) > 1:
            raise ValueError("--partners ALL cannot be combined with other partners")
        return None
    by_iso3 = {r["iso3"]: r for r in _countries()}
    by_code = {r["census_code"]: r for r in by_iso3.values() if r["census_code"]}
    out: list[Partner] = []
    for item in items:
        if re.fullmatch(r"\d{4}", item):
            row = by_code.get(item)
            out.append(Partner(row["iso3"] if row else item, item, row["name"] if row else ""))
            continue
        row = by_iso3.get(item)
        if row is None:
            raise ValueError(f"unknown partner {item!r}: not an ISO3 code in countries.csv")
        if not row["census_code"]:
            raise ValueError(
                f"no Census country code for {item} ({row['name']}) in "
                "etl/seeds/countries.csv; give the 4-digit Schedule C code instead"
            )
        out.append(Partner(item, row["census_code"], row["name"]))
    return list(dict.fromkeys(out))


def parse_month(text: str) -> str:
    match = _MONTH_RE.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"bad month {text!r}: use YYYY-MM")
    return text.strip()


def hs_level(code: str) -> str:
    """COMM_LVL for an HS/HTS code from its length: 2/4/6/10 digits -> HS2/HS4/HS6/HS10."""
    if not code.isdigit() or len(code) not in HS_LEVELS:
        raise ValueError(f"bad HS code {code!r}: use 2, 4, 6 or 10 digits")
    return HS_LEVELS[len(code)]


def request_params(
    hs_code: str, start: str, end: str, cty_code: str | None, api_key: str | None
) -> list[tuple[str, str]]:
    params = [
        ("get", ",".join(GET_FIELDS)),
        ("time", f"from {start} to {end}"),
        ("COMM_LVL", hs_level(hs_code)),
        ("I_COMMODITY", hs_code),
    ]
    if cty_code is not None:
        params.append(("CTY_CODE", cty_code))
    if api_key:
        params.append(("key", api_key))
    return params


def parse_rows(body: bytes, what: str, status: int = 200) -> list[dict[str, str | None]]:
    """The data rows of one 200 response as dicts keyed by the first occurrence of each
    header name. FetchError if the body is empty, malformed or lacks a column."""
    data = http.parse_json_body(body, source=SOURCE, what=what, status=status)
    return _rows_from_json(data, lambda msg: http.FetchError(f"{SOURCE} {msg} for {what}"))


def _rows_from_json(data, error: Callable[[str], Exception]) -> list[dict[str, str | None]]:
    columns = _columns_from_json(data, error)
    rows = zip(*columns.values(), strict=True)
    return [{c: saved.as_text(v) for c, v in zip(columns, values, strict=True)} for values in rows]


def _columns_from_json(data, error: Callable[[str], Exception]) -> dict[str, list]:
    """The data rows of one answer as columns, keyed by the first occurrence of each
    header name. The values are as parsed (the API sends strings; read_saved stores
    anything else as its JSON text). Columns, not a dict per row, so that read_raw
    keeps up with millions of rows (docs/benchmarks.md)."""
    if not isinstance(data, list) or not data or not isinstance(data[0], list):
        raise error("returned JSON that is not an array of rows with a header row")
    header = [str(h) for h in data[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise error(f"changed schema: the header lacks {', '.join(missing)}")
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name, i)  # predicate columns come again at the end
    width, body = len(header), data[1:]
    # Checked in C (map, set); the Python loop only runs to name a bad row.
    if set(map(type, body)) - {list} or set(map(len, body)) - {width}:
        for n, row in enumerate(body, start=2):
            if type(row) is not list or len(row) != width:
                raise error(f"changed schema: row {n} does not have the header's {width} fields")
    return {
        c: list(map(itemgetter(index[c]), body)) if c in index else [None] * len(body)
        for c in RAW_COLUMNS[: -len(saved.SAVED_COLUMNS)]
    }


def _words(name: str) -> set[str]:
    return set(re.findall(r"[A-Z0-9]+", name.upper())) - {"THE", "OF", "AND"}


def name_matches(expected: str, got: str) -> bool:
    """'South Korea' ~ 'KOREA, SOUTH', 'Vietnam' ~ 'VIETNAM'."""
    a, b = _words(expected), _words(got)
    return bool(a) and bool(b) and (a <= b or b <= a)


def client(base_url: str | None = None, **options) -> http.Client:
    """A Client for the Census API: `base_url` defaults to $CENSUS_API_URL or the public
    API, `api_key` to $CENSUS_API_KEY (optional); `options` go to http.Client."""
    options.setdefault("api_key", os.environ.get(KEY_ENV))
    return http.Client(SOURCE, base_url or os.environ.get(URL_ENV) or DEFAULT_URL, **options)


def fetch(
    api: http.Client,
    hs_codes: Sequence[str],
    start: str,
    end: str,
    partners: Iterable[str] = ("ALL",),
    *,
    raw_root: Path | None = None,
    now: Callable[[], datetime] = http.utc_now,
) -> FetchResult:
    """Fetch monthly US imports for each HS code from `start` to `end` (YYYY-MM) from
    each partner (ISO3, WLD, or ALL) through `api` (see `client`) into a new
    `raw_root/census_api/<stamp>/`. Raises FetchError (nothing written) or ValueError
    (bad arguments, before any request).
    """
    start, end = parse_month(start), parse_month(end)
    if start > end:
        raise ValueError(f"--from {start} is after --to {end}")
    codes = list(dict.fromkeys(c.strip() for c in hs_codes if c.strip()))
    if not codes:
        raise ValueError("no HS codes given")
    for code in codes:
        hs_level(code)
    chosen = resolve_partners(partners)
    raw_root = Path(raw_root or paths.raw_dir())
    plan = [(code, p) for code in codes for p in (chosen or [None])]

    with FetchDir(raw_root, DATASET, now=now, secrets=api.secrets) as out:
        for n, (code, partner) in enumerate(plan, start=1):
            who = partner.iso3 if partner else "all partners"
            what = f"HS {code} {who} {start}..{end}"
            params = request_params(
                code, start, end, partner.census_code if partner else None, api.api_key
            )
            resp = api.get(api.base_url, params, what=what)
            if resp.status == 204 or (resp.status != 200 and not resp.body.strip()):
                out.record(
                    resp,
                    params=params,
                    rows=0,
                    label=what,
                    note=f"no data (HTTP {resp.status}): not published yet, or no trade",
                )
                api.say(
                    f"[{n}/{len(plan)}] {what}: HTTP {resp.status}, no data (not published yet?)"
                )
                continue
            rows = parse_rows(resp.body, what, resp.status)
            out.record(resp, params=params, rows=len(rows), label=what)
            api.say(f"[{n}/{len(plan)}] {what}: HTTP {resp.status}, {len(rows)} rows")
            if partner is not None:
                for name in sorted({r["CTY_NAME"] or "" for r in rows}):
                    ok = (
                        name.upper().startswith("TOTAL")
                        if partner.census_code == TOTAL_CODE
                        else name_matches(partner.name, name)
                    )
                    if not ok:
                        msg = (
                            f"warning: Census CTY_NAME {name!r} for code {partner.census_code} "
                            f"does not look like {partner.iso3} ({partner.name}); "
                            "check etl/seeds/countries.csv"
                        )
                        out.warn(msg)
                        api.warn(msg)
        return out.commit(
            {
                "source": SOURCE,
                "base_url": api.redact(api.base_url),
                "hs_codes": codes,
                "from": start,
                "to": end,
                "partners": [p.iso3 for p in chosen] if chosen else ["ALL"],
                "api_key_used": bool(api.api_key),
            }
        )


def read_raw(raw_root: Path) -> pd.DataFrame:
    """Every row of every saved Census fetch, all values as text, with
    `fetched_at` and `fetch_dir` (see saved.read_saved)."""
    return saved.read_saved(raw_root, DATASET, _columns_from_json, RAW_COLUMNS)


def read_requests(raw_root: Path) -> pd.DataFrame:
    """Every request of every saved Census fetch, with the parameters that say what it
    covers: I_COMMODITY, CTY_CODE (None: every partner) and time ("from M to M", or M).
    RawDataError if an answered request's coverage cannot be read, or if two answered
    requests of one fetch overlap (their rows would both be kept)."""
    frame = saved.saved_requests(raw_root, DATASET, REQUEST_PARAMS)
    answered = frame[frame["file"].notna()]
    seen: dict[tuple[str, str], list[tuple[str | None, str, str, str]]] = {}
    for r in answered.itertuples(index=False):
        where = f"{Path(raw_root) / r.fetch_dir / 'query.json'}: request {r.request}"
        months = _REQUEST_TIME_RE.match(r.time) if isinstance(r.time, str) else None
        if not isinstance(r.I_COMMODITY, str) or not r.I_COMMODITY or months is None:
            raise saved.RawDataError(
                f"{where} does not say which HS code and months it asked for "
                f"(I_COMMODITY {r.I_COMMODITY!r}, time {r.time!r})"
            )
        first, last = (months.group(1), months.group(2)) if months.group(1) else (months[3],) * 2
        cty = r.CTY_CODE if isinstance(r.CTY_CODE, str) else None
        for other_cty, other_first, other_last, other in seen.get((r.fetch_dir, r.I_COMMODITY), []):
            partners_meet = cty is None or other_cty is None or cty == other_cty
            if partners_meet and first <= other_last and other_first <= last:
                raise saved.RawDataError(
                    f"{where} overlaps request {other} of the same fetch "
                    f"(HS {r.I_COMMODITY}): its rows would be counted twice"
                )
        seen.setdefault((r.fetch_dir, r.I_COMMODITY), []).append((cty, first, last, r.request))
    return frame
