"""Model parameters, each carried as an `Assumption` with its source or its label.

Every number the model uses is one of these. Defaults that come from a cited figure
(`ref_figures`) or from the trade data carry the figure ids, the verbatim quote and a
note on how the value was derived; defaults with no source in the data are labelled
"assumption" and are meant to be changed by the user (`Scenario.with_value`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

# Labels, from strongest to weakest footing.
SOURCED = "sourced"  # the value is a cited figure as printed
DERIVED = "derived from cited figures"  # arithmetic on cited figures (e.g. a ratio)
DATA = "computed from the trade data"  # arithmetic on warehouse trade values
DEFINITION = "definition"  # follows from how the product group is defined
ASSUMPTION = "assumption"  # no source: a value chosen for the model, change it freely
USER = "set by the user"
LABELS = (SOURCED, DERIVED, DATA, DEFINITION, ASSUMPTION, USER)

SCENARIO_LEVELS = ("low", "central", "high")

COTTON_GROUPS = ("cotton_fibre_yarn_fabric", "cotton_apparel", "cotton_made_ups")
OTHER_TEXTILES = "other_textiles"
TOMATO_GROUPS = ("fresh_tomatoes", "tomato_paste_preserved", "tomato_sauces")
TOMATO_SEEDS = "tomato_seeds"
PRODUCT_GROUPS = COTTON_GROUPS + (OTHER_TEXTILES,) + TOMATO_GROUPS + (TOMATO_SEEDS,)
COTTON_FAMILY = COTTON_GROUPS + (OTHER_TEXTILES,)

# Dates of the two measures (etl/seeds/events.csv: region_wro 2021-01-13, uflpa 2022-06-21).
WRO_YEAR = 2021
UFLPA_DATE = pd.Timestamp("2022-06-21")

# Statistical codes in the 2017 Census file (SOURCES.md section 2) used to split HS 120991.
TOMATO_SEED_HTS10 = "1209918070"
VEGETABLE_SEEDS_HS6 = "120991"


@dataclass(frozen=True)
class Assumption:
    """One model parameter with its provenance.

    `scope` says what it applies to (a product group, a year, or "" for all).
    """

    name: str
    value: float
    unit: str
    label: str
    source_ids: tuple[str, ...] = ()
    quote: str = ""
    note: str = ""
    scope: str = ""

    def __post_init__(self):
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}; use one of {LABELS}")
        value = float(self.value)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{self.name}[{self.scope}]: value must be a finite number")
        if self.unit.startswith("share") and not 0.0 <= value <= 1.0:
            raise ValueError(f"{self.name}[{self.scope}] = {value}: shares must be in [0, 1]")

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.scope)


@dataclass(frozen=True)
class Scenario:
    """A named set of assumptions for one base year."""

    name: str
    base_year: int
    assumptions: tuple[Assumption, ...] = field(default_factory=tuple)

    def __post_init__(self):
        keys = [a.key for a in self.assumptions]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"duplicate assumptions: {sorted(dupes)}")

    def get(self, name: str, scope: str = "") -> Assumption | None:
        for a in self.assumptions:
            if a.name == name and a.scope == scope:
                return a
        return None

    def value(self, name: str, scope: str = "", default: float | None = None) -> float:
        a = self.get(name, scope)
        if a is None:
            if default is None:
                raise KeyError(f"scenario {self.name!r} has no assumption {name}[{scope}]")
            return default
        return float(a.value)

    def with_value(self, name: str, value: float, scope: str = "", note: str = "") -> Scenario:
        """A copy with one value changed by the user; the old value is kept in the note."""
        old = self.get(name, scope)
        if old is None:
            new = Assumption(name, float(value), "share", USER, note=note, scope=scope)
            return replace(self, assumptions=self.assumptions + (new,))
        was = f"default {old.value:g} ({old.label}"
        was += f", {', '.join(old.source_ids)})" if old.source_ids else ")"
        new = replace(
            old,
            value=float(value),
            label=USER,
            note=f"{note + '; ' if note else ''}changed by the user; {was}; {old.note}".strip("; "),
        )
        return replace(
            self, assumptions=tuple(new if a.key == old.key else a for a in self.assumptions)
        )

    def ramp(self, year: int) -> float:
        """Share of the full effect reached in `year` (0 before the WRO year)."""
        if year < WRO_YEAR:
            return 0.0
        years = sorted(int(a.scope) for a in self.assumptions if a.name == "ramp")
        if not years:
            return 1.0
        known = [y for y in years if y <= year]
        return self.value("ramp", str(known[-1])) if known else 0.0

    def enforcement(self, year: int | None = None) -> float:
        """Enforcement intensity in `year` (None: the full effect, UFLPA included)."""
        base = self.value("enforcement")
        uplift = self.value("uflpa_uplift", default=0.0)
        return min(1.0, base + uplift * uflpa_year_fraction(year))

    def direct_share(self, group: str, covered_content: float | None = None) -> float:
        """Share of China-origin imports of `group` attributable to Xinjiang inputs.

        `covered_content` replaces the group's covered-content share (for one line).
        """
        content = (
            self.value("covered_content", group, 0.0)
            if covered_content is None or pd.isna(covered_content)
            else float(covered_content)
        )
        return self.value("xinjiang_share", group, 0.0) * content

    def indirect_reliance(self, group: str, partner: str = "") -> float:
        """A third country's reliance on Chinese inputs for `group` (per partner if set)."""
        specific = self.get("indirect_reliance", f"{partner}:{group}") if partner else None
        if specific is not None:
            return float(specific.value)
        return self.value("indirect_reliance", group, 0.0)

    def indirect_share(
        self, group: str, partner: str = "", covered_content: float | None = None
    ) -> float:
        """Share of a third country's imports of `group` attributable to Xinjiang inputs."""
        return self.indirect_reliance(group, partner) * self.direct_share(group, covered_content)

    def frame(self) -> pd.DataFrame:
        """The assumptions as a table (one row each), for display beside results."""
        rows = [
            {
                "scenario": self.name,
                "name": a.name,
                "scope": a.scope,
                "value": a.value,
                "unit": a.unit,
                "label": a.label,
                "source_ids": ", ".join(a.source_ids),
                "quote": a.quote,
                "note": a.note,
            }
            for a in self.assumptions
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "scenario",
                "name",
                "scope",
                "value",
                "unit",
                "label",
                "source_ids",
                "quote",
                "note",
            ],
        )


