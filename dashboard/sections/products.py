"""The Cotton and textiles and the Tomatoes pages: US imports by product group and HS code,
China against every other supplier. The sidebar's partners, years and measure are shared;
each section's own selectors rerun only that section."""

from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, revisions_view, text, theme
from dashboard.blocks import Chart, Note
from dashboard.page import Page, Section
from dashboard.render import source_line
from dashboard.suppliers_view import OTHER_CHOSEN, capped_partners

ANNUAL_SOURCE = "comtrade"
MONTHLY_NOTE = "The WRO (Jan 2021) and UFLPA (Jun 2022) precede this series."
FAMILIES = {
    "cotton": ("Cotton and textiles", "cotton/intro.md", "Monthly, 2023 onwards"),
    "tomato": ("Tomatoes", "tomatoes/intro.md", "Monthly, 2023 onwards (whole chapters)"),
}
# Where each family's selectors start: the biggest cotton flows, the paste heading.
DEFAULTS = {
    "cotton": {"group": "cotton_apparel", "chapter": "61", "monthly": "61"},
    "tomato": {"group": "tomato_paste_preserved", "chapter": "20", "monthly": "20"},
}
MEASURE_COLUMNS = {
    "value": ("value_usd", "USD, CIF value"),
    "quantity": ("quantity", "Quantity"),
    "unit_value": ("unit_value_usd", "USD per unit, CIF"),
}


@dataclass(frozen=True)
class Filters:
    family: str
    partners: tuple[str, ...]
    years: tuple[int, int]
    measure: str
    names: dict


def page(family: str) -> Page:
    title, intro, monthly = FAMILIES[family]
    return Page(
        title=title,
        intro=intro,
        data=("comtrade_annual", "census_monthly"),
        sidebar=partial(sidebar, family),
        sections=lambda f: [
            Section("By WRO product group", group_section, ("group",), fragment=True),
            Section(
                "By HS code: chapter, heading, line", drilldown_section, ("hs",), fragment=True
            ),
            Section(
                "China's share, where the data has a world total",
                china_share_section,
                ("share_year", "share_month"),
            ),
            Section(monthly, monthly_section, ("monthly",), fragment=True),
        ],
    )


def sidebar(family: str) -> Filters:
    options = dict(queries.partners_with_data((ANNUAL_SOURCE, "census"))[["iso3", "name"]].values)
    bounds = queries.year_bounds(ANNUAL_SOURCE).iloc[0]
    first, last = int(bounds["first_year"]), int(bounds["last_year"])
    st.sidebar.header("Filters")
    chosen = filters.partners(options, default_partners(family))
    years = filters.year_range("Years", "years", first, last, where=st.sidebar)
    return Filters(family, tuple(chosen), years, filters.measure(), options)


def default_partners(family: str, largest: int = 4) -> list[str]:
    """China and the largest suppliers of the family's chapters in the latest 12 months of
    monthly Census data (every supplier); China, Vietnam and Mexico without such data."""
    top = queries.largest_census_suppliers(
        tuple(queries.FAMILY_SHARE_CHAPTERS[family]), largest + 1
    )
    if top.empty:
        return ["CHN", "VNM", "MEX"]
    return ["CHN", *[p for p in top["iso3"] if p != "CHN"][:largest]]


def with_missing_partners(subtitle: str, df: pd.DataFrame, f: Filters) -> str:
    """The subtitle, naming the chosen partners the series has no data for."""
    missing = [f.names.get(p, p) for p in f.partners if p not in set(df["partner_iso3"])]
    if not missing or df.empty:
        return subtitle
    if subtitle.endswith("."):
        return f"{subtitle} No data for {', '.join(missing)}."
    return f"{subtitle}; no data for {', '.join(missing)}"


