"""The imports table the model reads, shaped like the warehouse's
`mart_us_imports_by_year_partner_group`: its checks (one value basis, never customs and
CIF mixed) and the base-year figures every projection starts from."""

from __future__ import annotations

import pandas as pd

from exposure.domain import AGGREGATE_PARTNERS

REQUIRED_COLUMNS = ("value_basis", "partner_iso3", "product_group", "year", "value_usd")


def check_imports(imports: pd.DataFrame) -> str:
    """Validate the input frame; return its single value basis."""
    missing = [c for c in REQUIRED_COLUMNS if c not in imports.columns]
    if missing:
        raise ValueError(f"imports frame lacks columns {missing}")
    bases = sorted(str(b) for b in imports["value_basis"].dropna().astype(str).unique())
    if len(bases) != 1:
        raise ValueError(
            f"imports must hold exactly one value basis, found {bases}: select one "
            "(e.g. imports[imports.value_basis == 'CIF']); customs and CIF values never mix"
        )
    if (pd.to_numeric(imports["value_usd"], errors="coerce") < 0).any():
        raise ValueError("imports hold negative values")
    return bases[0]


def countries_only(imports: pd.DataFrame) -> pd.DataFrame:
    """Drop aggregate partners (World) so totals are not counted as a partner."""
    return imports[~imports["partner_iso3"].isin(AGGREGATE_PARTNERS)]


def one_basis(imports: pd.DataFrame, value_basis: str) -> pd.DataFrame:
    """The rows of one value basis ("CIF" for Comtrade, "customs" for Census)."""
    return imports[imports["value_basis"] == value_basis].copy()


def baseline(imports: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """US imports by partner and product group in the base year (value_usd > 0 only)."""
    check_imports(imports)
    imports = countries_only(imports)
    rows = imports[imports["year"].astype(int) == int(base_year)]
    if rows.empty:
        years = sorted(int(y) for y in imports["year"].astype(int).unique())
        raise ValueError(f"no imports in base year {base_year}; years in the data: {years}")
    out = (
        rows.groupby(["partner_iso3", "product_group"], as_index=False)["value_usd"]
        .sum()
        .rename(columns={"value_usd": "base_value_usd"})
    )
    out = out[out["base_value_usd"] > 0]
    return out.sort_values(["partner_iso3", "product_group"], ignore_index=True)