def uflpa_year_fraction(year: int | None) -> float:
    """Share of `year` with the UFLPA in force (it took effect on 21 June 2022)."""
    if year is None:
        return 1.0
    start, end = (
        pd.Timestamp(year=year, month=1, day=1),
        pd.Timestamp(year=year + 1, month=1, day=1),
    )
    if UFLPA_DATE >= end:
        return 0.0
    if UFLPA_DATE <= start:
        return 1.0
    return (end - UFLPA_DATE).days / (end - start).days


# --- defaults from cited figures -------------------------------------------------------


def _year_of(period) -> int | None:
    text = "" if period is None or (isinstance(period, float) and pd.isna(period)) else str(period)
    return int(text) if re.fullmatch(r"\d{4}", text.strip()) else None


def _nbs_cotton(ref_figures: pd.DataFrame) -> pd.DataFrame:
    """NBS cotton figures with a plain calendar year: output (Mt) and shares (%)."""
    f = ref_figures.copy()
    f["year"] = [_year_of(p) for p in f["period"]]
    raw = f["value_number"] if "value_number" in f.columns else f["value"]
    f["number"] = pd.to_numeric(raw, errors="coerce")
    metric = f["metric"].fillna("").astype(str)
    nbs = metric.str.contains("(NBS)", regex=False) & f["year"].notna() & f["number"].notna()
    f = f[nbs]
    out = []
    for _, r in f.iterrows():
        m = r["metric"]
        if m.startswith("Xinjiang share of China cotton output") and r["unit"] == "percent":
            kind = "share"
        elif m.startswith("Xinjiang cotton output") and r["unit"] == "million tonnes":
            kind = "xinjiang"
        elif m.startswith("China cotton output") and r["unit"] == "million tonnes":
            kind = "china"
        else:
            continue
        out.append({"kind": kind, "year": int(r["year"]), "figure": r})
    return pd.DataFrame(out, columns=["kind", "year", "figure"])


