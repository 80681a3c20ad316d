"""Where the trade went: US imports of a product from every supplier in two periods, China's
fall beside every other supplier's gain or loss, and the suppliers' shares over time.

Only sources that list every supplier are compared (Census monthly, OTEXA apparel annual),
each on its own: they are never added together or divided by one another.
"""

import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, text
from dashboard import supplier_queries as sq
from dashboard import suppliers_view as view
from dashboard.components import (
    chart_block,
    page_header,
    page_nav,
    require_warehouse,
    section,
    share_link,
    source_line,
    table_block,
)

SOURCES = {
    "census": "Monthly: US Census, every supplier (customs value)",
    "otexa": "Annual: OTEXA apparel, every supplier (customs value)",
}
APPAREL = "apparel"


def supplier_frame(source: str, product: str) -> pd.DataFrame:
    """One source's rows for one product: period, partner, kind, value, dataset, vintage."""
    if source == "census":
        df = sq.census_monthly_suppliers(product)
    else:
        df = sq.otexa_apparel_suppliers().rename(columns={"year": "period"})
    return df.rename(columns={"value_usd": "value"})


def product_options(source: str) -> dict[str, str]:
    if source == "otexa":
        return {APPAREL: "Apparel, all fibres (OTEXA category group 1)"}
    products = sq.census_monthly_products()
    return {r.code: f"HS {r.code} {r.description.capitalize()}" for r in products.itertuples()}


def product_words(source: str, product: str) -> str:
    """The product as a chart title names it: 'HS 61 (apparel articles ...)'."""
    if source == "otexa":
        return "apparel (all fibres)"
    description = sq.census_monthly_products().set_index("code")["description"][product]
    return f"HS {product} ({description.lower()})"


def choose_periods(source: str, df: pd.DataFrame) -> view.Periods | None:
    complete = view.complete_periods(df)
    cols = st.columns(2)
    if source == "census":
        ends = view.month_windows(complete)
        if not ends:
            st.info("No 12 months in a row with monthly data from every supplier.")
            return None
        a, b, before_wro = view.default_month_ends(ends)
        options = {f"{e:%Y-%m}": view.window_label(e) for e in ends}
        with cols[0]:
            a = filters.choose("Period A: 12 months", options, "went_a", default=f"{a:%Y-%m}")
        with cols[1]:
            b = filters.choose("Period B: 12 months", options, "went_b", default=f"{b:%Y-%m}")
        if not before_wro:
            first = text.month_label(ends[0] - pd.DateOffset(months=view.WINDOW_MONTHS - 1))
            st.info(
                f"Monthly data from every supplier start in {first}, after the WRO (January "
                "2021) and the UFLPA (June 2022): there are no 12 months before the WRO to "
                "compare with. Period A starts with the first 12 months held."
            )
        return view.Periods(options[a], view.window_of(a), options[b], view.window_of(b))
    years = [int(y) for y in complete]
    a, b, _before = view.default_years(years)
    options = {str(y): str(y) for y in years}
    with cols[0]:
        a = filters.choose("Period A: year", options, "went_a", default=str(a))
    with cols[1]:
        b = filters.choose("Period B: year", options, "went_b", default=str(b))
    return view.Periods(a, (int(a),), b, (int(b),))


def change_section(table: pd.DataFrame, periods: view.Periods, what: str, source: str) -> None:
    section("The change in US imports, by supplier")
    bars = view.change_bars(table)
    fig = charts.change_bar_chart(
        bars,
        key="partner_iso3",
        label="partner_name",
        value="change",
        text="label",
        title=f"Change in US imports of {what}, by supplier",
        subtitle=f"{periods.b_label} against {periods.a_label}; the {view.CHANGE_BARS} biggest "
        "changes and every other supplier together",
        x_title="Change, USD (customs value)",
        source=source,
        other=view.ALL_OTHERS,
    )
    chart_block(
        fig, bars, chart_id="went_change", summary=view.change_summary(table, periods, what)
    )


