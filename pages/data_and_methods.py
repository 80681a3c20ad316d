"""Data and methods: every source with provenance, licence and vintage; what the data
covers; the caveats; our HS-to-product-group mapping; and each table for download.

Every number on this page is read from the warehouse; the caveats are those written in
data/raw/SOURCES.md, shown beside the rows that illustrate them.
"""

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import export, filters, queries, text
from dashboard import methods_view as view
from dashboard.components import (
    data_table,
    page_header,
    page_nav,
    require_warehouse,
    share_link,
    source_line,
    table_block,
    table_downloads,
)
from dashboard.text import md_without_maths

ROOT = Path(__file__).resolve().parent.parent
SOURCES_MD = ROOT / "data" / "raw" / "SOURCES.md"
SEEDS_README = ROOT / "etl" / "seeds" / "README.md"
ALL_GROUPS = "All product groups"


# --------------------------------------------------------------------------- sections


def sources_section() -> None:
    st.header("Sources")
    sources = queries.all_sources()
    st.caption(
        "One row per dataset in the warehouse (table `dim_source`). Statistical datasets are "
        "charted as series; transcribed datasets are press and official figures typed from "
        "stored pages, shown only as cited reference figures with their quotes."
    )
    table_block(
        sources[view.SOURCE_COLUMNS],
        key="sources",
        title="Sources of the WRO Trade Monitor warehouse",
        source="Table dim_source, built from data/raw/manifest.csv and data/raw/SOURCES.md",
    )
    for _, row in sources.iterrows():
        with st.expander(f"{row['dataset']}: {row['upstream_agency']}"):
            st.markdown(view.source_details(row))
    with st.expander("data/raw/SOURCES.md: the full provenance notes"):
        if SOURCES_MD.exists():
            st.markdown(md_without_maths(SOURCES_MD.read_text(encoding="utf-8")))
        else:
            st.warning(f"{SOURCES_MD} is missing from this checkout.")


def coverage_section() -> pd.DataFrame:
    st.header("What the trade data covers")
    cov = queries.trade_coverage()
    shown = cov.assign(hs_chapters=cov["hs_chapters"].map(view.chapters_label))
    st.caption(
        "Computed from the warehouse (every trade row, view `stg_trade_flows`): one row per "
        "dataset, flow, reporter, partner and frequency ('223 countries' where a dataset has "
        "more than ten). 'WLD' is the all-partners (World) total."
    )
    table_block(
        cov,
        shown=shown,
        key="coverage",
        title="What the trade data covers",
        source=source_line(cov["dataset"]),
        units="periods and row counts",
    )
    return cov


def partner_codes_section() -> None:
    st.header("Partners that are not ISO countries")
    codes = queries.partner_codes_apart()
    unmapped = codes[codes["kind"] == "country"]
    st.caption(
        "Every Census country code, OTEXA country name and FAO area code in the shipped files "
        "is mapped to ISO3 by a maintained library (country_converter; FAO's own ISO3 column), "
        "never by hand (`python -m etl.countries`, seed etl/seeds/partner_codes.csv). "
        f"{text.plural(len(unmapped), 'code')} could not be mapped: they are kept under their "
        "source's code, listed here, never dropped. Groupings (Census EU, OECD, ASEAN and "
        "continents; OTEXA names starting with '_'; FAO regions) are kept apart and never "
        "counted as countries."
    )
    table_block(
        codes,
        key="partner_codes",
        title="Partner codes that are not ISO countries",
        source="Table dim_partner, built from etl/seeds/partner_codes.csv",
    )


def trade_rows_block(df: pd.DataFrame, *, key: str, title: str, units: str) -> None:
    """Warehouse trade rows as a table, values in words, with their own sources."""
    table_block(
        df,
        shown=df.assign(value=df["value_usd"].map(text.usd)),
        key=key,
        title=title,
        source=source_line(df["dataset"]),
        units=units,
    )


