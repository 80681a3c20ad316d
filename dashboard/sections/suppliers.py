"""Where the trade went: US imports of a product from every supplier in two periods, from
the sources that list every supplier (Census monthly, OTEXA apparel annual), each on its
own. The data source, product and periods are chosen once for the whole page."""

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, text, theme
from dashboard import suppliers_view as view
from dashboard.blocks import Chart, Note, Prose, Table
from dashboard.db import shared_build
from dashboard.page import Page, Section
from dashboard.render import source_line

SOURCES = {
    "census": "Monthly: US Census, every supplier (customs value)",
    "otexa": "Annual: OTEXA apparel, every supplier (customs value)",
}
APPAREL = "apparel"
DEFAULT_PRODUCT = "61"


@dataclass(frozen=True)
class Choice:
    """The page's shared choices and the rows they select."""

    source: str
    product: str
    what: str  # the product as titles name it
    df: pd.DataFrame
    periods: view.Periods | None
    notes: tuple = ()

    @property
    def source_line(self) -> str:
        return source_line(self.df["dataset"].drop_duplicates())

    @property
    def key(self) -> tuple:
        """What the rows and periods follow from (the warehouse version aside)."""
        return (self.source, self.product, repr(self.periods))


# What a section builds is shared across sessions, keyed by the choices, not the rows.
shared = shared_build(hash_funcs={Choice: lambda c: c.key})


def page() -> Page:
    return Page(
        title="Where the trade went",
        intro="went/intro.md",
        data=("census_monthly", "otexa_apparel"),
        sidebar=choose,
        sections=lambda c: (
            [Section("", lambda c: list(c.notes))]
            + (
                [
                    Section("The change in US imports, by supplier", change, ("went_change",)),
                    Section("Supplier shares over time", shares, ("went_shares",)),
                    Section("Every supplier", every_supplier),
                ]
                if c.periods
                else []
            )
            + [Section("What this page does not compare", not_compared)]
        ),
    )


def supplier_frame(source: str, product: str) -> pd.DataFrame:
    """One source's rows for one product: period, partner, kind, value, dataset, vintage."""
    if source == "census":
        df = queries.census_monthly_suppliers(product)
    else:
        df = queries.otexa_apparel_suppliers().rename(columns={"year": "period"})
    return df.rename(columns={"value_usd": "value"})


def product_options(source: str) -> dict[str, str]:
    if source == "otexa":
        return {APPAREL: "Apparel, all fibres (OTEXA category group 1)"}
    products = queries.census_monthly_products()
    return {r.code: f"HS {r.code} {r.description.capitalize()}" for r in products.itertuples()}


def product_words(source: str, product: str) -> str:
    """The product as a chart title names it: 'HS 61 (apparel and clothing ...)'."""
    if source == "otexa":
        return "apparel (all fibres)"
    description = queries.census_monthly_products().set_index("code")["description"][product]
    return f"HS {product} ({description.lower()})"


def choose() -> Choice:
    """Data, product and the two periods: at the top of the page, for every section."""
    source = filters.select("Data", SOURCES, "went_data", default="census")
    products = product_options(source)
    if not products:
        note = Note("The warehouse has no data from every supplier for this source.", "info")
        return Choice(source, "", "", pd.DataFrame(), None, (note,))
    product = filters.select("Product", products, "went_product", default=DEFAULT_PRODUCT)
    df = supplier_frame(source, product)
    periods, notes = choose_periods(source, df)
    gap = gap_note(source)
    notes = notes + ((Note(gap),) if gap else ())
    return Choice(source, product, product_words(source, product), df, periods, notes)


def choose_periods(source: str, df: pd.DataFrame) -> tuple[view.Periods | None, tuple]:
    complete = view.complete_periods(df)
    cols = st.columns(2)
    if source != "census":
        years = [int(y) for y in complete]
        a, b, _before = view.default_years(years)
        options = {str(y): str(y) for y in years}
        a = filters.select("Period A: year", options, "went_a", default=str(a), where=cols[0])
        b = filters.select("Period B: year", options, "went_b", default=str(b), where=cols[1])
        return view.Periods(a, (int(a),), b, (int(b),)), ()
    ends = view.month_windows(complete)
    if not ends:
        return None, (Note("No 12 months in a row with monthly data from every supplier.", "info"),)
    a, b, before_wro = view.default_month_ends(ends)
    options = {f"{e:%Y-%m}": view.window_label(e) for e in ends}
    a = filters.select(
        "Period A: 12 months", options, "went_a", default=f"{a:%Y-%m}", where=cols[0]
    )
    b = filters.select(
        "Period B: 12 months", options, "went_b", default=f"{b:%Y-%m}", where=cols[1]
    )
    periods = view.Periods(options[a], view.window_of(a), options[b], view.window_of(b))
    if before_wro:
        return periods, ()
    first = text.month_label(ends[0] - pd.DateOffset(months=view.WINDOW_MONTHS - 1))
    return periods, (
        Note(
            f"Monthly data from every supplier start in {first}, after the WRO (January 2021) "
            "and the UFLPA (June 2022): there are no 12 months before the WRO to compare "
            "with. Period A starts with the first 12 months held.",
            "info",
        ),
    )