def shares_section(df: pd.DataFrame, table: pd.DataFrame, what: str, source: str, gap: str):
    section("Supplier shares over time")
    complete = view.complete_periods(df)
    shares = view.shares_over_time(df, complete, view.top_suppliers(table))
    monthly = not isinstance(complete[0], int | float) if complete else False
    x = "period" if monthly else "year"
    frame = shares if monthly else shares.rename(columns={"period": "year"})
    colours = charts.distinct_colours([p for p in frame["partner_iso3"] if p != view.ALL_OTHERS])
    fig = charts.series_over_time_chart(
        frame,
        x=x,
        y="share",
        series="partner_iso3",
        series_label="partner_name",
        title=f"Suppliers' shares of US imports of {what}",
        subtitle=f"The {view.CHART_LINES - 1} biggest suppliers in period B and all others; "
        "each supplier over the source's own total" + (f". {gap}" if gap else ""),
        y_title="Share of US imports",
        source=source,
        events=queries.events(),
        percent=True,
        colours=colours | {view.ALL_OTHERS: charts.theme.OTHER_COLOUR},
    )
    summary = view.shares_summary(frame.rename(columns={x: "period"}),
                                  x_fmt=text.month_label if monthly else str)  # fmt: skip
    chart_block(fig, frame, chart_id="went_shares", summary=summary)


def table_section(table: pd.DataFrame, periods: view.Periods, what: str, source: str) -> None:
    section("Every supplier")
    st.caption(
        f"{text.plural(len(table), 'supplier')}; shares are of the source's own total "
        "(countries only: groupings such as the EU or ASEAN are not suppliers)."
    )
    money = st.column_config.NumberColumn(format="dollar")
    pct = st.column_config.NumberColumn(format="percent")
    shown = table[list(view.TABLE_COLUMNS)].rename(columns=view.TABLE_COLUMNS)
    table_block(
        view.download_table(table, periods),
        shown=shown,
        column_config={
            "Period A, USD": money,
            "Period B, USD": money,
            "Change, USD": money,
            "Share A": pct,
            "Share B": pct,
            "Change, %": pct,
        },  # fmt: skip
        key="went_suppliers",
        title=f"US imports of {what} from every supplier, {periods.a_label} and {periods.b_label}",
        source=source,
        units="USD, customs value",
    )


def notes(source: str) -> str:
    """What this page leaves out and why, in the data's own terms."""
    counts = sq.annual_partner_counts()
    comtrade = counts[counts["source"] == "comtrade"]
    lines = [
        "Sources stay apart: Census and OTEXA are customs value, UN Comtrade is CIF; no "
        "figure here adds or divides one by another. OTEXA's apparel (all fibres) is not "
        "exactly HS chapters 61 and 62.",
        "Products are the HS codes with Census data from every supplier (chapters in the "
        "shipped data) and OTEXA's apparel. WRO product groups are not offered here: they "
        "are sums of HS6 lines, and no source in this warehouse has a group's HS6 lines from "
        "every supplier.",
    ]
    if not comtrade.empty and comtrade["partners"].iloc[0] < sq.EVERY_SUPPLIER_MIN_PARTNERS:
        r = comtrade.iloc[0]
        lines.append(
            f"Annual UN Comtrade data for other products hold only {r['partner_names']} "
            f"({r['first_year']}-{r['last_year']}, CIF value): not all suppliers, so this page "
            "does not compare them. The Cotton and textiles and Tomatoes pages chart them."
        )
    return "\n".join(f"- {line}" for line in lines)


def gap_note(source: str) -> str:
    if source != "otexa":
        return ""
    left_out = sq.data_exclusions("otexa_apparel_dollars")
    if left_out.empty:
        return ""
    years = " and ".join(str(y) for y in left_out["year"])
    reason = left_out["reason"].iloc[0]
    return f"No {years}: {reason[:1].lower()}{reason[1:]}"


def page() -> None:
    source_key = filters.choose("Data", SOURCES, "went_data", default="census")
    products = product_options(source_key)
    if not products:
        st.info("The warehouse has no data from every supplier for this source.")
        return
    product = filters.choose("Product", products, "went_product", default="61")
    df = supplier_frame(source_key, product)
    periods = choose_periods(source_key, df)
    if periods is None:
        return
    what = product_words(source_key, product)
    source = source_line(df["dataset"].drop_duplicates())
    table = view.supplier_table(df, periods)
    gap = gap_note(source_key)
    if gap:
        st.caption(gap)
    change_section(table, periods, what, source)
    shares_section(df, table, what, source, gap)
    table_section(table, periods, what, source)
    section("What this page does not compare")
    st.markdown(notes(source_key))


page_nav()
page_header(
    "Where the trade went",
    "US imports of a product from every supplier in two periods: China's fall beside every "
    "other supplier's gain or loss, and the suppliers' shares over time. Only sources that "
    "list every supplier are compared, each on its own.",
)
if require_warehouse():
    # choose() checks each of this page's own parameters against its options
    own = ("went_data", "went_product", "went_a", "went_b")
    filters.check_link_params({k: (lambda _v: True) for k in (*own, *filters.SHARED_KEYS)})
    page()
    share_link()
