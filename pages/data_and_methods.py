"""Data and methods: every source with provenance, licence and vintage; what the data
covers; the caveats; our HS-to-product-group mapping; and each table for download.

Every number on this page is read from the warehouse; the caveats are those written in
data/raw/SOURCES.md, shown beside the rows that illustrate them.
"""

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import export, filters, queries, text
from dashboard.components import (
    page_header,
    page_nav,
    require_warehouse,
    share_link,
    table_downloads,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES_MD = ROOT / "data" / "raw" / "SOURCES.md"
SEEDS_README = ROOT / "etl" / "seeds" / "README.md"
ALL_GROUPS = "All product groups"

# What a downloaded file's header says about each table's numbers.
TABLE_NOTES = {
    "mart_us_imports_by_year_partner_group": (
        "US imports by year, partner and WRO product group (sum of HS6 lines in our mapping)",
        "value_usd: current USD, basis in value_basis (CIF = UN Comtrade, customs = US "
        "Census); net_weight_kg: kg",
    ),
    "mart_us_imports_by_year_partner_hs": (
        "US imports by year, partner and HS code (all levels), annual",
        "value_usd: current USD, basis in value_basis (CIF or customs); quantity in "
        "quantity_unit (HS6 only); net_weight_kg: kg",
    ),
    "mart_us_imports_by_month_partner_hs": (
        "US imports by month, partner and HS code (US Census)",
        "value_usd: current USD, customs value",
    ),
    "mart_exports_by_year_reporter_partner_hs": (
        "Exports as reported by the exporting country, by year, reporter, partner, HS code",
        "value_usd: current USD, FOB (value_basis); net_weight_kg: kg",
    ),
    "mart_tomato_production_by_year_country": (
        "Tomato production by year and country (FAOSTAT via Our World in Data)",
        "tonnes; share_of_world = tonnes / world_tonnes in the same file and year",
    ),
    "dim_product_group": (
        "Our mapping of HS6 lines to WRO product groups (CBP named products, not HS codes)",
        "no figures",
    ),
    "dim_country": ("Countries and the codes each source uses", "no figures"),
    "dim_source": ("Every dataset: publisher, origin, licence, vintage, units", "per row"),
    "ref_figures": (
        "Press and official reference figures, transcribed, with verbatim quotes: "
        "not a statistical series",
        "per row (unit column); value_text as printed",
    ),
    "events": ("Dated events marked on the time series", "no figures"),
}


def md_text_outside_code(markdown: str) -> str:
    """Escape '$' outside code so Streamlit does not read it as LaTeX maths."""
    parts = re.split(r"(```.*?```|`[^`\n]*`)", markdown, flags=re.S)
    return "".join(p if p.startswith("`") else p.replace("$", "\\$") for p in parts)


# --------------------------------------------------------------------------- sections


def sources_section() -> None:
    st.header("Sources")
    sources = queries.all_sources()
    st.caption(
        "One row per dataset in the warehouse (table `dim_source`). Statistical datasets are "
        "charted as series; transcribed datasets are press and official figures typed from "
        "stored pages, shown only as cited reference figures with their quotes."
    )
    st.dataframe(
        sources[
            [
                "dataset", "kind", "upstream_agency", "licence", "upstream_vintage",
                "retrieved", "value_basis", "units", "description",
            ]
        ],
        hide_index=True,
    )  # fmt: skip
    for _, row in sources.iterrows():
        with st.expander(f"{row['dataset']}: {row['upstream_agency']}"):
            st.markdown(
                "\n".join(
                    f"- **{label}:** {md_text_outside_code(str(row[col]))}"
                    for col, label in (
                        ("description", "What"),
                        ("kind", "Kind"),
                        ("upstream_agency", "Publisher"),
                        ("origin", "Where our copy came from"),
                        ("licence", "Licence / terms"),
                        ("upstream_vintage", "Vintage"),
                        ("retrieved", "Copied into this project"),
                        ("file", "File under data/raw/"),
                        ("sha256", "SHA-256 of the file"),
                        ("units", "Units"),
                        ("value_basis", "Value basis"),
                    )
                    if pd.notna(row[col])
                )
            )
    with st.expander("data/raw/SOURCES.md: the full provenance notes"):
        if SOURCES_MD.exists():
            st.markdown(md_text_outside_code(SOURCES_MD.read_text(encoding="utf-8")))
        else:
            st.warning(f"{SOURCES_MD} is missing from this checkout.")


def coverage_section() -> pd.DataFrame:
    st.header("What the trade data covers")
    cov = queries.trade_coverage()
    shown = cov.assign(hs_chapters=cov["hs_chapters"].map(_chapters_label))
    st.caption(
        "Computed from the warehouse (every trade row, table `stg_trade_flows`): one row per "
        "dataset, flow, reporter, partner and frequency. 'WLD' is the all-partners (World) "
        "total."
    )
    st.dataframe(shown, hide_index=True)
    return cov


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
        st.dataframe(
            both.assign(value=both["value_usd"].map(text.usd)),
            hide_index=True,
        )
        st.caption("HS 61 (knitted apparel), US imports from China: two measures, shown apart.")

    st.subheader("HS revisions")
    st.markdown(
        "UN Comtrade classifies each year in the HS revision then in force: H4 (HS2012), H5 "
        "(HS2017), H6 (HS2022). A few HS6 lines were split or merged in 2017 and 2022; "
        "compare at HS4 or chapter level when in doubt. Census rows use the US tariff "
        "schedule (HTS). Years per revision in the warehouse:"
    )
    st.dataframe(queries.hs_revisions_by_year(), hide_index=True)

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
        "Rebuilding from a newer fetch replaces a cell only where the newer row covers it."
    )

    st.subheader("Which partners and periods exist")
    st.markdown(_coverage_sentences(cov))

    st.subheader("Quantities only for HS6 lines")
    st.markdown(
        "UN Comtrade reports quantity 0 at chapter and heading level, so quantities and unit "
        "values are kept only for HS6 lines, and their units differ by line (kg, items, "
        "m², dozens). Census files here carry values only."
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
        st.dataframe(seeds.assign(value=seeds["value_usd"].map(text.usd)), hide_index=True)

    st.subheader("CBP's own estimate has no product definition")
    wro = queries.ref_figures(("WRO-01",))
    if not wro.empty:
        r = wro.iloc[0]
        st.markdown(
            f"> “{md_text_outside_code(r['quote'])}”\n\n"
            f"— *{r['source_name']}*, {r['publication_date']} ([source page](<{r['url']}>)) · "
            f"reference figure {r['figure_id']}"
        )
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
    counts = mapping.groupby("product_group", sort=False).size()
    st.caption(
        f"{len(shown)} HS6 lines shown"
        + ("" if group != ALL_GROUPS else f" in {len(counts)} groups")
        + ". The basis of every row: "
        + str(mapping["mapping_basis"].iloc[0] if not mapping.empty else "n/a")
        + "."
    )
    shown_table = shown[["hs_code", "description", "product_group", "family", "rule"]].rename(
        columns={"hs_code": "HS6 code", "product_group": "group"}
    )
    st.dataframe(shown_table, hide_index=True)
    table_downloads(
        shown_table,
        key="mapping",
        title=f"HS6 to WRO product group mapping ({group})",
        source="WRO Trade Monitor project mapping (etl/seeds/product_group_rules.csv); "
        "CBP named products, not HS codes",
    )
    with st.expander("etl/seeds/README.md: why the mapping is ours"):
        if SEEDS_README.exists():
            st.markdown(md_text_outside_code(SEEDS_README.read_text(encoding="utf-8")))


def downloads_section() -> None:
    st.header("Download the tables")
    st.caption(
        "Each file is built only when you click. CSV files start with '# key: value' lines "
        "(title, units, source, vintage) and one blank line before the table; text cells "
        "that a spreadsheet would run as a formula are prefixed with a single quote."
    )
    sizes = queries.downloadable_table_sizes().set_index("table")
    for name in queries.DOWNLOADABLE_TABLES:
        title, units = TABLE_NOTES.get(name, (name, ""))
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
        return export.export_bytes(fmt, _meta(name, df), df=df)

    return build


def _meta(name: str, df: pd.DataFrame):
    title, units = TABLE_NOTES.get(name, (name, ""))
    datasets = set()
    for col in ("dataset", "datasets"):
        if col in df.columns:
            datasets |= {d for v in df[col].dropna() for d in str(v).split(",") if d}
    sources = queries.all_sources.uncached()
    used = sources[sources["dataset"].isin(datasets)] if datasets else sources.iloc[0:0]
    source = "; ".join(
        f"{r['upstream_agency']} ({r['dataset']}; {r['licence']})" for _, r in used.iterrows()
    )
    vintage = (
        "; ".join(sorted({str(v) for v in df["vintage"].dropna()}))
        if "vintage" in df.columns
        else "; ".join(f"{r['dataset']}: {r['upstream_vintage']}" for _, r in used.iterrows())
    )
    return export.ExportMeta(
        title=f"WRO Trade Monitor: {name}",
        subtitle=title,
        source=source or "WRO Trade Monitor warehouse (see dim_source)",
        vintage=vintage or "see dim_source",
        units=units,
    )


# --------------------------------------------------------------------------- helpers


def _chapters_label(chapters) -> str:
    if chapters is None or (isinstance(chapters, float) and pd.isna(chapters)):
        return ""
    items = str(chapters).split(", ")
    if len(items) > 20:
        return f"{items[0]}-{items[-1]} ({len(items)} chapters)"
    return str(chapters)


def _coverage_sentences(cov: pd.DataFrame) -> str:
    """Partner and period coverage in words, computed from the coverage table."""
    lines = []
    us = cov[(cov["reporter"] == "USA") & (cov["flow"] == "imports")]
    for (source, freq), part in us.groupby(["source", "frequency"], sort=True):
        agency = queries.SOURCES.get(source, source)
        first, last = part["first_period"].min(), part["last_period"].max()
        partners = part[part["partner"] != "WLD"]["partner"].drop_duplicates().tolist()
        world = part[part["partner"] == "WLD"]
        world_text = (
            "; World total only for chapters "
            + ", ".join(sorted(set(", ".join(world["hs_chapters"]).split(", "))))
            + f" ({world['first_period'].min()} to {world['last_period'].max()})"
            if not world.empty
            else "; no World total"
        )
        period = first if first == last else f"{first} to {last}"
        lines.append(
            f"- **US imports, {freq}, {agency}:** {period}; partners "
            f"{', '.join(partners) or 'none'}{world_text}."
        )
    exp = cov[cov["flow"] == "exports"]
    if not exp.empty:
        lines.append(
            "- **Exports reported by exporters (FOB):** reporters "
            + ", ".join(exp["reporter"].drop_duplicates())
            + "; chapters "
            + ", ".join(sorted(set(", ".join(exp["hs_chapters"].dropna()).split(", "))))
            + f"; {exp['first_period'].min()} to {exp['last_period'].max()}."
        )
    monthly = cov[cov["frequency"] == "monthly"]
    if not monthly.empty:
        lines.append(
            f"- **Monthly data exist only from {monthly['first_period'].min()} to "
            f"{monthly['last_period'].max()}**: they do not cover the January 2021 WRO or the "
            "June 2022 UFLPA; the annual series do."
        )
    return "\n".join(lines) if lines else "The warehouse holds no trade rows."


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
    caveats_section(coverage)
    mapping_section()
    downloads_section()
    share_link()