def partner_chart(
    df, f: Filters, *, chart_id, x, y, what, datasets, fmt=text.usd, x_fmt=str, subtitle, **kw
) -> Chart:
    """US imports by partner over time: at most 8 lines, the events marked, the source line
    naming the datasets in column `datasets`; the subtitle names the chosen partners it has
    no data for, so exports say so too."""
    subtitle = with_missing_partners(subtitle, df, f)
    grouped = "hs6_lines_revised" in df
    notes = revisions_view.group_notes(df) if grouped else revisions_view.revision_notes(df)
    df = capped_partners(df.assign(revision=notes), x=x, y=y)
    partners = list(dict.fromkeys(df["partner_iso3"]))
    fig = charts.series_over_time_chart(
        df,
        x=x,
        y=y,
        series="partner_iso3",
        series_label="partner",
        subtitle=subtitle,
        source=source_line(df[datasets]),
        events=queries.events(),
        colours=charts.distinct_colours(partners) | {OTHER_CHOSEN: theme.OTHER_COLOUR},
        notes="revision",
        **kw,
    )
    summary = text.trend_summary(
        df, x=x, y=y, series_label="partner", what=what, fmt=fmt, x_fmt=x_fmt
    ) + revisions_view.revised_count_sentence(df["revision"])
    return Chart(chart_id, fig, df, summary)


def nothing_to_draw(f: Filters, df: pd.DataFrame, what: str) -> list | None:
    """The note that stands in for a chart with no partner chosen or no rows."""
    if not f.partners:
        return [Note("Choose at least one partner in the sidebar.", "info", embed=True)]
    if df.empty:
        return [Note(f"No US imports of {what} for these partners and years.", "info", embed=True)]
    return None


def group_section(f: Filters) -> list:
    groups = queries.product_groups(f.family)
    labels = dict(groups[["product_group", "label"]].values)
    group = filters.select(
        "Product group", labels, f"{f.family}_group", default=DEFAULTS[f.family]["group"]
    )
    y0, y1 = f.years
    df = queries.imports_by_year_partner_group(ANNUAL_SOURCE, group, f.partners, y0, y1)
    empty = nothing_to_draw(f, df, labels[group].lower())
    if empty:
        return empty
    notes = []
    if f.measure != "value":
        notes.append(
            Note(
                "A product group adds HS6 lines measured in different units, so this chart shows "
                "value; the Measure in the sidebar applies to the HS-code chart below."
            )
        )
    return notes + [
        partner_chart(
            df,
            f,
            chart_id="group",
            x="year",
            y="value_usd",
            what=labels[group],
            title=f"US imports of {labels[group].lower()}, by partner",
            subtitle=f"{y0}-{y1}; sum of the HS6 lines in our product-group mapping",
            y_title="USD, CIF value",
            datasets="datasets",
        )
    ]


def drill_code(family: str) -> str:
    """Chapter, then heading, then line: the code chosen at the deepest level."""
    chapters = queries.hs_children(None, family)
    cols = st.columns(3)
    chapter = filters.select(
        "HS chapter",
        {r.code: f"{r.code} {r.description}" for r in chapters.itertuples()},
        f"{family}_chapter",
        default=DEFAULTS[family]["chapter"],
        where=cols[0],
    )
    hs4 = queries.hs_children(chapter, family)
    heading = filters.select(
        "HS4 heading",
        {"all": "All of the chapter"}
        | {r.code: f"{r.code} {r.description}" for r in hs4.itertuples()},
        f"{family}_hs4",
        where=cols[1],
    )
    if heading == "all":
        return chapter
    hs6 = queries.hs_children(heading, family)
    line = filters.select(
        "HS6 line",
        {"all": "All of the heading"}
        | {r.code: f"{r.code} {r.description}" for r in hs6.itertuples()},
        f"{family}_hs6",
        where=cols[2],
    )
    return heading if line == "all" else line


def drilldown_section(f: Filters) -> list:
    code = drill_code(f.family)
    y0, y1 = f.years
    df = queries.imports_by_year_partner_hs(ANNUAL_SOURCE, code, f.partners, y0, y1)
    empty = nothing_to_draw(f, df, f"HS {code}")
    if empty:
        return empty
    notes = []
    column, y_title = MEASURE_COLUMNS[f.measure]
    if f.measure != "value" and len(code) < 6:
        notes.append(
            Note(
                "Quantities and unit values are reported only for HS6 lines, whose units differ; "
                "choose an HS6 line to see them. Showing value instead.",
                "info",
            )
        )
        column, y_title = MEASURE_COLUMNS["value"]
    elif f.measure != "value":
        units = sorted(set(df["quantity_unit"].dropna()))
        if len(units) > 1:
            notes.append(
                Note(f"HS {code} is reported in several units ({', '.join(units)}).", "warning")
            )
        unit = units[0] if units else "unit"
        y_title = unit if f.measure == "quantity" else f"USD per {unit}, CIF"
    revisions = sorted(set(df["hs_revision"]))
    if len(revisions) > 1:
        notes.append(
            Note(
                f"HS revisions in this series: {', '.join(revisions)}. Some HS6 lines were split "
                "or merged in 2017 and 2022; compare at HS4 or chapter level when in doubt."
            )
        )
    fmt = text.usd if column != "quantity" else (lambda v: text.number(v, y_title))
    return notes + [
        partner_chart(
            df,
            f,
            chart_id="hs",
            x="year",
            y=column,
            what=f"HS {code}",
            fmt=fmt,
            title=f"US imports of HS {code}, by partner",
            subtitle=f"{df['description'].iloc[0][:90]}; {y0}-{y1}",
            y_title=y_title,
            datasets="dataset",
        )
    ]


