"""The sections of the Cotton and Tomatoes pages. Each reads like the UI:
widgets -> one query -> one chart -> the chart block."""

import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, text, theme
from dashboard import supplier_queries as sq
from dashboard.components import chart_block, section_for, share_link, source_line
from dashboard.suppliers_view import OTHER_CHOSEN, capped_partners

ANNUAL_SOURCE = "comtrade"
MONTHLY_NOTE = "The WRO (Jan 2021) and UFLPA (Jun 2022) precede this series."
# Where each family's selectors start: the biggest cotton flows, the paste heading.
DEFAULTS = {
    "cotton": {"group": "cotton_apparel", "chapter": "61", "monthly": "61"},
    "tomato": {"group": "tomato_paste_preserved", "chapter": "20", "monthly": "20"},
}


def product_page(family: str, *, monthly_heading: str) -> None:
    """Everything below the page header: the sidebar filters, then each section."""
    f = sidebar(family)
    sections = (
        ("By WRO product group", group_section, ("group",)),
        ("By HS code: chapter, heading, line", drilldown_section, ("hs",)),
        (
            "China's share, where the data has a world total",
            china_share_section,
            ("share_year", "share_month"),
        ),
        (monthly_heading, monthly_section, ("monthly",)),
    )
    for heading, draw, chart_ids in sections:
        if section_for(heading, chart_ids):
            draw(family, f)
    share_link()


def sidebar(family: str) -> dict:
    """The shared sidebar filters, plus a visible note for any unusable link parameter."""
    options = dict(queries.partners_with_data((ANNUAL_SOURCE, "census"))[["iso3", "name"]].values)
    bounds = queries.year_bounds(ANNUAL_SOURCE).iloc[0]
    first, last = int(bounds["first_year"]), int(bounds["last_year"])
    groups = queries.product_groups(family)
    filters.check_link_params(
        {
            "partners": filters.valid_partners(options),
            "years": filters.valid_years(first, last),
            "measure": filters.valid_choice(filters.MEASURES.values()),
            f"{family}_group": filters.valid_choice(groups["label"]),
            f"{family}_chapter": lambda v: len(v) == 1,
            f"{family}_hs4": lambda v: len(v) == 1,
            f"{family}_hs6": lambda v: len(v) == 1,
            f"{family}_monthly": lambda v: len(v) == 1,
        }
    )
    st.sidebar.header("Filters")
    chosen = filters.partners(options, default_partners(family))
    years = filters.year_range(first, last)
    measure = filters.measure()
    return {"partners": tuple(chosen), "years": years, "measure": measure, "names": options}


def default_partners(family: str, largest: int = 4) -> list[str]:
    """China and the largest suppliers of the family's chapters in the latest 12 months of
    monthly Census data (every supplier); China, Vietnam and Mexico without such data."""
    top = sq.largest_census_suppliers(tuple(queries.FAMILY_SHARE_CHAPTERS[family]), largest + 1)
    if top.empty:
        return ["CHN", "VNM", "MEX"]
    return ["CHN", *[p for p in top["iso3"] if p != "CHN"][:largest]]


def with_missing_partners(subtitle: str, df: pd.DataFrame, chosen: tuple, names: dict) -> str:
    """The subtitle, naming the chosen partners the series has no data for."""
    missing = [names.get(p, p) for p in chosen if p not in set(df["partner_iso3"])]
    if not missing or df.empty:
        return subtitle
    names_missing = ", ".join(missing)
    if subtitle.endswith("."):
        return f"{subtitle} No data for {names_missing}."
    return f"{subtitle}; no data for {names_missing}"


