"""Are the uploaded values plausible? Each line and each origin's total against the
national US imports the warehouse holds for the base year; and how much of those imports
the members' lines are.

`national` holds one source and one value basis (dashboard.model_queries picks it): the
members' values are compared with it, never added to it. A line or a total above the
national figure gets a warning naming both figures; nothing is dropped or changed.
"""

from __future__ import annotations

import pandas as pd

from exposure.upload_messages import NOTE, SHOWN_PER_KIND, WARNING, UploadMessage, more_of_a_kind

NATIONAL_COLUMNS = ["partner_iso3", "hs6", "value_usd", "source", "value_basis", "year"]
SHARE_COLUMNS = [
    "hs6",
    "origin_iso3",
    "origin",
    "lines",
    "members_value_usd",
    "national_value_usd",
    "members_share",
    "national_figure",
]


def _usd(value: float) -> str:
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"${value / size:,.2f} {word}"
    return f"${value:,.0f}"


def _figure(n: pd.Series | dict) -> str:
    return f"{n['source']}, {n['value_basis']} value"


def line_checks(
    result: pd.DataFrame, national: pd.DataFrame, names: dict[str, str]
) -> list[UploadMessage]:
    """A warning for each line whose value is above all US imports of its HS6 from its
    origin in the base year (the first few in full, then a count), and a note naming the
    origins the warehouse has no HS6 figures for."""
    if result.empty or national.empty:
        return []
    year = int(national["year"].iloc[0])
    first = national.iloc[0]
    covered = result[(result["mapping_status"] == "mapped") & result["hs6"].notna()]
    partners = set(national["partner_iso3"])
    checked = covered[covered["origin_iso3"].isin(partners)]
    merged = checked.merge(
        national[["partner_iso3", "hs6", "value_usd"]],
        left_on=["origin_iso3", "hs6"],
        right_on=["partner_iso3", "hs6"],
        how="left",
    )
    national_value = merged["value_usd"].fillna(0.0)
    above = merged[merged["annual_value_usd"] > national_value].sort_values("row")
    out = []
    for _, r in above.head(SHOWN_PER_KIND).iterrows():
        name = names.get(r["origin_iso3"], r["origin_iso3"])
        if pd.isna(r["value_usd"]):
            said = (
                f"annual value {_usd(r['annual_value_usd'])} but no US imports of HS {r['hs6']} "
                f"from {name} are recorded in {year} ({_figure(first)}); a code new in HS "
                "2022 has no figure before 2022: check the code and the value"
            )
        else:
            said = (
                f"annual value {_usd(r['annual_value_usd'])} is more than all US imports of HS "
                f"{r['hs6']} from {name} in {year} ({_usd(r['value_usd'])}, "
                f"{_figure(first)}): check the value and its units"
            )
        out.append(UploadMessage(int(r["row"]), "annual_value_usd", said, WARNING))
    if len(above) > SHOWN_PER_KIND:
        what = f"a value above all US imports of its HS6 from its origin in {year}"
        out.append(more_of_a_kind(len(above) - SHOWN_PER_KIND, "annual_value_usd", what, WARNING))
    unchecked = sorted(set(covered["origin_iso3"]) - partners)
    if unchecked:
        listed = ", ".join(names.get(c, c) for c in unchecked[:12])
        more = f" and {len(unchecked) - 12} more" if len(unchecked) > 12 else ""
        out.append(
            UploadMessage(
                None,
                "annual_value_usd",
                f"Not checked against national figures: the warehouse has no HS6 imports by "
                f"origin for {listed}{more} in {year}.",
                NOTE,
            )
        )
    return out


def origin_checks(
    result: pd.DataFrame, national_groups: pd.DataFrame, names: dict[str, str]
) -> list[UploadMessage]:
    """A warning for each origin whose covered lines add up to more than all US imports of
    the covered products from it in the base year."""
    if result.empty or national_groups.empty:
        return []
    year = int(national_groups["year"].iloc[0])
    first = national_groups.iloc[0]
    covered = result[result["mapping_status"] == "mapped"]
    totals = covered.groupby("origin_iso3", as_index=False)["annual_value_usd"].sum()
    merged = totals.merge(national_groups, left_on="origin_iso3", right_on="partner_iso3")
    out = []
    for _, r in merged[merged["annual_value_usd"] > merged["value_usd"]].iterrows():
        name = names.get(r["origin_iso3"], r["origin_iso3"])
        out.append(
            UploadMessage(
                None,
                "annual_value_usd",
                f"The file's lines of covered products from {name} add up to "
                f"{_usd(r['annual_value_usd'])}, more than all US imports of the covered "
                f"products from {name} in {year} ({_usd(r['value_usd'])}, {_figure(first)}): "
                "check the values and their units.",
                WARNING,
            )
        )
    return out


def members_share(
    result: pd.DataFrame, national: pd.DataFrame, names: dict[str, str]
) -> pd.DataFrame:
    """The members' lines by HS6 and origin beside national US imports of the same HS6 from
    the same origin in the base year, and the members' share of them."""
    covered = result[(result["mapping_status"] == "mapped") & result["hs6"].notna()]
    if covered.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    members = covered.groupby(["hs6", "origin_iso3"], as_index=False).agg(
        lines=("annual_value_usd", "size"), members_value_usd=("annual_value_usd", "sum")
    )
    if national.empty:
        members["national_value_usd"] = float("nan")
        members["national_figure"] = "no national figures in the warehouse"
    else:
        first = national.iloc[0]
        members = members.merge(
            national[["partner_iso3", "hs6", "value_usd"]].rename(
                columns={"partner_iso3": "origin_iso3", "value_usd": "national_value_usd"}
            ),
            on=["hs6", "origin_iso3"],
            how="left",
        )
        partners = set(national["partner_iso3"])
        members["national_figure"] = members["origin_iso3"].map(
            lambda c: (
                f"{int(first['year'])}, {_figure(first)}"
                if c in partners
                else "no HS6 figures for this origin"
            )
        )
    members["members_share"] = members["members_value_usd"] / members["national_value_usd"].where(
        members["national_value_usd"] > 0
    )
    members["origin"] = members["origin_iso3"].map(lambda c: names.get(c, c))
    members = members.sort_values("members_value_usd", ascending=False, ignore_index=True)
    return members[SHARE_COLUMNS]
