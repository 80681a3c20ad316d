"""The WRO impact page's backtest and published estimates, as pure functions: the errors
of the projection against actual imports, and the published estimates beside them (quoted,
never charted). No st.* calls."""

import pandas as pd

from dashboard import theme
from dashboard.impact_view import AGGREGATE_COLOUR, CHINA
from dashboard.text import md
from exposure.assumptions import SCENARIO_LEVELS
from exposure.backtest import ALL_PARTNERS, THIRD_COUNTRIES

BT_SCOPES = {
    CHINA: "China",
    "VNM": "Vietnam",
    "MEX": "Mexico",
    THIRD_COUNTRIES: "Third countries (Vietnam and Mexico)",
    ALL_PARTNERS: "All partners in the data",
}
YEAR_BY_YEAR_USD = (
    "projected (USD)",
    "no-WRO counterfactual (USD)",
    "actual (USD)",
    "error (USD)",
)


def scope_colour(scope: str) -> str:
    return theme.partner_colour(scope) if scope in theme.PARTNER_COLOURS else AGGREGATE_COLOUR


def backtest_errors(bt, scope: str, labels: dict, order: dict) -> pd.DataFrame:
    """The backtest's mean errors for one set of partners, with group labels, in the
    groups' order."""
    mape = bt.mape[bt.mape["partners"] == scope].copy()
    mape["product_group_label"] = mape["product_group"].map(labels)
    mape["sort_order"] = mape["product_group"].map(order)
    return mape.sort_values("sort_order", ignore_index=True)


def backtest_summary(mape: pd.DataFrame, scope: str) -> str:
    beats = mape[mape["mape_pct"] < mape["counterfactual_mape_pct"]]
    return (
        f"{BT_SCOPES[scope]}: the projection has a smaller mean error than the no-WRO "
        f"counterfactual for {len(beats)} of {len(mape)} product groups. "
        + "; ".join(
            f"{r['product_group_label']} {r['mape_pct']:.1f}% (counterfactual "
            f"{r['counterfactual_mape_pct']:.1f}%)"
            for _, r in mape.sort_values("sort_order").iterrows()
        )
        + "."
    )


def backtest_table(mape: pd.DataFrame, defaults: pd.DataFrame, scope: str) -> pd.DataFrame:
    """This run's errors by group beside the default scenarios' (`defaults`: the default
    scenarios' backtest mape), rounded as shown."""
    defaults = defaults[defaults["partners"] == scope].pivot_table(
        index="product_group", columns="scenario", values="mape_pct"
    )
    return pd.DataFrame(
        {
            "product group": mape["product_group_label"],
            "this run": mape["mape_pct"].round(1),
            **{
                f"{lvl} default": mape["product_group"].map(defaults.get(lvl)).round(1)
                for lvl in SCENARIO_LEVELS
                if lvl in defaults
            },
            "no-WRO counterfactual": mape["counterfactual_mape_pct"].round(1),
            "years compared": mape["n"],
            "years with no trade": mape["n_zero_actual"],
        }
    )


def year_by_year(comparison: pd.DataFrame, scope: str, labels: dict) -> pd.DataFrame:
    """Projected, counterfactual and actual imports with the errors, for one set of
    partners."""
    comp = comparison
    if scope == THIRD_COUNTRIES:
        comp = comp[comp["partner_iso3"] != CHINA]
    elif scope != ALL_PARTNERS:
        comp = comp[comp["partner_iso3"] == scope]
    return pd.DataFrame(
        {
            "product group": comp["product_group"].map(labels),
            "partner": comp["partner_iso3"],
            "year": comp["year"],
            "projected (USD)": comp["projected_usd"],
            "no-WRO counterfactual (USD)": comp["counterfactual_usd"],
            "actual (USD)": comp["actual_usd"],
            "error (USD)": comp["error_usd"],
            "error (%)": comp["pct_error"].round(1),
            "counterfactual error (%)": comp["counterfactual_pct_error"].round(1),
        }
    )


# --- published estimates -------------------------------------------------------------------


def published_quotes(published: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Each distinct published quote as Markdown (quote, source, date, link, figure ids),
    with the ids of the figures transcribed from it."""
    out = []
    seen = set()
    for _, fig in published.sort_values("figure_id").iterrows():
        if fig["quote"] in seen:
            continue
        seen.add(fig["quote"])
        same = list(published.loc[published["quote"] == fig["quote"], "figure_id"])
        url = fig["url"]
        link = f" ([link]({url}))" if isinstance(url, str) and url else ""
        when = fig["publication_date"]
        when = when if isinstance(when, str) and when else "undated"
        out.append(
            (
                f"> {md(fig['quote'])}  \n> — *{md(fig['source_name'])}*, {when}{link} · "
                f"reference figure{'s' if len(same) > 1 else ''} "
                + ", ".join(f"`{i}`" for i in same),
                same,
            )
        )
    return out


def reference_lines(ref: pd.DataFrame) -> str:
    """'Beside it' lines for one quote: the model's and the data's numbers, by year."""
    if ref.empty:
        return ""
    lines = []
    model = ref.dropna(subset=["model_value"])
    if not model.empty:
        lines.append(
            "Model, this run (China's three cotton groups, projection vs the no-WRO "
            "counterfactual): "
            + ", ".join(f"{int(r['year'])} {r['model_value']:+.1f}%" for _, r in model.iterrows())
        )
    data = ref.dropna(subset=["data_value"])
    if not data.empty:
        what = (
            "actual vs the base year, all causes"
            if ref["figure_id"].iloc[0] == "PUB-01"
            else "China's share of US apparel imports, HS 61+62, all fibres, from the World"
        )
        lines.append(
            f"Trade data, UN Comtrade CIF ({what}): "
            + ", ".join(
                f"{int(r['year'])} {r['data_value']:{'+' if what.startswith('actual') else ''}.1f}%"
                for _, r in data.iterrows()
            )
        )
    lines.append(f"Why they differ: {ref['comparison_note'].iloc[0]}")
    missing = ref[ref["data_value"].isna() & ref["model_value"].isna()]
    for _, r in missing.iterrows():
        lines.append(f"{int(r['year'])}: {r['comparison_note']}")
    return "\n".join(f"- {md(line)}" for line in lines)


def reference_table(ref: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "figure": ref["figure_id"],
            "year": ref["year"],
            "published (%)": ref["published_value"],
            "model, this run (%)": ref["model_value"].round(1),
            "trade data (%)": ref["data_value"].round(1),
            "what each number is": ref["comparison_note"],
        }
    )
