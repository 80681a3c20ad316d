"""All forced-labor actions by fiscal year and entries targeted by month, as the Enforcement
page shows them: every figure with its words and source. Pure functions."""

import pandas as pd

from dashboard import text
from dashboard.enforcement_view import KIND_WORDS, hover, with_unit


def actions_table(actions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": actions["period_label"],
            "from": actions["period_start"],
            "to (as printed)": actions["period_end_text"],
            "what": actions["metric"],
            "value as printed": [
                with_unit(v, u) for v, u in zip(actions["value_text"], actions["unit"], strict=True)
            ],
            "qualifier (source's words)": actions["qualifier"],
            "reads as": actions["qualifier_kind"].map(KIND_WORDS),
            "what it counts": actions["scope_definition"],
            "source": actions["source_name"],
            "published": actions["publication_date"],
            "url": actions["url"],
            "notes": actions["notes"],
        }
    )


def targeted_frame(targeted: pd.DataFrame) -> pd.DataFrame:
    df = targeted.copy()
    df["series"] = "Entries targeted"
    df["kind"] = "exact"  # the counts are printed without words; the values keep theirs
    df["label"] = ""
    df["hover"] = [
        hover(
            f"{pd.Timestamp(r.month):%b %Y}",
            f"{r.entries_targeted:,} entries targeted, value {r.value_text}",
            "exact",
            r.source_name,
            None,
            r.url,
        )
        for r in df.itertuples()
    ]
    return df


def targeted_summary(df: pd.DataFrame) -> str:
    if df.empty:
        return "No month of entries targeted."
    top = df.loc[df["entries_targeted"].idxmax()]
    low = df.loc[df["entries_targeted"].idxmin()]
    return (
        f"Entries targeted for suspected forced labor in {text.plural(len(df), 'month')} from "
        f"{pd.Timestamp(df['month'].min()):%b %Y} to {pd.Timestamp(df['month'].max()):%b %Y} "
        f"(not every month is published): most in {pd.Timestamp(top['month']):%b %Y} "
        f"({top['entries_targeted']:,}, {top['value_text']}), fewest in "
        f"{pd.Timestamp(low['month']):%b %Y} ({low['entries_targeted']:,}, {low['value_text']})."
    )


def targeted_table(targeted: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.to_datetime(targeted["month"]).dt.strftime("%Y-%m"),
            "entries targeted": targeted["entries_targeted"],
            "value as printed": targeted["value_text"],
            "value reads as": targeted["qualifier_kind"].map(KIND_WORDS),
            "source": targeted["source_name"],
            "url": targeted["url"],
            "notes": targeted["notes"],
        }
    )