def partner_chart(
    df: pd.DataFrame,
    f: dict,
    *,
    chart_id: str,
    x: str,
    y: str,
    what: str,
    datasets: str,
    fmt=text.usd,
    x_fmt=str,
    **kw,
) -> None:
    """US imports by partner over time (one line a partner, the events marked, the source
    line naming the datasets in column `datasets`), its summary, table and downloads. The
    subtitle names the chosen partners it has no data for, so exports say so too."""
    kw["subtitle"] = with_missing_partners(kw["subtitle"], df, f["partners"], f["names"])
    df = capped_partners(df, x=x, y=y)
    partners = list(dict.fromkeys(df["partner_iso3"]))
    fig = charts.series_over_time_chart(
        df,
        x=x,
        y=y,
        series="partner_iso3",
        series_label="partner",
        source=source_line(df[datasets]),
        events=queries.events(),
        colours=charts.distinct_colours(partners) | {OTHER_CHOSEN: theme.OTHER_COLOUR},
        **kw,
    )
    summary = text.trend_summary(
        df, x=x, y=y, series_label="partner", what=what, fmt=fmt, x_fmt=x_fmt
    )
    chart_block(fig, df, chart_id=chart_id, summary=summary)


def group_section(family: str, f: dict) -> None:
    groups = queries.product_groups(family)
    labels = dict(groups[["product_group", "label"]].values)
    group = filters.choose(
        "Product group", labels, key=f"{family}_group", default=DEFAULTS[family]["group"]
    )
    y0, y1 = f["years"]
    df = queries.imports_by_year_partner_group(ANNUAL_SOURCE, group, f["partners"], y0, y1)
    if not f["partners"]:
        st.info("Choose at least one partner in the sidebar.")
        return
    if df.empty:
        st.info(f"No US imports of {labels[group].lower()} for these partners and years.")
        return
    if f["measure"] != "value":
        st.caption(
            "A product group adds HS6 lines measured in different units, so this chart shows "
            "value; the Measure in the sidebar applies to the HS-code chart below."
        )
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


def _drill_code(family: str) -> str:
    chapters = queries.hs_children(None, family)
    chapter_opts = {r.code: f"{r.code} {r.description}" for r in chapters.itertuples()}
    cols = st.columns(3)
    with cols[0]:
        chapter = filters.choose(
            "HS chapter",
            chapter_opts,
            key=f"{family}_chapter",
            default=DEFAULTS[family]["chapter"],
        )
    hs4 = queries.hs_children(chapter, family)
    hs4_opts = {"all": "All of the chapter"} | {
        r.code: f"{r.code} {r.description}" for r in hs4.itertuples()
    }
    with cols[1]:
        heading = filters.choose("HS4 heading", hs4_opts, key=f"{family}_hs4")
    if heading == "all":
        return chapter
    hs6 = queries.hs_children(heading, family)
    hs6_opts = {"all": "All of the heading"} | {
        r.code: f"{r.code} {r.description}" for r in hs6.itertuples()
    }
    with cols[2]:
        line = filters.choose("HS6 line", hs6_opts, key=f"{family}_hs6")
    return heading if line == "all" else line


MEASURE_COLUMNS = {
    "value": ("value_usd", "USD, CIF value"),
    "quantity": ("quantity", "Quantity"),
    "unit_value": ("unit_value_usd", "USD per unit, CIF"),
}