def china_share_section(f: Filters) -> list:
    chapters = queries.FAMILY_SHARE_CHAPTERS[f.family]
    lo, hi = f.years
    annual = queries.china_share(ANNUAL_SOURCE, tuple(chapters), "year")
    annual = annual[annual["year"].between(lo, hi)]
    monthly = queries.china_share("census", tuple(chapters), "month")
    if annual.empty and monthly.empty:
        return [
            Note(
                f"The data has no US imports-from-world total for chapters {', '.join(chapters)}, "
                "so China's share cannot be computed. Fetch world totals with `python -m etl "
                "fetch census --partners WLD ...` and rebuild.",
                "info",
                embed=True,
            )
        ]
    out = []
    if not annual.empty:
        out.append(
            china_share_chart(
                annual,
                x="year",
                period="annual",
                chart_id="share_year",
                # the years with a share (the world total may end before the China series)
                subtitle="China / World, same source and value basis (Comtrade, CIF); "
                f"{annual['year'].min()}-{annual['year'].max()}",
            )
        )
    if not monthly.empty:
        out.append(
            china_share_chart(
                monthly,
                x="period",
                period="monthly",
                chart_id="share_month",
                x_fmt=text.month_label,
                subtitle="China / World Total, Census customs value. " + MONTHLY_NOTE,
            )
        )
    return out


def share_styles(codes) -> dict[str, dict[str, str]]:
    """Every line of a China's-share chart is China's: China's colour, one dash per code."""
    codes = list(dict.fromkeys(str(c) for c in codes))
    dashes = ("solid", "dash", "dot", "dashdot")
    return {
        "colours": {c: theme.CHINA_COLOUR for c in codes},
        "dashes": {c: dashes[i % len(dashes)] for i, c in enumerate(codes)},
    }


def china_share_chart(df, *, x, period, subtitle, chart_id, x_fmt=str) -> Chart:
    """China's share of US imports, one line per HS code, with its summary."""
    df = df.assign(series="HS " + df["hs_code"])
    fig = charts.series_over_time_chart(
        df,
        x=x,
        y="china_share",
        series="hs_code",
        series_label="series",
        title=f"China's share of US imports ({period})",
        subtitle=subtitle,
        y_title="Share of US imports",
        source=source_line(df["datasets"]),
        events=queries.events(),
        percent=True,
        **share_styles(df["hs_code"]),
    )
    summary = text.share_summary(
        df,
        x=x,
        y="china_share",
        series_label="series",
        what="China's share of US imports",
        x_fmt=x_fmt,
    )
    return Chart(chart_id, fig, df, summary)


def monthly_section(f: Filters) -> list:
    codes = queries.monthly_codes(f.family)
    if codes.empty:
        text_ = "No monthly data for these products. Fetch it with `python -m etl fetch census`."
        return [Note(text_, "info", embed=True)]
    opts = {r.code: f"{r.code} {r.description}" for r in codes.itertuples()}
    code = filters.select(
        "Monthly series (HS code)",
        opts,
        f"{f.family}_monthly",
        default=DEFAULTS[f.family]["monthly"],
    )
    df = queries.imports_by_month_partner_hs(code, f.partners)
    if df.empty:
        return [Note(f"No monthly data for HS {code} and these partners.", "info", embed=True)]
    return [
        partner_chart(
            df,
            f,
            chart_id="monthly",
            x="period",
            y="value_usd",
            what=f"HS {code} monthly",
            x_fmt=text.month_label,
            title=f"US imports of HS {code} by month, by partner",
            subtitle=f"{opts[code][:80]}. {MONTHLY_NOTE}",
            y_title="USD, customs value",
            datasets="dataset",
        )
    ]
