"""What the WRO impact page shows, as pure functions: the frames, summaries and tables
beside each chart, and the assumptions behind each result in words. No st.* calls.
"""

from __future__ import annotations

import textwrap

import pandas as pd

import exposure
from dashboard import text, theme
from dashboard.suppliers_view import CHART_LINES, OTHER_CHOSEN
from dashboard.text import md
from exposure.assumptions import ASSUMPTION, USER
from exposure.backtest import actual_values
from exposure.domain import (
    CHINA,
    COTTON_FAMILY,
    COTTON_GROUPS,
    PRODUCT_GROUPS,
    TOMATO_GROUPS,
)

BASIS_WORDS = text.BASIS_WORDS["CIF"]  # the model runs on Comtrade's CIF values
ALL = "ALL"
AGGREGATE_COLOUR = "#333333"  # a sum over partners has no partner's colour

BASE_YEARS = {2019: "2019", 2020: "2020"}
COUNTERFACTUALS = {"constant": "Base year held constant", "trend": "2015-2019 trend"}
DEFAULTS = {
    "impact_base_year": 2019,
    "impact_scenario": "central",
    "impact_counterfactual": "constant",
}
DEFAULT_GROUP = "cotton_apparel"
THIS_RUN = "this run"

PARAMETER_WORDS = {
    "xinjiang_share": "Xinjiang share",
    "covered_content": "Covered content",
    "indirect_reliance": "Third-country reliance",
    "in_data_capture": "Replacement won by partners in the data",
    "enforcement": "Enforcement",
    "uflpa_uplift": "UFLPA uplift",
    "substitution": "Substitution",
    "ramp": "Take-up (ramp)",
    "trend_growth": "Counterfactual trend",
}
BASIS_HELP = (
    "'sourced': a cited figure as printed; 'derived from cited figures': arithmetic on "
    "cited figures; 'computed from the trade data': arithmetic on warehouse values; "
    "'definition': follows from the product group; 'assumption': no source, change it "
    "freely; 'set by the user': changed here (the note keeps the default)."
)
# The assumptions each result used, shown beside it.
PROJECTION_ASSUMPTIONS = (
    "xinjiang_share", "covered_content", "indirect_reliance", "enforcement", "uflpa_uplift",
    "ramp", "substitution", "in_data_capture", "trend_growth",
)  # fmt: skip
AT_RISK_ASSUMPTIONS = (
    "xinjiang_share", "covered_content", "indirect_reliance", "enforcement", "uflpa_uplift",
)  # fmt: skip


def changed_text(scenario: exposure.Scenario, labels: dict[str, str]) -> str:
    """The parameters set by the user, in words ('' when none)."""
    return "; ".join(
        f"{PARAMETER_WORDS.get(a.name, a.name)} ({scope_text(a.scope, labels)}) {a.value:.1%}"
        for a in scenario.assumptions
        if a.label == USER
    )


# --- frames and text beside the charts -----------------------------------------------------


def column_map(df: pd.DataFrame, key: str, value: str) -> dict:
    """{key: value} over a frame's rows (e.g. product group -> its label); the last row of
    a key wins."""
    pairs = df[[key, value]].drop_duplicates(key, keep="last")
    return dict(zip(pairs[key], pairs[value], strict=True))


def chart_source(source: str) -> str:
    """The source line for a chart in a half-width column, in short lines. The breaks are
    <br>, for the screen only: exports read the line whole (charts.source_text)."""
    parts = source.split("; ")
    return ";<br>".join("<br>".join(textwrap.wrap(part, width=64)) for part in parts)


def headline_figures(result) -> dict:
    """Trade at risk in all, direct (China) and indirect, and the net change in the last
    projected year."""
    at_risk = result.at_risk
    last = int(result.totals["year"].max())
    return {
        "total": at_risk["at_risk_value_usd"].sum(),
        "direct": at_risk.loc[at_risk["channel"] == "direct", "at_risk_value_usd"].sum(),
        "indirect": at_risk.loc[at_risk["channel"] == "indirect", "at_risk_value_usd"].sum(),
        "last": last,
        "net": result.totals.loc[
            result.totals["year"] == last, "net_change_all_partners_usd"
        ].sum(),
    }


def partner_choices(in_group: pd.DataFrame, names: dict[str, str]) -> dict[str, str]:
    """The partners with imports of a group, China first, then every partner together."""
    partners = {
        p: names.get(p, p)
        for p in sorted(set(in_group["partner_iso3"]), key=lambda p: (p != CHINA, p))
    }
    partners[ALL] = "All partners in the data"
    return partners


def partner_colour(partner: str) -> str:
    return theme.partner_colour(partner) if partner != ALL else AGGREGATE_COLOUR