# "... 84.9% of the total output", "... 87.3 percent of the total in the country"
_PERCENT_IN_QUOTE = re.compile(
    r"(\d{1,3}(?:\.\d+)?)\s*(?:percent|per cent|%)\s+of\s+the\s+(?:total|country|nation)"
)


def _cotton_share_for_year(nbs: pd.DataFrame, year: int) -> dict | None:
    """Xinjiang's share of China's cotton output in `year` from NBS figures, if any.

    Preference: (1) a published share figure; (2) Xinjiang output / China output, both
    for that year; (3) the share printed in the verbatim quote of a Xinjiang-output
    figure for that year (when China's output for the year is not in the file).
    """
    in_year = nbs[nbs["year"] == year]
    shares = in_year[in_year["kind"] == "share"]
    if len(shares):
        r = shares.iloc[0]["figure"]
        return {
            "value": float(r["number"]) / 100.0,
            "ids": (r["figure_id"],),
            "quote": r["quote"],
            "how": f"{r['figure_id']} as published ({r['number']:g} %)",
            "label": SOURCED,
        }
    xj = in_year[in_year["kind"] == "xinjiang"]
    cn = in_year[in_year["kind"] == "china"]
    if len(xj) and len(cn):
        x, c = xj.iloc[0]["figure"], cn.iloc[0]["figure"]
        value = float(x["number"]) / float(c["number"])
        how = (
            f"{x['figure_id']} / {c['figure_id']} = {x['number']:g} Mt / {c['number']:g} Mt "
            f"= {value:.4f}"
        )
        printed = [
            float(m) for q in (x["quote"], c["quote"]) for m in _PERCENT_IN_QUOTE.findall(str(q))
        ]
        if printed:
            how += f" (the quoted page prints {printed[0]:g} %)"
        return {
            "value": value,
            "ids": (x["figure_id"], c["figure_id"]),
            "quote": f"{c['quote']} | {x['quote']}" if x["quote"] != c["quote"] else x["quote"],
            "how": how,
            "label": DERIVED,
        }
    if len(xj):
        x = xj.iloc[0]["figure"]
        found = _PERCENT_IN_QUOTE.findall(str(x["quote"]))
        if found:
            return {
                "value": float(found[0]) / 100.0,
                "ids": (x["figure_id"],),
                "quote": x["quote"],
                "how": (
                    f"share printed in the quote of {x['figure_id']} ({found[0]} %); "
                    f"China's {year} output is not in the file"
                ),
                "label": SOURCED,
            }
    return None


def xinjiang_cotton_share(ref_figures: pd.DataFrame, base_year: int, group: str) -> Assumption:
    """Xinjiang's share of China's cotton output, for the base year or the nearest year.

    Ties between an earlier and a later year go to the earlier one (the information
    available before the base year ended).
    """
    nbs = _nbs_cotton(ref_figures)
    years = sorted(set(nbs["year"]), key=lambda y: (abs(y - base_year), y))
    for year in years:
        found = _cotton_share_for_year(nbs, year)
        if found is None:
            continue
        where = (
            f"base year {base_year}"
            if year == base_year
            else f"nearest year with NBS figures: {year} (none usable for {base_year})"
        )
        return Assumption(
            "xinjiang_share",
            round(found["value"], 6),
            "share of China's cotton output",
            found["label"],
            found["ids"],
            found["quote"],
            f"Xinjiang's share of China's cotton output (National Bureau of Statistics), {where}: "
            f"{found['how']}.",
            group,
        )
    raise ValueError("ref_figures holds no NBS cotton-output figures (COT-01..COT-10)")


def xinjiang_tomato_share(ref_figures: pd.DataFrame, group: str) -> Assumption:
    """Xinjiang's share of China's tomato output: TOM-03 (about 70 %)."""
    row = _figure(ref_figures, "TOM-03")
    value = float(_number(row)) / 100.0
    note = (
        f"TOM-03 as published (about {value * 100:g} percent, period '{row['period']}'); "
        "applied to every year because no year-by-year series exists."
    )
    processing = _figure(ref_figures, "TOM-04", required=False)
    if processing is not None:
        note += (
            f" For processing tomatoes TOM-04 says '{_text(processing)}' percent of China's "
            "production is in Xinjiang: set a higher value for paste to use it."
        )
    return Assumption(
        "xinjiang_share",
        value,
        "share of China's tomato output",
        SOURCED,
        ("TOM-03",),
        row["quote"],
        note,
        group,
    )


