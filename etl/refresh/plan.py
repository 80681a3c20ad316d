"""The requests a refresh makes: for each Census HS code, every partner from the first month
not yet held (or the start of the look-back window) to the last month that can be out; for
Comtrade, the years after the latest held plus the look-back years, split so that no answer
reaches the API's cap on records per call."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

from etl.refresh.holdings import CensusHoldings, ComtradeHoldings
from etl.refresh.scope import Scope, last_month_to_ask, last_year_to_ask

# Partners a code has at most, to size Comtrade requests (about 240 Census/Comtrade partners).
PARTNERS_PER_CODE = 240
# Records per call: UN Comtrade's free subscription (100,000) and the keyless preview (500).
KEYED_RECORDS = 100_000
PREVIEW_RECORDS = 500
US_REPORTER = "842"  # Comtrade's code for the USA
CHINA = "CHN"


@dataclass(frozen=True)
class Request:
    """One API call. Census: one HS code from every partner, months `start`..`end`.
    Comtrade: `cmd` codes in one `year`, `flow` by `reporters` to `partners`."""

    source: str  # "census" or "comtrade"
    why: str  # what it is for, in words
    hs: str = ""
    start: str = ""
    end: str = ""
    cmd: tuple[str, ...] = ()
    year: int = 0
    flow: str = ""
    reporters: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        if self.source == "census":
            return f"census:{self.hs}:{self.start}:{self.end}"
        return (
            f"comtrade:{self.flow}:{self.year}:{','.join(self.reporters)}:"
            f"{','.join(self.partners)}:{','.join(self.cmd)}"
        )

    @property
    def label(self) -> str:
        if self.source == "census":
            return f"Census HS {self.hs}, every partner, {self.start}..{self.end}"
        codes = self.cmd[0] if len(self.cmd) == 1 else f"{len(self.cmd)} HS6 lines"
        what = "imports" if self.flow == "M" else "exports"
        rep = "every reporter" if self.reporters == ("all",) else ",".join(self.reporters)
        par = "every partner" if self.partners == ("all",) else ",".join(self.partners)
        return f"Comtrade {what} {self.year}, {codes}, {rep} to {par}"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Request:
        tuples = ("cmd", "reporters", "partners")
        return cls(**{k: tuple(v) if k in tuples else v for k, v in data.items()})


def census_requests(scope: Scope, held: CensusHoldings, today: date) -> list[Request]:
    """One request a code: from the first month no fetch covered, or from January of the
    look-back year before the latest month held, to the last month that can be out."""
    end = last_month_to_ask(today)
    out = []
    for code in scope.census_codes:
        latest = held.latest_fetched_month(code)
        if latest is None:
            start, why = scope.census_first_month, "nothing held yet"
        else:
            look_back = f"{int(latest[:4]) - scope.census_look_back_years}-01"
            look_back = max(look_back, scope.census_first_month)
            gap = held.first_gap(code, scope.census_first_month, latest)
            start = min(look_back, gap) if gap else look_back
            why = f"held to {latest}; new months and revisions from {look_back}"
            if gap and gap < look_back:
                why += f"; months from {gap} never fetched"
        if start <= end:
            out.append(Request("census", why, hs=code, start=start, end=end))
    return out


def comtrade_years(scope: Scope, latest: int | None, held: set[int], today: date) -> list[int]:
    """The years after the latest held, the look-back years, and any earlier year with
    nothing held."""
    last = last_year_to_ask(today)
    first = scope.comtrade_first_year
    if latest is None:
        return list(range(first, last + 1))
    look_back = latest - scope.comtrade_look_back_years + 1
    return [y for y in range(first, last + 1) if y >= look_back or y not in held]


def comtrade_requests(
    scope: Scope, held: ComtradeHoldings, today: date, *, keyed: bool
) -> list[Request]:
    cap = KEYED_RECORDS if keyed else PREVIEW_RECORDS
    per_call = max(1, cap // PARTNERS_PER_CODE)
    out: list[Request] = []
    # US imports of the product groups' HS6 lines from every partner. A line never held
    # is asked for every year.
    lines = list(scope.import_lines)
    latest = held.latest_year("M", reporter=US_REPORTER)
    years = comtrade_years(scope, latest, held.years_held("M", reporter=US_REPORTER), today)
    known = held.codes_held("M", US_REPORTER)
    backfill = [c for c in lines if c not in known] if latest is not None else []
    for year in range(scope.comtrade_first_year, last_year_to_ask(today) + 1):
        codes = lines if year in years else backfill
        for chunk in range(0, len(codes), per_call):
            out.append(
                Request(
                    "comtrade",
                    "US imports of the WRO product groups' HS6 lines",
                    cmd=tuple(codes[chunk : chunk + per_call]),
                    year=year,
                    flow="M",
                    reporters=("USA",),
                    partners=("all",),
                )
            )
    # Every reporter's exports of tomato paste: to every partner with a key; the keyless
    # preview's 500 records cannot hold that, so without one every reporter's World total
    # (China's share) and China's exports to every partner (its destinations).
    latest = held.latest_year("X", cmd=scope.paste_code)
    years = comtrade_years(scope, latest, held.years_held("X", cmd=scope.paste_code), today)
    routes = [(("all",), ("all",))] if keyed else [(("all",), ("WLD",)), ((CHINA,), ("all",))]
    for year in years:
        for reporters, partners in routes:
            out.append(
                Request(
                    "comtrade",
                    "every reporter's tomato-paste exports (China's share and destinations)",
                    cmd=(scope.paste_code,),
                    year=year,
                    flow="X",
                    reporters=reporters,
                    partners=partners,
                )
            )
    return out


def make_plan(
    scope: Scope,
    census_held: CensusHoldings,
    comtrade_held: ComtradeHoldings,
    today: date,
    *,
    comtrade_keyed: bool,
    sources: tuple[str, ...] = ("census", "comtrade"),
) -> list[Request]:
    plan = []
    if "census" in sources:
        plan += census_requests(scope, census_held, today)
    if "comtrade" in sources:
        plan += comtrade_requests(scope, comtrade_held, today, keyed=comtrade_keyed)
    return plan


def plan_lines(plan: list[Request], *, comtrade_keyed: bool) -> list[str]:
    """The plan in words, for --dry-run: a line per request and the counts."""
    lines = [f"  {n:>4}. {r.label}  ({r.why})" for n, r in enumerate(plan, start=1)]
    census_n = sum(r.source == "census" for r in plan)
    comtrade_n = len(plan) - census_n
    lines.append(f"{len(plan)} requests: {census_n} to the Census API, {comtrade_n} to Comtrade.")
    if comtrade_n and not comtrade_keyed:
        keyed_calls = math.ceil(comtrade_n * PREVIEW_RECORDS / KEYED_RECORDS)
        lines.append(
            "No COMTRADE_API_KEY: the keyless preview returns at most 500 records a call, so "
            f"Comtrade needs {comtrade_n} calls (a free key takes about {keyed_calls} or "
            "more, and every reporter's paste exports to every partner need one)."
        )
    return lines