def drilldown_section(family: str, f: dict) -> None:
    code = _drill_code(family)
    y0, y1 = f["years"]
    df = queries.imports_by_year_partner_hs(ANNUAL_SOURCE, code, f["partners"], y0, y1)
    if not f["partners"]:
        st.info("Choose at least one partner in the sidebar.")
        return
    if df.empty:
        st.info(f"No US imports of HS {code} for these partners and years in the data.")
        return
    column, y_title = MEASURE_COLUMNS[f["measure"]]
    if f["measure"] != "value":
        if len(code) < 6:
            st.info(
                "Quantities and unit values are reported only for HS6 lines, whose units "
                "differ; choose an HS6 line to see them. Showing value instead."
            )
            column, y_title = MEASURE_COLUMNS["value"]
        else:
            units = sorted(set(df["quantity_unit"].dropna()))
            if len(units) > 1:
                st.warning(f"HS {code} is reported in several units ({', '.join(units)}).")
            unit = units[0] if units else "unit"
            y_title = unit if f["measure"] == "quantity" else f"USD per {unit}, CIF"
    revisions = sorted(set(df["hs_revision"]))
    if len(revisions) > 1:
        st.caption(
            f"HS revisions in this series: {', '.join(revisions)}. Some HS6 lines were split "
            "or merged in 2017 and 2022; compare at HS4 or chapter level when in doubt."
        )
    description = df["description"].iloc[0]
    partner_chart(
        df,
        f,
        chart_id="hs",
        x="year",
        y=column,
        what=f"HS {code}",
        fmt=text.usd if column != "quantity" else (lambda v: text.number(v, y_title)),
        title=f"US imports of HS {code}, by partner",
        subtitle=f"{description[:90]}; {y0}-{y1}",
        y_title=y_title,
        datasets="dataset",
    )


def china_share_section(family: str, f: dict) -> None:
    chapters = queries.FAMILY_SHARE_CHAPTERS[family]
    lo, hi = f["years"]
    annual = pd.concat(
        [queries.china_share_by_year(ANNUAL_SOURCE, c).assign(hs_code=c) for c in chapters]
    )
    annual = annual[annual["year"].between(lo, hi)]
    monthly = pd.concat([queries.china_share_by_month(c).assign(hs_code=c) for c in chapters])
    if annual.empty and monthly.empty:
        st.info(
            f"The data has no US imports-from-world total for chapters {', '.join(chapters)}, "
            "so China's share cannot be computed. Fetch world totals with `python -m etl "
            "fetch census --partners WLD ...` and rebuild."
        )
        return
    if not annual.empty:
        china_share_chart(
            annual,
            x="year",
            period="annual",
            # the years with a share (the world total may end before the China series)
            subtitle="China / World, same source and value basis (Comtrade, CIF); "
            f"{annual['year'].min()}-{annual['year'].max()}",
            chart_id="share_year",
        )
    if not monthly.empty:
        china_share_chart(
            monthly,
            x="period",
            period="monthly",
            subtitle="China / World Total, Census customs value. " + MONTHLY_NOTE,
            chart_id="share_month",
            x_fmt=text.month_label,
        )


def share_styles(codes) -> dict[str, dict[str, str]]:
    """Every line of a China's-share chart is China's: China's colour, one dash per code."""
    codes = list(dict.fromkeys(str(c) for c in codes))
    dashes = ("solid", "dash", "dot", "dashdot")
    return {
        "colours": {c: theme.CHINA_COLOUR for c in codes},
        "dashes": {c: dashes[i % len(dashes)] for i, c in enumerate(codes)},
    }


def china_share_chart(
    df: pd.DataFrame, *, x: str, period: str, subtitle: str, chart_id: str, x_fmt=str
) -> None:
    """China's share of US imports, one line per HS code, with its summary."""
    df["series"] = "HS " + df["hs_code"]
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
        df, x=x, y="china_share", series_label="series", what="China's share of US imports",
        x_fmt=x_fmt,
    )  # fmt: skip
    chart_block(fig, df, chart_id=chart_id, summary=summary)


def monthly_section(family: str, f: dict) -> None:
    codes = queries.monthly_codes(family)
    if codes.empty:
        st.info("No monthly data for these products. Fetch it with `python -m etl fetch census`.")
        return
    opts = {r.code: f"{r.code} {r.description}" for r in codes.itertuples()}
    code = filters.choose(
        "Monthly series (HS code)",
        opts,
        key=f"{family}_monthly",
        default=DEFAULTS[family]["monthly"],
    )
    df = queries.imports_by_month_partner_hs(code, f["partners"])
    if df.empty:
        st.info(f"No monthly data for HS {code} and these partners.")
        return
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