def _number(row) -> float:
    """The figure's plain number (warehouse `value_number`, or the CSV's `value`)."""
    raw = row["value_number"] if "value_number" in row.index else row["value"]
    return float(pd.to_numeric(raw))


def _text(row) -> str:
    return str(row["value_text"] if "value_text" in row.index else row["value"])


def _figure(ref_figures: pd.DataFrame, figure_id: str, required: bool = True):
    hit = ref_figures[ref_figures["figure_id"] == figure_id]
    if hit.empty:
        if required:
            raise ValueError(f"ref_figures lacks {figure_id}")
        return None
    return hit.iloc[0]


def tomato_seed_share(hs_lines: pd.DataFrame | None) -> Assumption:
    """Tomato seeds' share of HS 120991 (all vegetable seeds) in US imports from China.

    From the 2017 Census file, the only source with the 10-digit line 1209918070:
    both values are customs value, so the ratio stays within one value basis.
    """
    if hs_lines is not None and not hs_lines.empty:
        lines = hs_lines[
            (hs_lines["partner_iso3"] == "CHN")
            & (hs_lines["hs_code"].isin([TOMATO_SEED_HTS10, VEGETABLE_SEEDS_HS6]))
        ]
        for (source, basis, year), grp in lines.groupby(["source", "value_basis", "year"]):
            vals = dict(zip(grp["hs_code"], grp["value_usd"], strict=True))
            if TOMATO_SEED_HTS10 in vals and vals.get(VEGETABLE_SEEDS_HS6):
                share = float(vals[TOMATO_SEED_HTS10]) / float(vals[VEGETABLE_SEEDS_HS6])
                return Assumption(
                    "covered_content",
                    round(share, 6),
                    "share of HS 120991 value",
                    DATA,
                    (
                        f"{source}:{TOMATO_SEED_HTS10}:{year}",
                        f"{source}:{VEGETABLE_SEEDS_HS6}:{year}",
                    ),
                    "",
                    f"US imports from China {year} ({source}, {basis} value): HTS 1209918070 "
                    f"'Tomato Seeds For Sowing' {vals[TOMATO_SEED_HTS10]:,.0f} / HS 120991 "
                    f"{vals[VEGETABLE_SEEDS_HS6]:,.0f} = {share:.4f}; the only year with "
                    "10-digit detail, applied to every year.",
                    TOMATO_SEEDS,
                )
    return Assumption(
        "covered_content",
        1.0,
        "share of HS 120991 value",
        ASSUMPTION,
        note="No 10-digit seed data given: all vegetable seeds (HS 120991) treated as tomato "
        "seeds, an upper bound.",
        scope=TOMATO_SEEDS,
    )


# --- assumptions with no source: one table, so the docs and the code agree ------------

