"""WRO Trade Monitor: entry point and Overview page.

Run with `make run` (or `streamlit run app.py`). The other pages live in pages/;
dashboard.components.page_nav draws the navigation with their titles.
"""

import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, text
from dashboard.components import (
    PAGES,
    chart_block,
    is_embedded,
    page_header,
    page_nav,
    require_warehouse,
    section,
    share_link,
    source_line,
)
from exposure.domain import COTTON_GROUPS, TOMATO_GROUPS, WRO_YEAR

LAST_PRE_WRO_YEAR = WRO_YEAR - 1  # the WRO took effect on 13 January 2021


def quote(figure) -> None:
    """A cited reference figure: visibly a quotation, not a statistical series."""
    # Verbatim, as transcribed (some quotes carry their own quotation marks).
    st.markdown(
        f"> {figure.quote}  \n> — *{figure.source_name}*, {figure.publication_date} "
        f"([link]({figure.url})) · reference figure `{figure.figure_id}`"
    )


def headlines(totals, latest: int, source: str, by_id: dict) -> None:
    cols = st.columns(2)
    with cols[0]:
        headline("Cotton products", totals, COTTON_GROUPS, LAST_PRE_WRO_YEAR, latest)
    with cols[1]:
        headline("Tomato products", totals, TOMATO_GROUPS, LAST_PRE_WRO_YEAR, latest)
    st.caption(
        "Cotton products: cotton fibre, yarn and fabric, cotton apparel and cotton made-ups; "
        "tomato products: fresh, paste and preserved, sauces (vegetable seeds, a proxy for "
        f"tomato seeds, are in the chart below). {source}. UN Comtrade values are CIF; CBP's "
        "own estimate below has no published product definition, so the two are not directly "
        "comparable."
    )
    if "WRO-01" in by_id:
        quote(by_id["WRO-01"])


def wro_scope(by_id: dict) -> None:
    st.markdown(
        "US Customs and Border Protection (CBP) detains, at every US port, cotton and tomato "
        "products from Xinjiang, including goods made with them in third countries. In CBP's "
        "words, as quoted by the press:"
    )
    for fid in ("WRO-05", "WRO-06", "WRO-07"):
        if fid in by_id:
            quote(by_id[fid])


def headline(label: str, totals, groups, base: int, latest: int) -> None:
    part = totals[totals["product_group"].isin(groups)]
    before = part.loc[part["year"] == base, "value_usd"].sum(min_count=1)
    after = part.loc[part["year"] == latest, "value_usd"].sum(min_count=1)
    st.metric(
        f"{label}: {latest} (vs {base})",
        text.usd(after),
        delta=f"{text.pct_change(before, after)} from {text.usd(before)}",
        delta_color="off",
    )


def overview() -> None:
    page_header(
        "WRO Trade Monitor",
        "What the US Withhold Release Order of 13 January 2021 on cotton and tomato products "
        "from China's Xinjiang region did, and may still do, to trade.",
    )
    if not require_warehouse():
        return
    # The Overview has no filters of its own; the sidebar filters the other pages share
    # may ride along in a link without a note.
    filters.check_link_params({key: (lambda _values: True) for key in filters.SHARED_KEYS})

    refs = queries.ref_figures(("WRO-05", "WRO-06", "WRO-07", "WRO-01", "WRO-04", "TOM-03"))
    by_id = {r.figure_id: r for r in refs.itertuples()}
    embedded = is_embedded()
    section("What the WRO is")
    if not embedded:
        wro_scope(by_id)

    bounds = queries.year_bounds("comtrade").iloc[0]
    latest = int(bounds["last_year"])
    totals = china_totals(latest)
    section(f"US imports from China: {LAST_PRE_WRO_YEAR} against {latest}")
    source = source_line(totals["datasets"])
    if not embedded:
        headlines(totals, latest, source, by_id)

    fig = charts.group_change_chart(
        totals,
        base_year=LAST_PRE_WRO_YEAR,
        latest_year=latest,
        title="US imports from China by WRO product group",
        subtitle=f"{LAST_PRE_WRO_YEAR} (last year before the WRO) and {latest}",
        source=source,
    )
    table = totals.pivot_table(
        index="product_group_label", columns="year", values="value_usd", sort=False
    ).reset_index()
    table.columns = [str(c) for c in table.columns]
    summary = "; ".join(
        f"{r.product_group_label}: {text.usd(r[str(LAST_PRE_WRO_YEAR)])} in {LAST_PRE_WRO_YEAR}, "
        f"{text.usd(r[str(latest)])} in {latest}"
        for _, r in table.iterrows()
    )
    chart_block(fig, totals, chart_id="groups", summary=summary + ".", table=table)

    section("Timeline")
    ev = queries.events()
    fig = charts.events_timeline_chart(
        ev,
        title="From the first Xinjiang WROs to the UFLPA",
        # " | " breaks the line: one event's source a line, so none is cut off.
        source="Source: " + " | ".join(f"{r.label}: {r.source_ref}" for r in ev.itertuples()),
    )
    summary = "; ".join(f"{r.event_date:%d %b %Y}: {r.label}" for r in ev.itertuples())
    chart_block(fig, ev, chart_id="timeline", summary=summary + ".")

    if not embedded:
        st.subheader("Explore")
        for path, title in list(PAGES.items())[1:]:
            st.page_link(path, label=title)
    share_link()


def china_totals(latest: int) -> pd.DataFrame:
    years = (LAST_PRE_WRO_YEAR, latest)
    return pd.concat(
        [queries.china_group_totals("cotton", years), queries.china_group_totals("tomato", years)],
        ignore_index=True,
    )


page_nav()
overview()
