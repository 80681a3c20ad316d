"""Revised figures: the chart marking and the Revisions page's words, as pure functions
(synthetic frames); and the Revisions page on the shipped warehouse, whose one pair of
vintages agrees (the 2024 months of the Census API answer and of the 2026 USA Trade Online
report)."""

import pandas as pd
import pytest

from dashboard import charts, revisions_view
from dashboard.charts.trends import REVISED_SYMBOL
from tests.apptest import figures, open_page, open_table_downloads

# Synthetic rows shaped like a mart query: one revised point (CHN 2020).
ROWS = pd.DataFrame(
    {
        "year": [2019, 2020, 2021, 2019, 2020, 2021],
        "partner_iso3": ["CHN"] * 3 + ["VNM"] * 3,
        "partner": ["China"] * 3 + ["Vietnam"] * 3,
        "value_usd": [10.0, 8.0, 5.0, 1.0, 2.0, 3.0],
        "revised_from_usd": [None, 7.5e9, None, None, None, None],
        "revised_from_vintage": [None, "Census API, fetched 2026-01-01T00:00:00Z"] + [None] * 4,
    }
)


def test_a_revised_point_is_an_open_diamond_with_its_earlier_value_in_the_hover():
    frame = ROWS.assign(revision=revisions_view.revision_notes(ROWS))
    fig = charts.series_over_time_chart(
        frame, x="year", y="value_usd", series="partner_iso3", series_label="partner",
        title="t", subtitle="s", y_title="USD", source="Source: synthetic", notes="revision",
    )  # fmt: skip
    china, vietnam = fig.data
    assert list(china.marker.symbol) == ["circle", REVISED_SYMBOL, "circle"]
    assert china.customdata[1] == (
        "<br>revised: was $7.50 bn in Census API, fetched 2026-01-01T00:00:00Z"
    )
    assert china.customdata[0] == "" and "%{customdata}" in china.hovertemplate
    assert vietnam.marker.symbol is None  # nothing revised: plain markers
    assert " 1 point is a revised figure" in revisions_view.revised_count_sentence(
        frame["revision"]
    )


def test_without_notes_the_chart_is_as_before():
    fig = charts.series_over_time_chart(
        ROWS, x="year", y="value_usd", series="partner_iso3", series_label="partner",
        title="t", subtitle="s", y_title="USD", source="Source: synthetic",
    )  # fmt: skip
    assert all(t.customdata is None and "customdata" not in t.hovertemplate for t in fig.data)


def test_a_summed_line_says_how_many_revised_figures_it_holds():
    from dashboard.suppliers_view import OTHER_CHOSEN, capped_partners

    many = pd.concat(
        [ROWS.assign(partner_iso3=f"P{n}", partner=f"P{n}", value_usd=ROWS["value_usd"] * n)
         for n in range(1, 10)]
    )  # fmt: skip
    capped = capped_partners(many.assign(revision=revisions_view.revision_notes(many)),
                             x="year", y="value_usd")  # fmt: skip
    other = capped[capped["partner_iso3"] == OTHER_CHOSEN].set_index("year")["revision"]
    assert other[2020].startswith("includes ") and other[2020].endswith(" revised figures")
    assert other[2019] == ""


def test_sizes_by_month_keep_sources_apart():
    revised = pd.DataFrame(
        {
            "source": ["census", "census", "comtrade"],
            "period": pd.to_datetime(["2021-06-01", "2021-06-01", "2021-01-01"]),
            "change_usd": [100.0, -50.0, 30.0],
        }
    )
    sizes = revisions_view.size_by_month(revised)
    assert sizes[["source", "absolute_change_usd", "figures"]].values.tolist() == [
        ["census", 150.0, 2],
        ["comtrade", 30.0, 1],
    ]
    fig = charts.revisions_by_month_chart(sizes, title="t", subtitle="s", source="Source: x")
    assert [t.name for t in fig.data] == ["US Census Bureau", "UN Comtrade"]
    assert "Jun 2021" in revisions_view.size_summary(sizes)


@pytest.mark.apptest
def test_the_shipped_pair_is_compared_with_no_revisions(app_env, warehouse):
    at = open_page("pages/revisions.py")
    checks = warehouse.execute(
        "select new_dataset, figures_compared, figures_revised "
        "from mart_revision_checks_by_vintage_pair order by new_dataset"
    ).fetchall()
    assert checks == [("census_monthly_china_hs2", 192, 0), ("census_monthly_textiles", 288, 0)]
    infos = [i.value for i in at.info]
    assert any(i.startswith("Compared, no revisions: the 480 figures") for i in infos), infos
    said = "\n".join(m.value for m in at.markdown)
    assert "(`census_monthly_textiles`): 288 figures compared for Jan 2024 to Dec 2024; " in said
    assert "**no revisions**" in said
    assert "No revised figure in this warehouse." in infos
    assert not figures(at)  # no revision to chart
    assert len(at.dataframe) == 1  # the pairs compared, with downloads
    assert not any(b.label == "CSV data" for b in at.get("download_button"))  # until opened
    open_table_downloads(at)
    assert any(b.label == "CSV data" for b in at.get("download_button"))
