"""What data/raw holds, as a refresh sees it: every current row of the saved Census and
Comtrade answers (and the shipped Census API answer), the months each Census request covered,
and how a new answer differs from what is held (new figures, revised values, removed ones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl import build, manifest
from etl.sources import census, census_load, comtrade

CENSUS_KEY = ("CTY_CODE", "time")
CENSUS_VALUES = ("GEN_VAL_MO", "GEN_QY1_MO", "UNIT_QY1")
COMTRADE_KEY = (
    "freqCode",
    "reporterCode",
    "partnerCode",
    "partner2Code",
    "flowCode",
    "cmdCode",
    "period",
    "customsCode",
    "motCode",
)
COMTRADE_VALUES = ("primaryValue", "cifvalue", "fobvalue", "qty", "netWgt")

# The rule of stg_census_api: a row is current unless a later answered request covers it.
_CURRENT_CENSUS_SQL = """
with answered as (
    select fetched_at, "I_COMMODITY" as hs_code, "CTY_CODE" as cty_code,
        coalesce(nullif(regexp_extract("time", 'from (\\d{4}-\\d{2})', 1), ''), "time") as first,
        coalesce(nullif(regexp_extract("time", 'to (\\d{4}-\\d{2})', 1), ''), "time") as last
    from requests where "file" is not null
)
select r."I_COMMODITY", r."CTY_CODE", r."time", r."GEN_VAL_MO", r."GEN_QY1_MO", r."UNIT_QY1",
    r.fetched_at is not null as fetched
from responses as r
where not exists (
    select 1 from answered as later
    where later.hs_code = r."I_COMMODITY" and later.fetched_at > coalesce(r.fetched_at, '')
        and coalesce(later.cty_code, r."CTY_CODE") = r."CTY_CODE"
        and r."time" between later.first and later.last
)
"""


@dataclass
class Diff:
    """How one answer differs from what was held in its scope."""

    new: int = 0  # figures not held before
    revised: int = 0  # figures held with another value
    removed: int = 0  # figures held that the answer no longer has (Census only)
    other_changes: int = 0  # same value, another quantity or unit
    new_periods: set = field(default_factory=set)
    revised_periods: set = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.revised or self.removed or self.other_changes)


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise: two numbers (as text) differ; NaN on both sides is no difference."""
    x, y = _numbers(a), _numbers(b)
    return ~((x == y) | (x.isna() & y.isna()))


class CensusHoldings:
    """The current Census rows, fetched and shipped, by HS code."""

    def __init__(self, rows: pd.DataFrame, coverage: dict[str, list[tuple[str, str]]]):
        self.by_code = {code: part.drop(columns="I_COMMODITY") for code, part in rows.groupby(
            "I_COMMODITY", sort=False)}  # fmt: skip
        self.coverage = coverage

    @classmethod
    def load(cls, raw_root: Path) -> CensusHoldings:
        requests = census.read_requests(raw_root)
        con = duckdb.connect()
        try:
            census_load.load_answers(con, raw_root, "responses")
            for dataset_id in build.SHIPPED_CENSUS_ANSWERS:
                shipped = shipped_census_answer(raw_root, dataset_id)
                if shipped is not None:
                    con.register("shipped", shipped)
                    con.execute("insert into responses by name select * from shipped")
                    con.unregister("shipped")
            con.register("requests", requests)
            rows = con.execute(_CURRENT_CENSUS_SQL).df()
        finally:
            con.close()
        coverage: dict[str, list[tuple[str, str]]] = {}
        answered = requests[requests["file"].notna() & requests["CTY_CODE"].isna()]
        for r in answered.itertuples(index=False):
            first, _, last = str(r.time).removeprefix("from ").partition(" to ")
            coverage.setdefault(r.I_COMMODITY, []).append((first, last or first))
        return cls(rows, coverage)

    def rows(self, code: str, first: str, last: str) -> pd.DataFrame:
        held = self.by_code.get(code)
        if held is None:
            return pd.DataFrame(columns=[*CENSUS_KEY, *CENSUS_VALUES, "fetched"])
        return held[held["time"].between(first, last)]

    def latest_fetched_month(self, code: str) -> str | None:
        held = self.by_code.get(code)
        if held is None or not held["fetched"].any():
            return None
        return str(held.loc[held["fetched"], "time"].max())

    def first_gap(self, code: str, first: str, last: str) -> str | None:
        """The first month from `first` to `last` that no answered request for every
        partner covered, or None."""
        month = first
        for lo, hi in sorted(self.coverage.get(code, [])):
            if lo > month:
                break
            month = max(month, _next_month(hi))
        return month if month <= last else None

    def diff(self, code: str, first: str, last: str, answer: pd.DataFrame) -> Diff:
        """What an answer for every partner, `first` to `last`, changes: a Census answer
        replaces every held row in its scope (flows revised to nothing are left out)."""
        held = self.rows(code, first, last)
        merged = held.merge(
            answer[[*CENSUS_KEY, *CENSUS_VALUES]],
            on=list(CENSUS_KEY),
            how="outer",
            suffixes=("_held", ""),
            indicator=True,
        )
        return _diff(merged, periods=lambda frame: set(frame["time"]), removals=True)

    def replace(self, code: str, first: str, last: str, answer: pd.DataFrame) -> None:
        """Hold a saved answer in place of the rows of its scope."""
        held = self.by_code.get(code)
        kept = held[~held["time"].between(first, last)] if held is not None else None
        new = answer[[*CENSUS_KEY, *CENSUS_VALUES]].assign(fetched=True)
        self.by_code[code] = pd.concat([kept, new], ignore_index=True) if kept is not None else new
        self.coverage.setdefault(code, []).append((first, last))


