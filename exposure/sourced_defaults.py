"""Default values that have a source: Xinjiang's shares of China's cotton and tomato
output from cited figures (`ref_figures`), and the tomato-seed share and the third
countries' capture share from the trade data. Each carries the figure ids or data rows,
the verbatim quote and how the value was derived."""

from __future__ import annotations

import re

import pandas as pd

from exposure.assumptions import ASSUMPTION, DATA, DERIVED, SOURCED, Assumption
from exposure.domain import CHINA, TOMATO_SEED_HTS10, TOMATO_SEEDS, VEGETABLE_SEEDS_HS6


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
            (hs_lines["partner_iso3"] == CHINA)
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


APPAREL_CHAPTERS = ("61", "62")


def third_country_capture(
    hs_lines: pd.DataFrame | None, base_year: int, group: str, china: str = CHINA
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