# (low, central, high) for the scenario with the smallest, middle and largest trade effect.
# None of these has a source in the data; see docs/methodology.md "Assumptions".
UNSOURCED: dict[tuple[str, str], tuple[float, float, float, str, str]] = {
    ("enforcement", ""): (
        0.25,
        0.5,
        0.75,
        "share of exposed trade detained or deterred",
        "Quartiles of the unit interval: the data hold no estimate of how much exposed "
        "trade was actually stopped or deterred.",
    ),
    ("uflpa_uplift", ""): (
        0.0,
        0.1,
        0.2,
        "share of exposed trade added to enforcement once the UFLPA is in force",
        "Extra enforcement from the UFLPA's rebuttable presumption (in force 21 June 2022: "
        "scaled by the share of 2022 after that date, full from 2023). No source.",
    ),
    ("substitution", ""): (
        0.75,
        0.5,
        0.25,
        "share of lost supply replaced by other partners",
        "High substitution means a smaller net effect, so the low-effect scenario has the "
        "highest value. Of the replaced supply, the share `in_data_capture` goes to the "
        "third countries in the data (split in proportion to their counterfactual imports), "
        "the rest to partners outside the data. No source.",
    ),
    ("covered_content", OTHER_TEXTILES): (
        0.05,
        0.1,
        0.2,
        "share of other textiles (HS 50-63 not 'of cotton') containing cotton",
        "Cotton content of lines whose HS description does not say 'of cotton' (blends, "
        "'other textile materials'): not identifiable from HS codes. No source.",
    ),
    ("indirect_reliance", "cotton"): (
        0.05,
        0.1,
        0.2,
        "share of a third country's products made with Chinese cotton inputs",
        "Modest on purpose: CEPR DP21438 (published estimates PUB-03) finds US import "
        "reductions from third countries 'correlate only very weakly' with their sourcing of "
        "cotton inputs from China. No figure in the data; the same value for every third "
        "country unless set per partner.",
    ),
    ("indirect_reliance", "tomato_processed"): (
        0.0,
        0.05,
        0.1,
        "share of a third country's tomato products made with Chinese paste",
        "No source in the data for third countries' use of Chinese tomato paste.",
    ),
}

# Share of the full effect reached in each year from the WRO year; later years keep the
# last value. No source: a gradual take-up, faster in the high-effect scenario.
RAMPS: dict[str, dict[int, float]] = {
    "low": {2021: 0.25, 2022: 0.5, 2023: 0.75, 2024: 1.0},
    "central": {2021: 0.5, 2022: 0.75, 2023: 1.0},
    "high": {2021: 0.75, 2022: 1.0},
}


def _unsourced(key: tuple[str, str], level: str, scope: str | None = None) -> Assumption:
    low, central, high, unit, note = UNSOURCED[key]
    value = {"low": low, "central": central, "high": high}[level]
    return Assumption(
        key[0],
        value,
        unit,
        ASSUMPTION,
        note=f"{note} Scenario values low/central/high: {low:g}/{central:g}/{high:g}.",
        scope=key[1] if scope is None else scope,
    )


APPAREL_CHAPTERS = ("61", "62")
AGGREGATE_PARTNERS = ("WLD",)


def third_country_capture(
    hs_lines: pd.DataFrame | None, base_year: int, group: str, china: str = "CHN"
) -> Assumption:
    """Share of replaced supply won by the third countries in the data.

    From US imports of apparel (HS 61 + 62, all fibres) in the base year: third
    countries in the data / (World - China), all in one value basis (Comtrade CIF).
    Used as measured for cotton apparel and as a proxy for the other textile groups.
    """
    if hs_lines is not None and not hs_lines.empty:
        ch = hs_lines[
            (hs_lines["hs_level"].astype(int) == 2)
            & hs_lines["hs_code"].astype(str).isin(APPAREL_CHAPTERS)
            & (hs_lines["year"].astype(int) == int(base_year))
        ]
        for basis, rows in ch.groupby("value_basis"):
            by_partner = rows.groupby("partner_iso3")["value_usd"].sum()
            world = float(by_partner.get("WLD", 0.0))
            others = by_partner.drop(labels=["WLD", china], errors="ignore")
            rest = world - float(by_partner.get(china, 0.0))
            if world > 0 and rest > 0 and len(others) and china in by_partner.index:
                share = float(others.sum()) / rest
                datasets = sorted(set(rows["dataset"])) if "dataset" in rows else []
                proxy = group != "cotton_apparel"
                return Assumption(
                    "in_data_capture",
                    round(min(1.0, share), 6),
                    "share of replaced supply won by the third countries in the data",
                    ASSUMPTION if proxy else DATA,
                    tuple(f"{d}:HS61+62:{base_year}" for d in datasets),
                    "",
                    f"US imports of apparel (HS 61+62, all fibres) {base_year}, {basis}: "
                    f"{' + '.join(others.index)} {others.sum():,.0f} / (World {world:,.0f} - "
                    f"China {by_partner[china]:,.0f}) = {share:.4f}. The rest of the replaced "
                    "supply goes to partners outside the data."
                    + (" Apparel share used as a proxy for this group." if proxy else ""),
                    group,
                )
    return Assumption(
        "in_data_capture",
        0.5,
        "share of replaced supply won by the third countries in the data",
        ASSUMPTION,
        note="No World total for this group in the data: midpoint of the unit interval. The "
        "rest of the replaced supply goes to partners outside the data.",
        scope=group,
    )