class ComtradeHoldings:
    """The current Comtrade records (the latest fetch of each key)."""

    def __init__(self, records: pd.DataFrame):
        self.records = records

    @classmethod
    def load(cls, raw_root: Path) -> ComtradeHoldings:
        raw = comtrade.read_raw(raw_root)
        raw = raw.sort_values(["fetched_at", "fetch_dir"]).drop_duplicates(
            list(COMTRADE_KEY), keep="last"
        )
        return cls(raw[[*COMTRADE_KEY, *COMTRADE_VALUES]].reset_index(drop=True))

    def latest_year(self, flow: str, *, reporter: str | None = None, cmd: str | None = None):
        years = self._select(flow, reporter, cmd)["period"]
        return int(years.max()) if len(years) else None

    def years_held(self, flow: str, *, reporter: str | None = None, cmd: str | None = None):
        return {int(y) for y in self._select(flow, reporter, cmd)["period"].unique()}

    def codes_held(self, flow: str, reporter: str) -> set[str]:
        return set(self._select(flow, reporter, None)["cmdCode"].unique())

    def _select(self, flow, reporter, cmd) -> pd.DataFrame:
        r = self.records
        mask = (r["flowCode"] == flow) & (r["freqCode"] == "A")
        if reporter is not None:
            mask &= r["reporterCode"] == reporter
        if cmd is not None:
            mask &= r["cmdCode"] == cmd
        return r[mask]

    def diff(self, answer: pd.DataFrame) -> Diff:
        """What an answer adds or revises. A record it lacks is no evidence of a revision
        (an answer may be cut at the API's cap), so nothing is removed."""
        merged = answer[[*COMTRADE_KEY, *COMTRADE_VALUES]].merge(
            self.records, on=list(COMTRADE_KEY), how="left", suffixes=("", "_held"),
            indicator=True,
        )  # fmt: skip
        merged["_merge"] = merged["_merge"].replace({"left_only": "right_only"})
        return _diff(merged, periods=lambda frame: set(frame["period"]), removals=False,
                     values=COMTRADE_VALUES, value="primaryValue")  # fmt: skip

    def add(self, answer: pd.DataFrame) -> None:
        both = pd.concat([self.records, answer[[*COMTRADE_KEY, *COMTRADE_VALUES]]])
        self.records = both.drop_duplicates(list(COMTRADE_KEY), keep="last").reset_index(drop=True)


def _diff(merged, *, periods, removals, values=CENSUS_VALUES, value="GEN_VAL_MO") -> Diff:
    """`merged`: held columns suffixed _held, the answer's unsuffixed, and pandas' merge
    indicator (left_only = held only, right_only = answer only)."""
    new = merged[merged["_merge"] == "right_only"]
    gone = merged[merged["_merge"] == "left_only"] if removals else merged.iloc[0:0]
    both = merged[merged["_merge"] == "both"]
    revised = both[_differs(both[f"{value}_held"], both[value])]
    other = 0
    for column in values:
        if column == value:
            continue
        held = both[f"{column}_held"]
        known = held.notna()  # the shipped answer has no quantities
        if column.startswith("UNIT") or column.endswith("Unit"):
            other += int((known & (held != both[column])).sum())
        else:
            other += int((known & _differs(held, both[column])).sum())
    return Diff(
        new=len(new),
        revised=len(revised),
        removed=len(gone),
        other_changes=other,
        new_periods=periods(new),
        revised_periods=periods(revised) | periods(gone),
    )


def shipped_census_answer(raw_root: Path, dataset_id: str) -> pd.DataFrame | None:
    """A Census API answer shipped in data/raw, as the build reads it into raw_census_api
    (etl/sql/raw/census_api_answer.sql): read_raw's columns, no fetch time."""
    entry = next((e for e in manifest.read_manifest(raw_root) if e.dataset_id == dataset_id), None)
    if entry is None or not (raw_root / entry.file).exists():
        return None
    con = duckdb.connect()
    try:
        columns = ", ".join(f'"{c}" varchar' for c in census.RAW_COLUMNS)
        con.execute(f"create table raw_census_api ({columns})")
        build.create_raw_view(con, f"raw_{dataset_id}", raw_root / entry.file)
        con.execute(build.shipped_census_answer_sql(dataset_id))
        frame = con.table("raw_census_api").df()
    finally:
        con.close()
    return frame.astype("str").where(frame.notna(), None)


def _next_month(month: str) -> str:
    year, mm = int(month[:4]), int(month[5:7])
    return f"{year + mm // 12}-{mm % 12 + 1:02d}"
