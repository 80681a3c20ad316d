"""Revisions: where the warehouse holds a figure in two vintages, what was compared, the
size of revisions by month, and every revised figure with downloads."""

from dashboard import charts, filters, queries
from dashboard import revisions_view as view
from dashboard.blocks import Chart, Note, Prose, Table
from dashboard.page import Page, Section
from dashboard.render import source_line

ALL_SOURCES = "all"


def page() -> Page:
    return Page(
        title="Revisions",
        intro="revisions/intro.md",
        data=("census_monthly", "comtrade_annual", "comtrade_exports"),
        sections=lambda: [
            Section("What was compared", compared),
            Section("The size of revisions by month", sizes, ("revisions_by_month",)),
            Section("Every revised figure", every_figure, fragment=True),
        ],
    )


def _datasets(frame) -> list[str]:
    return sorted(set(frame["old_dataset"]) | set(frame["new_dataset"]))


def compared() -> list:
    checks = queries.revision_checks()
    if checks.empty:
        return [
            Prose("revisions/how.md"),
            Note(
                "The warehouse holds no figure in two vintages yet: nothing to compare. "
                "Every `python -m etl refresh` that brings changed figures adds a vintage.",
                "info",
            ),
        ]
    revised = int(checks["figures_revised"].sum())
    verdict = (
        Note(
            f"Compared, no revisions: the {int(checks['figures_compared'].sum()):,} figures "
            "held in more than one vintage have the same value in each.",
            "info",
        )
        if revised == 0
        else Note(f"{revised:,} figures were revised (below).", "info")
    )
    return [
        verdict,
        Note("\n".join(view.comparison_sentences(checks)), "markdown"),
        Prose("revisions/how.md"),
        Table(
            checks,
            key="revision_checks",
            title="Pairs of vintages compared",
            source=source_line(_datasets(checks)),
            units="figures compared and revised; absolute changes in USD, each source's basis",
        ),
    ]


def sizes() -> list:
    revised = queries.revised_figures()
    if revised.empty:
        return [
            Note("No revised figure: this chart has no data in this warehouse.", "info", embed=True)
        ]
    frame = view.size_by_month(revised)
    fig = charts.revisions_by_month_chart(
        frame,
        title="The size of revisions, by period revised",
        subtitle="Sum of the absolute changes of the revised figures; each source on its own "
        "value basis (Census customs value, Comtrade CIF or FOB)",
        source=source_line(_datasets(revised)),
    )
    return [Chart("revisions_by_month", fig, frame, view.size_summary(frame))]


def every_figure() -> list:
    checks = queries.revision_checks()
    options = {ALL_SOURCES: "All sources"} | {
        s: view.SOURCE_NAMES.get(s, s) for s in checks["source"].drop_duplicates()
    }
    source = filters.select("Source", options, "revisions_source", default=ALL_SOURCES)
    revised = queries.revised_figures(None if source == ALL_SOURCES else source)
    if revised.empty:
        return [Note("No revised figure in this warehouse.", "info"), Prose("revisions/marked.md")]
    shown = view.table(revised).rename(columns=view.TABLE_COLUMNS)
    return [
        Prose("revisions/marked.md"),
        Table(
            revised,
            shown=shown,
            key="revised_figures",
            title="Revised figures: old and new value, and both vintages",
            source=source_line(_datasets(revised)),
            units="USD, each source's value basis",
        ),
    ]