def caveats_section(cov: pd.DataFrame) -> None:
    st.header("Caveats")

    st.subheader("CIF value and customs value are different measures")
    st.markdown(
        "UN Comtrade reports US imports at **CIF** value (including freight and insurance); "
        "the US Census Bureau's files report **customs value** of general imports (excluding "
        "them). The dashboard never adds one to the other or divides one by the other: every "
        "share is computed within one source and basis. The same cell in both sources, as "
        "the warehouse holds it:"
    )
    both = queries.same_cell_both_sources("61", "CHN")
    if both.empty:
        st.info("No year has US imports of HS 61 from China in both sources.")
    else:
        trade_rows_block(
            both,
            key="cif_vs_customs",
            title="US imports of HS 61 from China in both sources (CIF and customs value)",
            units="USD; CIF value (Comtrade) and customs value (Census), never combined",
        )
        st.caption("HS 61 (knitted apparel), US imports from China: two measures, shown apart.")

    st.subheader("HS revisions")
    st.markdown(
        "UN Comtrade classifies each year in the HS revision then in force: H4 (HS2012), H5 "
        "(HS2017), H6 (HS2022). A few HS6 lines were split or merged in 2017 and 2022; "
        "compare at HS4 or chapter level when in doubt. Census rows use the US tariff "
        "schedule (HTS). Years per revision in the warehouse:"
    )
    revisions = queries.hs_revisions_by_year()
    table_block(
        revisions,
        key="hs_revisions",
        title="HS revision of each dataset's rows, by years",
        source=source_line(revisions["dataset"]),
        units="years; row counts",
    )

    st.subheader("General imports, not imports for consumption")
    st.markdown(
        "The Census figures are **general imports**, customs value (USA Trade Online's "
        "'Customs Value (Gen)'; the API's `GEN_VAL_*` fields). **Imports for consumption** "
        "(`CON_VAL_*`) is a different Census measure, which also leaves out goods entering "
        "bonded warehouses and foreign-trade zones until they are withdrawn; it is not used "
        "here."
    )

    st.subheader("Vintages and revisions")
    st.markdown(
        "Every figure is as published at its source's vintage (table above). Statistical "
        "agencies revise: the most recent Census months are as published and may be revised; "
        "FAO has revised its tomato history, so only one OWID export of FAOSTAT is used. "
        "Rebuilding after a newer fetch brings its revisions in: a newer Census fetch replaces "
        "every earlier cell covered by its requests that returned data (HS code, partner, "
        "months), including cells it no longer has because Census revised them away; a "
        "request answered 'no data' (which also means 'not published yet') replaces nothing. "
        "A newer Comtrade fetch replaces the cells it has again."
    )

    st.subheader("Which partners and periods exist")
    st.markdown(view.coverage_sentences(cov))

    st.subheader("Quantities only for HS6 lines")
    st.markdown(
        "UN Comtrade reports quantity 0 at chapter and heading level, so quantities and unit "
        "values are kept only for HS6 lines, and their units differ by line (kg, items, "
        "m², dozens). An HS6 line with unit 'N/A' also carries 0 for 'not reported': it is "
        "shown as missing, never as 0. Census files here carry values only."
    )

    st.subheader("Tomato seeds are a proxy")
    st.markdown(
        "HS 120991 is *all* vegetable seeds for sowing. Tomato seed is separable only at the "
        "US 10-digit line 1209918070, which is in the 2017 Census file and nowhere else in "
        "the warehouse. Both lines, same source and basis:"
    )
    seeds = queries.hs_lines(("120991", "1209918070"))
    seeds = seeds[seeds["source"] == "census"]
    if seeds.empty:
        st.info("The warehouse has no Census rows for these lines.")
    else:
        trade_rows_block(
            seeds,
            key="seed_lines",
            title="US imports of vegetable seeds and tomato seed (Census HTS lines)",
            units="USD, customs value",
        )

    st.subheader("CBP's own estimate has no product definition")
    wro = queries.ref_figures(("WRO-01",))
    if not wro.empty:
        st.markdown(view.cited_quote(wro.iloc[0]))
    st.markdown(
        "CBP did not publish which products or HS codes this estimate covers, so no series "
        "in the warehouse can be matched to it. Our product groups (below) are our own "
        "mapping."
    )

    st.subheader("Tomato production and Xinjiang")
    st.markdown(
        "FAOSTAT production (via Our World in Data) combines fresh-market and processing "
        "tomatoes and has no province detail: Xinjiang appears only in transcribed reference "
        "figures. No country-by-year table of tomato-paste exports was found for the "
        "shipped snapshot; it can be fetched from UN Comtrade (see the Tomato paste page)."
    )