def gap_note(source: str) -> str:
    """Where the annual series has its gap, and why (ref_data_exclusions)."""
    if source != "otexa":
        return ""
    left_out = queries.data_exclusions("otexa_apparel_dollars")
    if left_out.empty:
        return ""
    years = " and ".join(str(y) for y in left_out["year"])
    reason = left_out["reason"].iloc[0]
    return f"No {years}: {reason[:1].lower()}{reason[1:]}"


@shared
def change(c: Choice) -> list:
    table = view.supplier_table(c.df, c.periods)
    bars = view.change_bars(table)
    fig = charts.change_bar_chart(
        bars,
        key="partner_iso3",
        label="partner_name",
        value="change",
        text="label",
        title=f"Change in US imports of {c.what}, by supplier",
        subtitle=f"{c.periods.b_label} against {c.periods.a_label}; the {view.CHANGE_BARS} "
        "biggest changes and every other supplier together",
        x_title="Change, USD (customs value)",
        source=c.source_line,
        other=view.ALL_OTHERS,
    )
    return [Chart("went_change", fig, bars, view.change_summary(table, c.periods, c.what))]


@shared
def shares(c: Choice) -> list:
    complete = view.complete_periods(c.df)
    top = view.top_suppliers(view.supplier_table(c.df, c.periods))
    frame = view.shares_over_time(c.df, complete, top)
    monthly = c.source == "census"
    x = "period" if monthly else "year"
    frame = frame if monthly else frame.rename(columns={"period": "year"})
    gap = gap_note(c.source)
    colours = charts.distinct_colours(top) | {view.ALL_OTHERS: theme.OTHER_COLOUR}
    fig = charts.series_over_time_chart(
        frame,
        x=x,
        y="share",
        series="partner_iso3",
        series_label="partner_name",
        title=f"Suppliers' shares of US imports of {c.what}",
        subtitle=f"The {view.CHART_LINES - 1} biggest suppliers in period B and all others; "
        "each supplier over the source's own total" + (f". {gap}" if gap else ""),
        y_title="Share of US imports",
        source=c.source_line,
        events=queries.events(),
        percent=True,
        colours=colours,
    )
    summary = view.shares_summary(
        frame.rename(columns={x: "period"}), x_fmt=text.month_label if monthly else str
    )
    return [Chart("went_shares", fig, frame, summary)]


@shared
def every_supplier(c: Choice) -> list:
    table = view.supplier_table(c.df, c.periods)
    money = st.column_config.NumberColumn(format="dollar")
    pct = st.column_config.NumberColumn(format="percent")
    return [
        Note(
            f"{text.plural(len(table), 'supplier')}; shares are of the source's own total "
            "(countries only: groupings such as the EU or ASEAN are not suppliers)."
        ),
        Table(
            view.download_table(table, c.periods),
            shown=table[list(view.TABLE_COLUMNS)].rename(columns=view.TABLE_COLUMNS),
            column_config={
                "Period A, USD": money,
                "Period B, USD": money,
                "Change, USD": money,
                "Share A": pct,
                "Share B": pct,
                "Change, %": pct,
            },
            key="went_suppliers",
            title=f"US imports of {c.what} from every supplier, {c.periods.a_label} and "
            f"{c.periods.b_label}",
            source=c.source_line,
            units="USD, customs value",
        ),
    ]


def not_compared(_c: Choice) -> list:
    """What this page leaves out and why, in the data's own terms."""
    notes = [Prose("went/sources_apart.md")]
    counts = queries.annual_partner_counts()
    comtrade = counts[counts["source"] == "comtrade"]
    if not comtrade.empty and comtrade["partners"].iloc[0] < queries.EVERY_SUPPLIER_MIN_PARTNERS:
        r = comtrade.iloc[0]
        notes.append(
            Note(
                f"- Annual UN Comtrade data for other products hold only {r['partner_names']} "
                f"({r['first_year']}-{r['last_year']}, CIF value): not all suppliers, so this "
                "page does not compare them. The Cotton and textiles and Tomatoes pages chart "
                "them.",
                "markdown",
            )
        )
    return notes
