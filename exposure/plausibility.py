"""Are the uploaded values plausible? Each line and each origin's total against the
national US imports the warehouse holds for the base year; and how much of those imports
the members' lines are.

`national` holds one source and one value basis (dashboard.model_queries picks it): the
members' values are compared with it, never added to it. A line or a total above the
national figure gets a warning naming both figures; nothing is dropped or changed.
"""

from __future__ import annotations

import pandas as pd

from exposure.upload_messages import (
    NOTE,
    SHOWN_PER_KIND,
    WARNING,
    UploadMessage,
    more_of_a_kind,
)

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
    label = n.get("source_label") if hasattr(n, "get") else None
    return f"{label if isinstance(label, str) and label else n['source']}, {n['value_basis']} value"


def _names(codes, names: dict[str, str]) -> str:
    words = [names.get(c, c) for c in sorted(codes)]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def _covered(result: pd.DataFrame) -> pd.DataFrame:
    """The lines of covered products, with only the columns the checks read."""
    columns = result[["row", "hs6", "origin_iso3", "annual_value_usd"]]
    return columns[(result["mapping_status"] == "mapped").to_numpy() & result["hs6"].notna()]


def line_checks(
    result: pd.DataFrame,
    national: pd.DataFrame,
    national_groups: pd.DataFrame,
    names: dict[str, str],
) -> list[UploadMessage]:
    """A warning for each line whose value is above all US imports of its HS6 from its
    origin in the base year. Where the warehouse has no HS6 figures for the origin, the
    bound is all US imports of the covered products from the origins it has, together.
    The first few lines of each kind in full, then a count."""
    if result.empty or national.empty:
        return []
    year = int(national["year"].iloc[0])
    covered = _covered(result)
    partners = set(national["partner_iso3"])
    merged = covered[covered["origin_iso3"].isin(partners)].merge(
        national[["partner_iso3", "hs6", "value_usd"]],
        left_on=["origin_iso3", "hs6"],
        right_on=["partner_iso3", "hs6"],
        how="left",
    )
    above = merged[merged["annual_value_usd"] > merged["value_usd"].fillna(0.0)]
    figure = _figure(national.iloc[0])

    def by_hs6(r) -> str:
        name = names.get(r["origin_iso3"], r["origin_iso3"])
        if pd.isna(r["value_usd"]):
            return (
                f"annual value {_usd(r['annual_value_usd'])} but no US imports of HS {r['hs6']} "
                f"from {name} are recorded in {year} ({figure}); a code new in HS 2022 has no "
                "figure before 2022: check the code and the value"
            )
        return (
            f"annual value {_usd(r['annual_value_usd'])} is more than all US imports of HS "
            f"{r['hs6']} from {name} in {year} ({_usd(r['value_usd'])}, {figure}): check the "
            "value and its units"
        )

    out = _listed(
        above, by_hs6, f"a value above all US imports of its HS6 from its origin in {year}"
    )
    others = covered[~covered["origin_iso3"].isin(partners)]
    if not others.empty and not national_groups.empty:
        bound = float(national_groups["value_usd"].sum())
        together = _names(national_groups["partner_iso3"], names)
        groups_figure = _figure(national_groups.iloc[0])

        def by_all(r) -> str:
            name = names.get(r["origin_iso3"], r["origin_iso3"])
            return (
                f"annual value {_usd(r['annual_value_usd'])} is more than all US imports of the "
                f"covered products from {together} together in {year} ({_usd(bound)}, "
                f"{groups_figure}); the warehouse has no HS6 figures for {name}: check the "
                "value and its units"
            )

        what = f"a value above US imports of the covered products from {together} in {year}"
        out += _listed(others[others["annual_value_usd"] > bound], by_all, what)
        unchecked = sorted(others["origin_iso3"].unique())
        out.append(
            UploadMessage(
                None,
                "annual_value_usd",
                f"Lines from {_names(unchecked[:12], names)}"
                f"{f' and {len(unchecked) - 12} more' if len(unchecked) > 12 else ''} checked "
                f"only against all US imports of the covered products from {together} in "
                f"{year}: the warehouse has no HS6 imports by origin for them.",
                NOTE,
            )
        )
    return out


def _listed(rows: pd.DataFrame, says, what: str) -> list[UploadMessage]:
    rows = rows.sort_values("row")
    out = [
        UploadMessage(int(r["row"]), "annual_value_usd", says(r), WARNING)
        for _, r in rows.head(SHOWN_PER_KIND).iterrows()
    ]
    if len(rows) > SHOWN_PER_KIND:
        out.append(more_of_a_kind(len(rows) - SHOWN_PER_KIND, "annual_value_usd", what, WARNING))
    return out


def origin_checks(
    result: pd.DataFrame, national_groups: pd.DataFrame, names: dict[str, str]
) -> list[UploadMessage]:
    """A warning for each origin whose covered lines add up to more than all US imports of
    the covered products from it in the base year (from the origins the warehouse has
    together, for the others)."""
    if result.empty or national_groups.empty:
        return []
    year = int(national_groups["year"].iloc[0])
    figure = _figure(national_groups.iloc[0])
    mapped = result.loc[result["mapping_status"] == "mapped", ["origin_iso3", "annual_value_usd"]]
    totals = mapped.groupby("origin_iso3", as_index=False)["annual_value_usd"].sum()
    bounds = dict(zip(national_groups["partner_iso3"], national_groups["value_usd"], strict=True))
    together = _names(bounds, names)
    out = []
    for origin, total in zip(totals["origin_iso3"], totals["annual_value_usd"], strict=True):
        name = names.get(origin, origin)
        bound = bounds.get(origin, sum(bounds.values()))
        if total <= bound:
            continue
        whose = name if origin in bounds else f"{together} together"
        out.append(
            UploadMessage(
                None,
                "annual_value_usd",
                f"The file's lines of covered products from {name} add up to {_usd(total)}, "
                f"more than all US imports of the covered products from {whose} in {year} "
                f"({_usd(bound)}, {figure}): check the values and their units.",
                WARNING,
            )
        )
    return out


def members_share(
    result: pd.DataFrame, national: pd.DataFrame, names: dict[str, str]
) -> pd.DataFrame:
    """The members' lines by HS6 and origin beside national US imports of the same HS6 from
    the same origin in the base year, and the members' share of them where the national
    figure is a customs value, like the entered values (none beside a CIF figure)."""
    covered = _covered(result)
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
    # Entered values are customs value: a share only of a customs-value national figure,
    # never of a CIF one (the two bases are never divided one by the other).
    customs = not national.empty and (national["value_basis"] == "customs").all()
    national_value = members["national_value_usd"].where(members["national_value_usd"] > 0)
    members["members_share"] = (
        members["members_value_usd"] / national_value if customs else float("nan")
    )
    members["origin"] = members["origin_iso3"].map(lambda c: names.get(c, c))
    members = members.sort_values("members_value_usd", ascending=False, ignore_index=True)
    return members[SHARE_COLUMNS]