def default_scenario(
    ref_figures: pd.DataFrame,
    base_year: int = 2019,
    level: str = "central",
    hs_lines: pd.DataFrame | None = None,
) -> Scenario:
    """The default assumptions for one scenario level ("low", "central" or "high").

    `ref_figures` is the warehouse table of that name (figure_id, metric, value_number,
    unit, period, quote, ...). `hs_lines` (optional) is mart_us_imports_by_year_partner_hs,
    used for the tomato-seed share of HS 120991 and the third countries' capture share.
    """
    if level not in SCENARIO_LEVELS:
        raise ValueError(f"level must be one of {SCENARIO_LEVELS}")
    out: list[Assumption] = []
    for group in COTTON_FAMILY:
        out.append(xinjiang_cotton_share(ref_figures, base_year, group))
    for group in TOMATO_GROUPS:
        out.append(xinjiang_tomato_share(ref_figures, group))
    seeds = xinjiang_tomato_share(ref_figures, TOMATO_SEEDS)
    out.append(
        replace(
            seeds,
            label=ASSUMPTION,
            note="Proxy: Xinjiang's share of China's tomato output (TOM-03) used for tomato "
            "seeds; no figure on where China's tomato seed for export is grown.",
        )
    )
    for group in COTTON_GROUPS + TOMATO_GROUPS:
        out.append(
            Assumption(
                "covered_content",
                1.0,
                "share of the group's value",
                DEFINITION,
                note="The group holds only lines named as cotton / tomato products "
                "(etl/seeds/product_group_rules.csv).",
                scope=group,
            )
        )
    out.append(_unsourced(("covered_content", OTHER_TEXTILES), level))
    out.append(tomato_seed_share(hs_lines))
    for group in COTTON_FAMILY:
        out.append(_unsourced(("indirect_reliance", "cotton"), level, scope=group))
    for group in ("tomato_paste_preserved", "tomato_sauces"):
        out.append(_unsourced(("indirect_reliance", "tomato_processed"), level, scope=group))
    for group in ("fresh_tomatoes", TOMATO_SEEDS):
        out.append(
            Assumption(
                "indirect_reliance",
                0.0,
                "share of a third country's products made with Chinese inputs",
                ASSUMPTION,
                note="Fresh tomatoes and seeds grown in a third country contain no Chinese "
                "tomato input; set a value to test otherwise.",
                scope=group,
            )
        )
    for group in PRODUCT_GROUPS:
        out.append(
            third_country_capture(hs_lines, base_year, group)
            if group in COTTON_FAMILY
            else third_country_capture(None, base_year, group)
        )
    for key in (("enforcement", ""), ("uflpa_uplift", ""), ("substitution", "")):
        out.append(_unsourced(key, level))
    for year, share in RAMPS[level].items():
        out.append(
            Assumption(
                "ramp",
                share,
                "share of the full effect reached",
                ASSUMPTION,
                note=f"Take-up of the WRO in {year}; later years keep the last value. "
                f"Scenario ramps: {', '.join(f'{k}: {v}' for k, v in RAMPS.items())}.",
                scope=str(year),
            )
        )
    return Scenario(level, base_year, tuple(out))


def default_scenarios(
    ref_figures: pd.DataFrame, base_year: int = 2019, hs_lines: pd.DataFrame | None = None
) -> dict[str, Scenario]:
    """The low, central and high scenarios (smallest to largest trade effect)."""
    return {
        level: default_scenario(ref_figures, base_year, level, hs_lines)
        for level in SCENARIO_LEVELS
    }


def assumptions_frame(scenarios: Iterable[Scenario] | Mapping[str, Scenario]) -> pd.DataFrame:
    """All scenarios' assumptions in one table."""
    items = scenarios.values() if isinstance(scenarios, Mapping) else scenarios
    return pd.concat([s.frame() for s in items], ignore_index=True)
