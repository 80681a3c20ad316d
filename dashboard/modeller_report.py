"""The Exposure modeller's report on a user's lines, as pure functions (no st.*): exposure
by origin, by HS chapter and product group, by supplier, the most exposed lines, and the
members' share of national US imports. Every table is a sum over the user's own lines;
the national figures are the warehouse's, named with their source and value basis.
"""

from __future__ import annotations

import pandas as pd

from exposure import plausibility

MONEY = ["annual_value_usd", "exposed_value_usd", "at_risk_value_usd"]
MOST_EXPOSED = 20
TOP_SUPPLIERS = 50


def _sums(result: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = result.groupby(by, dropna=False, observed=True, sort=False)
    out = grouped[MONEY].sum(min_count=1)  # an unmapped group's exposure stays unknown
    out.insert(0, "lines", grouped.size())
    out = out.reset_index()
    return out.sort_values("at_risk_value_usd", ascending=False, na_position="last")


def by_origin(result: pd.DataFrame) -> pd.DataFrame:
    """Exposure by country of origin and channel."""
    out = _sums(result, ["origin_name", "channel"]).rename(columns={"origin_name": "origin"})
    return out.reset_index(drop=True)


def by_chapter_and_group(result: pd.DataFrame) -> pd.DataFrame:
    """Exposure by HS chapter (first two digits) and product group."""
    frame = result.assign(
        hs_chapter=result["hs_code"].astype(str).str[:2],
        product_group=result["product_group_label"].replace("", "(none)"),
    )
    out = _sums(frame, ["hs_chapter", "product_group", "mapping_status"])
    return out.sort_values(["hs_chapter", "product_group"], ignore_index=True)


def by_supplier(result: pd.DataFrame) -> pd.DataFrame:
    """Exposure by supplier, the TOP_SUPPLIERS most at risk (empty when no line names one)."""
    named = result[result["supplier"].astype(str).str.strip() != ""]
    if named.empty:
        return pd.DataFrame(columns=["supplier", "lines", *MONEY])
    return _sums(named, ["supplier"]).head(TOP_SUPPLIERS).reset_index(drop=True)


def most_exposed(result: pd.DataFrame, n: int = MOST_EXPOSED) -> pd.DataFrame:
    """The n lines with the most value at risk."""
    columns = [
        "row",
        "hs_code",
        "origin_name",
        "supplier",
        "product_group_label",
        "annual_value_usd",
        "exposure_share",
        "at_risk_value_usd",
    ]
    top = result.nlargest(n, "at_risk_value_usd")[columns]
    return top.rename(columns={"origin_name": "origin", "product_group_label": "product_group"})


def report(
    result: pd.DataFrame,
    national: pd.DataFrame,
    names: dict[str, str],
) -> dict[str, pd.DataFrame]:
    """Every summary table of the report, by sheet name."""
    return {
        "by_origin": by_origin(result),
        "by_chapter_group": by_chapter_and_group(result),
        "by_supplier": by_supplier(result),
        "most_exposed": most_exposed(result),
        "share_of_national": plausibility.members_share(result, national, names),
    }


def national_checks(
    result: pd.DataFrame,
    national: pd.DataFrame,
    national_groups: pd.DataFrame,
    names: dict[str, str],
) -> list:
    """Plausibility warnings: lines and origins' totals above national US imports."""
    lines = plausibility.line_checks(result, national, national_groups, names)
    return lines + plausibility.origin_checks(result, national_groups, names)
