"""Data and methods: every source with provenance, licence and vintage; what the data covers;
partners that are not ISO countries; the caveats; our HS-to-product-group mapping; every
table for download. Every number is read from the warehouse; the caveats are those of
data/raw/SOURCES.md, beside the rows that illustrate them."""

from pathlib import Path

import pandas as pd

from dashboard import currency_view, export, filters, queries, text
from dashboard import methods_view as view
from dashboard.blocks import Box, Downloads, File, Note, Prose, Table
from dashboard.page import Page, Section
from dashboard.render import source_line
from dashboard.text import md_without_maths

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES_MD = ROOT / "data" / "raw" / "SOURCES.md"
SEEDS_README = ROOT / "etl" / "seeds" / "README.md"
ALL_GROUPS = "All product groups"


def page() -> Page:
    return Page(
        title="Data and methods",
        intro="methods/intro.md",
        data=tuple(currency_view.SERIES),
        sections=lambda: [
            Section("Sources", sources),
            Section("What the trade data covers", coverage),
            Section("Partners that are not ISO countries", partner_codes),
            Section("Caveats", caveats),
            Section("HS codes to WRO product groups", mapping, fragment=True),
            Section("Download the tables", downloads),
        ],
    )


def file_text(path: Path) -> Note:
    if not path.exists():
        return Note(f"{path} is missing from this checkout.", "warning")
    return Note(md_without_maths(path.read_text(encoding="utf-8")), "markdown")


def sources() -> list:
    rows = queries.all_sources()
    return [
        Prose("methods/sources.md", "caption"),
        Table(
            rows[view.SOURCE_COLUMNS],
            key="sources",
            title="Sources of the WRO Trade Monitor warehouse",
            source="Table dim_source, built from data/raw/manifest.csv and data/raw/SOURCES.md",
        ),
        *[
            Box(
                [Note(view.source_details(row), "markdown")],
                expander=f"{row['dataset']}: {row['upstream_agency']}",
            )
            for _, row in rows.iterrows()
        ],
        Box([file_text(SOURCES_MD)], expander="data/raw/SOURCES.md: the full provenance notes"),
    ]


def coverage() -> list:
    cov = queries.trade_coverage()
    return [
        Prose("methods/coverage.md", "caption"),
        Table(
            cov,
            shown=cov.assign(hs_chapters=cov["hs_chapters"].map(view.chapters_label)),
            key="coverage",
            title="What the trade data covers",
            source=source_line(cov["dataset"]),
            units="periods and row counts",
        ),
    ]


def partner_codes() -> list:
    codes = queries.partner_codes_apart()
    unmapped = int((codes["kind"] == "country").sum())
    return [
        Prose("methods/partner_codes.md", "caption"),
        Note(f"{text.plural(unmapped, 'code')} could not be mapped to a country."),
        Table(
            codes,
            key="partner_codes",
            title="Partner codes that are not ISO countries",
            source="Table dim_partner, built from etl/seeds/partner_codes.csv",
        ),
    ]


def trade_rows(df: pd.DataFrame, *, key: str, title: str, units: str) -> Table:
    """Warehouse trade rows as a table, values in words, with their own sources."""
    return Table(
        df,
        shown=df.assign(value=df["value_usd"].map(text.usd)),
        key=key,
        title=title,
        source=source_line(df["dataset"]),
        units=units,
    )


