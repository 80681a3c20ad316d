"""The Overview: the WRO's scope in CBP's words, the latest UFLPA enforcement totals CBP
published, US imports from China by WRO product group in the last year before the WRO
against the latest year, and the timeline."""

import pandas as pd

from dashboard import charts, queries, text
from dashboard import enforcement_view as enforcement
from dashboard.blocks import Chart, Links, Metric, Note, Prose, Row
from dashboard.navigation import PAGES
from dashboard.page import Page, Section
from dashboard.render import source_line
from exposure.domain import COTTON_GROUPS, TOMATO_GROUPS, WRO_YEAR

LAST_PRE_WRO_YEAR = WRO_YEAR - 1  # the WRO took effect on 13 January 2021
SCOPE_QUOTES = ("WRO-05", "WRO-06", "WRO-07")


def page() -> Page:
    return Page(
        title="WRO Trade Monitor",
        intro="overview/intro.md",
        data=("comtrade_annual",),
        sections=lambda: [
            Section("What the WRO is", scope),
            Section("What CBP reported stopping under the UFLPA", uflpa_totals),
            Section(
                f"US imports from China: {LAST_PRE_WRO_YEAR} against {latest_year()}",
                groups,
                ("groups",),
            ),
            Section("Timeline", timeline, ("timeline",)),
            Section("Explore", explore),
        ],
    )


def latest_year() -> int:
    return int(queries.year_bounds("comtrade").iloc[0]["last_year"])


def quote(figure) -> Note:
    """A cited reference figure: visibly a quotation, not a statistical series."""
    # Verbatim, as transcribed (some quotes carry their own quotation marks).
    return Note(
        f"> {figure.quote}  \n> — *{figure.source_name}*, {figure.publication_date} "
        f"([link]({figure.url})) · reference figure `{figure.figure_id}`",
        "markdown",
    )


def figures_by_id(ids) -> dict:
    return {r.figure_id: r for r in queries.ref_figures(tuple(ids)).itertuples()}


def scope() -> list:
    by_id = figures_by_id(SCOPE_QUOTES)
    return [Prose("overview/scope.md")] + [quote(by_id[i]) for i in SCOPE_QUOTES if i in by_id]


def uflpa_totals() -> list:
    """The latest published UFLPA totals, each with its date, words and source."""
    totals = queries.uflpa_latest_totals()
    metrics = enforcement.latest_metrics(totals)
    if not metrics:
        return [Note("The warehouse has no published UFLPA figures.", "info")]
    return [
        Row(
            [[Metric(label, value)] for label, value in metrics], widths=[1, 1.3, 1][: len(metrics)]
        ),
        Note(enforcement.latest_note(totals), "caption"),
        Links([("pages/enforcement.py", "Enforcement: every published figure, beside trade")]),
    ]


def china_totals(latest: int) -> pd.DataFrame:
    years = (LAST_PRE_WRO_YEAR, latest)
    return pd.concat(
        [queries.china_group_totals("cotton", years), queries.china_group_totals("tomato", years)],
        ignore_index=True,
    )


def headline(label: str, totals, groups, latest: int) -> Metric:
    part = totals[totals["product_group"].isin(groups)]
    before = part.loc[part["year"] == LAST_PRE_WRO_YEAR, "value_usd"].sum(min_count=1)
    after = part.loc[part["year"] == latest, "value_usd"].sum(min_count=1)
    return Metric(
        f"{label}: {latest} (vs {LAST_PRE_WRO_YEAR})",
        text.usd(after),
        delta=f"{text.pct_change(before, after)} from {text.usd(before)}",
    )


def groups() -> list:
    latest = latest_year()
    totals = china_totals(latest)
    source = source_line(totals["datasets"])
    by_id = figures_by_id(("WRO-01",))
    table = totals.pivot_table(
        index="product_group_label", columns="year", values="value_usd", sort=False
    ).reset_index()
    table.columns = [str(c) for c in table.columns]
    summary = "; ".join(
        f"{r.product_group_label}: {text.usd(r[str(LAST_PRE_WRO_YEAR)])} in "
        f"{LAST_PRE_WRO_YEAR}, {text.usd(r[str(latest)])} in {latest}"
        for _, r in table.iterrows()
    )
    fig = charts.group_change_chart(
        totals,
        base_year=LAST_PRE_WRO_YEAR,
        latest_year=latest,
        title="US imports from China by WRO product group",
        subtitle=f"{LAST_PRE_WRO_YEAR} (last year before the WRO) and {latest}",
        source=source,
    )
    return [
        Row(
            [
                [headline("Cotton products", totals, COTTON_GROUPS, latest)],
                [headline("Tomato products", totals, TOMATO_GROUPS, latest)],
            ]
        ),
        Prose("overview/headline_note.md", kind="caption"),
        Note(source, "caption"),
        *[quote(by_id[i]) for i in ("WRO-01",) if i in by_id],
        Chart("groups", fig, totals, summary + ".", table=table),
    ]


def timeline() -> list:
    ev = queries.events()
    fig = charts.events_timeline_chart(
        ev,
        title="From the first Xinjiang WROs to the UFLPA",
        # " | " breaks the line: one event's source a line, so none is cut off.
        source="Source: " + " | ".join(f"{r.label}: {r.source_ref}" for r in ev.itertuples()),
    )
    summary = "; ".join(f"{r.event_date:%d %b %Y}: {r.label}" for r in ev.itertuples())
    return [Chart("timeline", fig, ev, summary + ".")]


def explore() -> list:
    return [Links(list(PAGES.items())[1:])]