def projection_frame(
    imports: pd.DataFrame, path: pd.DataFrame, group: str, partners: list[str]
) -> pd.DataFrame:
    """Actual imports, the no-WRO counterfactual and the projection by year, summed over
    `partners`."""
    path = path[(path["product_group"] == group) & path["partner_iso3"].isin(partners)]
    years = sorted(set(imports["year"].astype(int)))
    actual = actual_values(imports, years)
    actual = actual[(actual["product_group"] == group) & actual["partner_iso3"].isin(partners)]
    return (
        actual.groupby("year", as_index=False)["actual_usd"]
        .sum(min_count=1)
        .merge(
            path.groupby("year", as_index=False)[["counterfactual_usd", "projected_usd"]].sum(),
            on="year",
            how="outer",
        )
        .sort_values("year", ignore_index=True)
    )


def projection_table(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(
        columns={
            "actual_usd": "actual imports (USD, CIF)",
            "counterfactual_usd": "no-WRO counterfactual (USD, CIF)",
            "projected_usd": "model projection (USD, CIF)",
        }
    )


def counterfactual_words(
    result, counterfactual: str, partners: list[str], group: str, names: dict[str, str]
) -> str:
    """The counterfactual as the projection's subtitle names it, saying when the trend
    could not be fitted for the partners shown (too few years of trade: held constant)."""
    words = COUNTERFACTUALS[counterfactual].lower()
    if counterfactual != "trend":
        return words
    flat = [
        names.get(a.scope.split(":")[0], a.scope.split(":")[0])
        for a in result.assumptions
        if a.name == "trend_growth"
        and a.scope in {f"{p}:{group}" for p in partners}
        and exposure.model.NO_TREND in a.note
    ]
    if not flat:
        return words
    return f"{words} (held constant for {', '.join(flat)}: too few years of trade to fit)"


def projection_summary(df: pd.DataFrame, partner: str, group: str, base_year: int) -> str:
    proj = df.dropna(subset=["projected_usd"])
    if proj.empty:
        return f"No projection for {group} from {partner}."
    last = proj.iloc[-1]
    year = int(last["year"])
    base = df.loc[df["year"] == base_year, "actual_usd"].sum()
    actual = last["actual_usd"]
    # Comtrade publishes no zero flows: a year the partner reports other groups but not
    # this one is drawn as 0 (exposure.backtest.actual_values). Say so.
    zeros = [str(int(y)) for y in df.loc[df["actual_usd"] == 0, "year"]]
    zero_note = (
        f" Years with no Comtrade row for this group and partner ({', '.join(zeros)}) are "
        "drawn as 0: Comtrade leaves out flows with no recorded trade."
        if zeros
        else ""
    )
    return (
        f"{group} from {partner}: {text.usd(base)} in {base_year}. In {year} the model "
        f"projects {text.usd(last['projected_usd'])} against a no-WRO counterfactual of "
        f"{text.usd(last['counterfactual_usd'])} "
        f"({text.pct_change(last['counterfactual_usd'], last['projected_usd'])}); actual "
        f"imports were {text.usd(actual)}." + zero_note
    )


def at_risk_frame(result, imports: pd.DataFrame, labels: dict, names: dict) -> pd.DataFrame:
    """Trade at risk by group and partner, with the group's label and order and the
    partner's name."""
    df = result.at_risk.copy()
    df["product_group_label"] = df["product_group"].map(labels)
    order = column_map(imports, "product_group", "sort_order")
    df["sort_order"] = df["product_group"].map(order)
    df["partner"] = df["partner_iso3"].map(lambda p: names.get(p, p))
    return df


def at_risk_chart_frame(df: pd.DataFrame, lines: int = CHART_LINES) -> pd.DataFrame:
    """The at-risk frame as the chart stacks it: China and the partners with the most trade
    at risk, at most `lines` in all, the rest summed per product group into one "all other
    partners" bar. The table and the downloads keep every partner."""
    totals = df.groupby("partner_iso3")["at_risk_value_usd"].sum()
    if len(totals) <= lines:
        return df
    others = totals.drop(CHINA, errors="ignore").sort_values(ascending=False, kind="stable")
    kept = ([CHINA] if CHINA in totals.index else []) + list(others.index)
    shown = kept[: lines - 1]
    rest = df[~df["partner_iso3"].isin(shown)]
    merged = rest.groupby(["product_group_label", "sort_order"], as_index=False)[
        "at_risk_value_usd"
    ].sum()
    merged["partner_iso3"] = OTHER_CHOSEN
    merged["partner"] = f"All other partners ({rest['partner_iso3'].nunique()})"
    return pd.concat([df[df["partner_iso3"].isin(shown)], merged], ignore_index=True)


def at_risk_summary(df: pd.DataFrame, base: int) -> str:
    by_group = df.groupby("product_group_label", sort=False)["at_risk_value_usd"].sum()
    top = by_group.sort_values(ascending=False).head(3)
    return (
        f"Trade at risk in {base} values, {text.usd(df['at_risk_value_usd'].sum())} in all: "
        + "; ".join(f"{g} {text.usd(v)}" for g, v in top.items())
        + ". China's share of it: "
        + text.share(
            df.loc[df["partner_iso3"] == CHINA, "at_risk_value_usd"].sum()
            / max(df["at_risk_value_usd"].sum(), 1e-9)
        )
        + "."
    )


def at_risk_table(df: pd.DataFrame) -> pd.DataFrame:
    return df[
        [
            "product_group_label", "partner", "channel", "base_value_usd", "exposure_share",
            "exposed_value_usd", "enforcement", "at_risk_value_usd",
        ]
    ].sort_values(["product_group_label", "partner"])  # fmt: skip


# --- assumptions ---------------------------------------------------------------------------


def value_text(row) -> str:
    if row["name"] == "trend_growth":
        return f"{row['value'] * 100:+.2f}% a year"
    return f"{row['value'] * 100:.4g}%"


GROUP_SETS = {
    frozenset(PRODUCT_GROUPS): "all groups",
    frozenset(COTTON_FAMILY): "cotton and other textiles",
    frozenset(COTTON_GROUPS): "the three cotton groups",
    frozenset(TOMATO_GROUPS): "the three tomato groups",
    frozenset(COTTON_GROUPS + TOMATO_GROUPS): "cotton and tomato groups",
}


def beside_rows(frame: pd.DataFrame, names: tuple[str, ...], groups) -> pd.DataFrame:
    """The assumptions named `names` that apply to all groups, to one of `groups`, or to a
    year (ramp)."""
    rows = frame[frame["name"].isin(names)]
    scope_group = rows["scope"].str.split(":").str[-1]
    return rows[(rows["scope"] == "") | scope_group.isin(groups) | (rows["name"] == "ramp")]


def unsourced(rows: pd.DataFrame) -> int:
    """How many values have no source or were set by the user."""
    return int(rows["label"].isin([ASSUMPTION, USER]).sum())


def compact(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Parameter (and what it applies to), value and basis (label and source ids), one row
    per distinct value: groups sharing a value and its basis are listed together."""
    rows = []
    keys = ["name", "value", "label", "source_ids"]
    for (name, _, label, ids), block in frame.groupby(keys, sort=False):
        first = block.iloc[0]
        basis = f"**{label}**" if label in (ASSUMPTION, USER) else md(label)
        scopes = md(scopes_text(list(block["scope"]), labels))
        rows.append(
            {
                "parameter": f"{PARAMETER_WORDS.get(name, name)} ({scopes})",
                "value": value_text(first),
                "basis": basis + (f": {breakable(md(ids))}" if ids else ""),
            }
        )
    return pd.DataFrame(rows, columns=["parameter", "value", "basis"])


def breakable(ids: str) -> str:
    """Source ids with break opportunities, so a narrow table column can wrap them."""
    return ids.replace(":", ":\u200b").replace("_", "_\u200b")


def scopes_text(scopes: list[str], labels: dict[str, str]) -> str:
    if scopes == [""]:
        return "all groups"
    named = GROUP_SETS.get(frozenset(scopes)) if len(scopes) > 1 else None
    return named or "; ".join(scope_text(s, labels) for s in scopes)


def scope_text(scope: str, labels: dict[str, str]) -> str:
    if not scope:
        return "all groups"
    if ":" in scope:
        partner, group = scope.split(":", 1)
        return f"{partner}, {labels.get(group, group)}"
    return labels.get(scope, scope)


def assumptions_table(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Every assumption of a run: the parameter and what it applies to in words, the value
    as shown, and its unit, basis, source ids, quote and note."""
    table = frame.assign(
        parameter=[PARAMETER_WORDS.get(n, n) for n in frame["name"]],
        applies_to=[scope_text(s, labels) for s in frame["scope"]],
        shown=[value_text(r) for _, r in frame.iterrows()],
    )[["parameter", "applies_to", "shown", "value", "unit", "label", "source_ids", "quote", "note"]]
    return table.rename(columns={"applies_to": "applies to", "shown": "value (shown)"})


def basis_counts(frame: pd.DataFrame) -> str:
    """'<n> <basis>, ...': how many values rest on each basis."""
    counts = frame["label"].value_counts()
    return ", ".join(f"{n} {label}" for label, n in counts.items())
