"""The UFLPA Entity List's growth as the Enforcement page shows it: notices with a printed
day and a stated total as points, the rest said in words. Pure functions."""

import pandas as pd

from dashboard import text
from dashboard.enforcement_view import day, hover


def entity_frame(notices: pd.DataFrame) -> pd.DataFrame:
    """Notices with a printed day and a stated total, as points."""
    df = notices[notices["notice_date"].notna() & notices["total_stated"].notna()].copy()
    df["series"] = "Entities on the list, as stated"
    df["kind"] = "exact"
    df["label"] = df["total_stated"].astype(int).astype(str)
    df["hover"] = [
        hover(
            f"{day(r.notice_date)}: {r.event}",
            f"{r.total_stated_text} entities on the list; {r.entities_added_text} added",
            "exact",
            r.source_name,
            None,
            r.url,
        )
        for r in df.itertuples()
    ]
    return df


def entity_summary(df: pd.DataFrame, notices: pd.DataFrame) -> str:
    if df.empty:
        return "No notice states the list's size."
    first, last = df.iloc[0], df.iloc[-1]
    undrawn = notices[~notices.index.isin(df.index)]
    words = (
        f"The UFLPA Entity List as sources stated its size: {first.total_stated} entities on "
        f"{day(first.notice_date)}, {last.total_stated} on {day(last.notice_date)} "
        f"({text.plural(len(df), 'stated total')})."
    )
    if not undrawn.empty:
        words += " Not drawn (no single day printed, or no total stated): " + "; ".join(
            f"{r.notice_date_text} ({r.entities_added_text} added"
            + (f", total {r.total_stated_text}" if pd.notna(r.total_stated_text) else "")
            + ")"
            for r in undrawn.itertuples()
        )
        words += "."
    return words


def entity_table(notices: pd.DataFrame) -> pd.DataFrame:
    return notices[
        ["notice_date_text", "event", "entities_added_text", "total_stated_text", "source_name",
         "url", "notes"]
    ].rename(
        columns={
            "notice_date_text": "date (as printed)",
            "entities_added_text": "entities added",
            "total_stated_text": "total on the list, as stated",
            "source_name": "source",
        }
    )  # fmt: skip