def mapping_section() -> None:
    st.header("HS codes to WRO product groups")
    st.markdown(
        "CBP's order named **products** (cotton products and tomato products: apparel, "
        "textiles, tomato seeds, canned tomatoes, tomato sauce and other goods made with "
        "them), **not HS codes**. The mapping below is **ours**: ordered rules "
        "(etl/seeds/product_group_rules.csv, first match wins) assign each HS6 line to one "
        "group, and every row says which rule put it there."
    )
    mapping = queries.product_group_mapping()
    labels = {ALL_GROUPS: ALL_GROUPS} | {g: g for g in mapping["product_group"].drop_duplicates()}
    group = filters.choose("Product group", labels, key="methods_group", default=ALL_GROUPS)
    shown = mapping if group == ALL_GROUPS else mapping[mapping["product_group"] == group]
    st.caption(view.mapping_caption(mapping, shown, all_groups=group == ALL_GROUPS))
    shown_table = shown[["hs_code", "description", "product_group", "family", "rule"]].rename(
        columns={"hs_code": "HS6 code", "product_group": "group"}
    )
    data_table(shown_table)
    table_downloads(
        shown_table,
        key="mapping",
        title=f"HS6 to WRO product group mapping ({group})",
        source="WRO Trade Monitor project mapping (etl/seeds/product_group_rules.csv); "
        "CBP named products, not HS codes",
    )
    with st.expander("etl/seeds/README.md: why the mapping is ours"):
        if SEEDS_README.exists():
            st.markdown(md_without_maths(SEEDS_README.read_text(encoding="utf-8")))


def downloads_section() -> None:
    st.header("Download the tables")
    st.caption(
        "Each file is built only when you click. CSV files start with '# key: value' lines "
        "(title, units, source, vintage) and one blank line before the table; text cells "
        "that a spreadsheet would run as a formula are prefixed with a single quote."
    )
    sizes = queries.downloadable_table_sizes().set_index("table")
    for name in queries.DOWNLOADABLE_TABLES:
        title, _units = view.table_note(name)
        cols = st.columns([4, 1, 1])
        with cols[0]:
            rows = int(sizes.loc[name, "rows"]) if name in sizes.index else 0
            st.markdown(f"**`{name}`**: {title}. {rows:,} rows.")
        for col, fmt in zip(cols[1:], ("csv", "xlsx"), strict=True):
            with col:
                st.download_button(
                    fmt.upper(),
                    data=_file_builder(name, fmt),
                    file_name=f"{name}.{fmt}",
                    mime=export.EXPORT_FORMATS[fmt].mime,
                    key=f"download_{name}_{fmt}",
                    on_click="ignore",
                    icon=":material/download:",
                    disabled=rows == 0,
                )


def _file_builder(name: str, fmt: str):
    """The download callable for one table: runs on click, off the script thread."""

    def build() -> bytes:
        df = queries.whole_table.uncached(name)
        meta = view.table_meta(name, df, queries.all_sources.uncached())
        return export.export_bytes(fmt, meta, df=df)

    return build


def check_links() -> None:
    groups = queries.product_group_mapping()["product_group"].drop_duplicates().tolist()
    filters.check_link_params({"methods_group": filters.valid_choice([ALL_GROUPS, *groups])})


# --------------------------------------------------------------------------- page

page_nav()
page_header(
    "Data and methods",
    "Where every number in this dashboard comes from, what the data covers and does not, "
    "how HS codes are mapped to the products the WRO names, and the tables for download.",
)
if require_warehouse():
    check_links()
    sources_section()
    coverage = coverage_section()
    partner_codes_section()
    caveats_section(coverage)
    mapping_section()
    downloads_section()
    share_link()
