"""What the Data and methods page says about the warehouse, as pure functions: what each
downloadable table holds, a source's provenance, the trade coverage in words, and the
header of a downloaded table. No st.* calls.
"""

import pandas as pd

from dashboard import export, queries
from dashboard.text import md_without_maths

# What a downloaded file's header says about each table's numbers: (title, units).
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
    "ref_figure_citations": (
        "Every source each reference figure cites (a figure printed by two sources cites both)",
        "per row (unit column); value_text as each source printed it",
    ),
    "mart_uflpa_enforcement_by_snapshot": (
        "UFLPA enforcement at each published snapshot, cumulative from the UFLPA's entry into "
        "force (CBP, as quoted by the press): reference figures, never to be differenced",
        "shipments or USD (unit column); value_text and qualifier as printed: a worded "
        "figure is a lower bound or rounded, not exact",
    ),
    "ref_uflpa_figures": (
        "Every UFLPA enforcement figure CBP published, as quoted by the press, cumulative or "
        "for a period of its own",
        "shipments or USD (unit column); value_text and qualifier as printed",
    ),
    "ref_forced_labor_actions_by_period": (
        "All forced-labor actions (WROs, Findings, UFLPA) by fiscal year, as quoted",
        "shipments, entries or USD (unit column); scope_definition says what each counts",
    ),
    "ref_forced_labor_targeted_by_month": (
        "Entries targeted for suspected forced labor by month (targeted is not detained)",
        "entries; value_text as printed, value_usd read from it (see qualifier_kind)",
    ),
    "ref_uflpa_entity_list_by_notice": (
        "UFLPA Entity List notices: entities added and the list's size as stated",
        "entities; text columns as printed",
    ),
    "events": ("Dated events marked on the time series", "no figures"),
}

# The columns of the sources table, and each source's details in its expander.
SOURCE_COLUMNS = [
    "dataset",
    "kind",
    "upstream_agency",
    "licence",
    "upstream_vintage",
    "retrieved",
    "value_basis",
    "units",
    "description",
]
SOURCE_DETAILS = (
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


def table_note(name: str) -> tuple[str, str]:
    """(title, units) of a downloadable table; its name and no units if it has no note."""
    return TABLE_NOTES.get(name, (name, ""))


def source_details(row: pd.Series) -> str:
    """One dim_source row as a Markdown list of what is known about it."""
    return "\n".join(
        f"- **{label}:** {md_without_maths(str(row[col]))}"
        for col, label in SOURCE_DETAILS
        if pd.notna(row[col])
    )


def cited_quote(ref: pd.Series) -> str:
    """A reference figure as a Markdown block quote with its source, date and link."""
    return (
        f"> “{md_without_maths(ref['quote'])}”\n\n"
        f"— *{ref['source_name']}*, {ref['publication_date']} ([source page](<{ref['url']}>)) · "
        f"reference figure {ref['figure_id']}"
    )


def mapping_caption(mapping: pd.DataFrame, shown: pd.DataFrame, all_groups: bool) -> str:
    """How many HS6 lines are shown (and in how many groups), and the mapping's basis."""
    counts = mapping.groupby("product_group", sort=False).size()
    return (
        f"{len(shown)} HS6 lines shown"
        + ("" if not all_groups else f" in {len(counts)} groups")
        + ". The basis of every row: "
        + str(mapping["mapping_basis"].iloc[0] if not mapping.empty else "n/a")
        + "."
    )


def chapters_label(chapters) -> str:
    """A list of HS chapters, shortened to 'first-last (n chapters)' when it is long."""
    if chapters is None or (isinstance(chapters, float) and pd.isna(chapters)):
        return ""
    items = str(chapters).split(", ")
    if len(items) > 20:
        return f"{items[0]}-{items[-1]} ({len(items)} chapters)"
    return str(chapters)


def coverage_sentences(cov: pd.DataFrame) -> str:
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


def table_meta(name: str, df: pd.DataFrame, sources: pd.DataFrame) -> export.ExportMeta:
    """The header of a downloaded table: its note, and the sources (`dim_source` rows) and
    vintages of the datasets it holds."""
    title, units = table_note(name)
    datasets = set()
    for col in ("dataset", "datasets"):
        if col in df.columns:
            datasets |= {d for v in df[col].dropna() for d in str(v).split(",") if d}
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