def caveats() -> list:
    both = queries.same_cell_both_sources("61", "CHN")
    revisions = queries.hs_revisions_by_year()
    seeds = queries.hs_lines(("120991", "1209918070"))
    seeds = seeds[seeds["source"] == "census"]
    wro = queries.ref_figures(("WRO-01",))
    return [
        Note("CIF value and customs value are different measures", "subheader"),
        Prose("methods/cif_vs_customs.md"),
        *(
            [Note("No year has US imports of HS 61 from China in both sources.", "info")]
            if both.empty
            else [
                trade_rows(
                    both,
                    key="cif_vs_customs",
                    title="US imports of HS 61 from China in both sources (CIF and customs value)",
                    units="USD; CIF value (Comtrade) and customs value (Census), never combined",
                ),
                Note("HS 61 (knitted apparel), US imports from China: two measures, shown apart."),
            ]
        ),
        Note("HS revisions", "subheader"),
        Prose("methods/hs_revisions.md"),
        Table(
            revisions,
            key="hs_revisions",
            title="HS revision of each dataset's rows, by years",
            source=source_line(revisions["dataset"]),
            units="years; row counts",
        ),
        Note("General imports, not imports for consumption", "subheader"),
        Prose("methods/general_imports.md"),
        Note("Vintages and revisions", "subheader"),
        Prose("methods/vintages.md"),
        Note("Which partners and periods exist", "subheader"),
        Note(view.coverage_sentences(queries.trade_coverage()), "markdown"),
        Note("Quantities only for HS6 lines", "subheader"),
        Prose("methods/quantities.md"),
        Note("Tomato seeds are a proxy", "subheader"),
        Prose("methods/seeds.md"),
        *(
            [Note("The warehouse has no Census rows for these lines.", "info")]
            if seeds.empty
            else [
                trade_rows(
                    seeds,
                    key="seed_lines",
                    title="US imports of vegetable seeds and tomato seed (Census HTS lines)",
                    units="USD, customs value",
                )
            ]
        ),
        Note("CBP's own estimate has no product definition", "subheader"),
        *([Note(view.cited_quote(wro.iloc[0]), "markdown")] if not wro.empty else []),
        Prose("methods/cbp_estimate.md"),
        Note("Tomato production, paste exports and Xinjiang", "subheader"),
        Prose("methods/tomato_production.md"),
    ]


def mapping() -> list:
    rules = queries.product_group_mapping()
    labels = {ALL_GROUPS: ALL_GROUPS} | {g: g for g in rules["product_group"].drop_duplicates()}
    group = filters.select("Product group", labels, "methods_group", default=ALL_GROUPS)
    shown = rules if group == ALL_GROUPS else rules[rules["product_group"] == group]
    table = shown[["hs_code", "description", "product_group", "family", "rule"]].rename(
        columns={"hs_code": "HS6 code", "product_group": "group"}
    )
    return [
        Prose("methods/mapping.md"),
        Note(view.mapping_caption(rules, shown, all_groups=group == ALL_GROUPS)),
        Table(
            table,
            key="mapping",
            title=f"HS6 to WRO product group mapping ({group})",
            source="WRO Trade Monitor project mapping (etl/seeds/product_group_rules.csv); "
            "CBP named products, not HS codes",
        ),
        Box([file_text(SEEDS_README)], expander="etl/seeds/README.md: why the mapping is ours"),
    ]


def downloads() -> list:
    sizes = queries.downloadable_table_sizes().set_index("table")
    out = [Prose("methods/downloads.md", "caption")]
    for name in queries.DOWNLOADABLE_TABLES:
        title, _units = view.table_note(name)
        rows = int(sizes.loc[name, "rows"]) if name in sizes.index else 0
        files = [
            File(
                fmt.upper(),
                file_builder(name, fmt),
                f"{name}.{fmt}",
                export.EXPORT_FORMATS[fmt].mime,
                f"download_{name}_{fmt}",
                disabled=rows == 0,
            )
            for fmt in ("csv", "xlsx")
        ]
        out.append(Downloads(f"**`{name}`**: {title}. {rows:,} rows.", files))
    return out


def file_builder(name: str, fmt: str):
    """The download callable for one table: runs on click, off the script thread."""

    def build() -> bytes:
        df = queries.whole_table.uncached(name)
        meta = view.table_meta(name, df, queries.all_sources.uncached())
        return export.export_bytes(fmt, meta, df=df)

    return build
