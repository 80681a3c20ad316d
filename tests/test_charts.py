"""Chart functions are pure: DataFrame in, Figure out. Checked by their traces."""

import pandas as pd

from dashboard import charts, theme

EVENTS = pd.DataFrame(
    {
        "event_date": pd.to_datetime(["2021-01-13", "2022-06-21"]),
        "event_id": ["region_wro", "uflpa"],
        "label": ["Region-wide WRO", "UFLPA in force"],
        "description": ["a", "b"],
        "source_ref": ["x", "y"],
    }
)

# Synthetic values: shapes like the marts, numbers made up for the test.
SYNTHETIC = pd.DataFrame(
    {
        "year": [2019, 2020, 2021, 2019, 2020, 2021],
        "partner_iso3": ["VNM", "VNM", "VNM", "CHN", "CHN", "CHN"],
        "partner": ["Vietnam"] * 3 + ["China"] * 3,
        "value_usd": [1.0, 2.0, 3.0, 10.0, 8.0, 5.0],
    }
)


def line_chart(df=SYNTHETIC, **kw):
    args = dict(
        x="year",
        y="value_usd",
        series="partner_iso3",
        series_label="partner",
        title="Synthetic title",
        subtitle="synthetic subtitle",
        y_title="USD, CIF value",
        source="Source: synthetic test data",
        events=EVENTS,
    )
    args.update(kw)
    return charts.series_over_time_chart(df, **args)


def test_one_trace_per_partner_with_its_values():
    fig = line_chart()
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"China", "Vietnam"}
    assert list(by_name["China"].y) == [10.0, 8.0, 5.0]
    assert list(by_name["Vietnam"].x) == [2019, 2020, 2021]


def test_a_missing_year_is_a_gap_not_a_line_across_it():
    gappy = SYNTHETIC[SYNTHETIC.year != 2020].assign(
        value_usd=lambda d: d.value_usd.where(~((d.year == 2021) & (d.partner_iso3 == "CHN")))
    )
    fig = line_chart(gappy)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Vietnam"].x) == [2019, 2020, 2021]
    assert list(by_name["Vietnam"].y) == [1.0, None, 3.0]
    assert not fig.data[0].connectgaps
    china = fig.to_plotly_json()["data"][[t.name for t in fig.data].index("China")]
    assert pd.isna(china["y"][2])  # a row with no value stays missing, never 0


def test_china_always_has_the_china_colour():
    for df in (SYNTHETIC, SYNTHETIC[::-1], SYNTHETIC[SYNTHETIC.partner_iso3 == "CHN"]):
        china = next(t for t in line_chart(df).data if t.meta == "CHN")
        assert china.line.color == theme.CHINA_COLOUR
    vietnam = next(t for t in line_chart().data if t.meta == "VNM")
    assert vietnam.line.color != theme.CHINA_COLOUR


def test_title_units_source_and_template_are_set():
    fig = line_chart()
    assert "Synthetic title" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "USD, CIF value"
    sources = [a for a in fig.layout.annotations if a.name == charts.SOURCE_ANNOTATION]
    assert len(sources) == 1 and sources[0].text == "Source: synthetic test data"
    assert fig.layout.yaxis.exponentformat == "B"  # $12B, not 12G
    assert fig.layout.template.layout.font.family == theme.FONT_FAMILY


def test_wro_and_uflpa_are_marked_when_in_range():
    later = SYNTHETIC.assign(year=SYNTHETIC.year + 2)  # 2021-2023 covers both events
    fig = line_chart(later)
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 2
    assert 2021.0 < lines[0].x0 < 2021.1
    labels = {a.text for a in fig.layout.annotations}
    assert {"Region-wide WRO", "UFLPA in force"} <= labels


def test_event_labels_near_the_right_edge_run_leftwards():
    """On 1961-2023 both marks sit in the last tenth of the axis: labels anchored on the
    left would be cut off by the plot's edge."""
    years = SYNTHETIC.assign(year=SYNTHETIC.year - 58)  # 1961-1963
    long = pd.concat([years, SYNTHETIC.assign(year=SYNTHETIC.year + 4)])  # ... 2023
    anchors = {a.text: a.xanchor for a in line_chart(long).layout.annotations if a.text}
    assert anchors["Region-wide WRO"] == anchors["UFLPA in force"] == "right"
    # mid-axis (2015-2025 in the product pages), labels run rightwards from their line
    mid = pd.concat([SYNTHETIC.assign(year=SYNTHETIC.year - 4), SYNTHETIC.assign(year=2025)])
    anchors = {a.text: a.xanchor for a in line_chart(mid).layout.annotations if a.text}
    assert anchors["Region-wide WRO"] == anchors["UFLPA in force"] == "left"


def test_the_data_stays_below_the_event_labels():
    fig = line_chart(SYNTHETIC.assign(year=SYNTHETIC.year + 2))  # 2021-2023: two events
    lowest_label = min(a.y for a in fig.layout.annotations if a.yref == "paper" and a.y > 0.5)
    top = fig.layout.yaxis.range[1]
    assert fig.layout.yaxis.range[0] == 0
    assert SYNTHETIC.value_usd.max() / top < lowest_label - 0.05
    # no events in range: plotly's own autorange
    assert line_chart(SYNTHETIC[SYNTHETIC.year == 2019]).layout.yaxis.range is None


def test_a_source_line_wrapped_for_the_screen_is_exported_whole():
    from dashboard import charts
    from dashboard.impact_view import chart_source

    line = (
        "Source: synthetic test data, CIF value (incl. freight and insurance); pulled with "
        "a synthetic tool, committed 2026-06-18 | a second synthetic source; 2025-11-30"
    )
    fig = line_chart(source=chart_source(line))
    shown = next(a.text for a in fig.layout.annotations if a.name == charts.SOURCE_ANNOTATION)
    assert shown.count("<br>") >= 3  # short lines on screen
    assert charts.source_text(fig) == line  # whole, with its real separators, in exports


def test_events_outside_the_range_are_not_drawn():
    early = SYNTHETIC[SYNTHETIC.year == 2019]
    assert not [s for s in line_chart(early).layout.shapes if s.type == "line"]


def test_monthly_axis_marks_by_date():
    df = pd.DataFrame(
        {
            "period": pd.to_datetime(["2022-05-01", "2022-06-01", "2022-07-01"]),
            "partner_iso3": ["CHN"] * 3,
            "partner": ["China"] * 3,
            "value_usd": [1.0, 2.0, 3.0],
        }
    )
    fig = line_chart(df, x="period")
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1  # UFLPA only; the WRO is before the range


def test_share_chart_uses_percent_axis():
    df = SYNTHETIC.assign(share=SYNTHETIC.value_usd / 20)
    fig = line_chart(df, y="share", percent=True)
    assert fig.layout.yaxis.tickformat == ".0%"


def test_group_change_chart_has_base_and_latest_bars():
    df = pd.DataFrame(
        {
            "product_group_label": ["Cotton apparel", "Cotton apparel", "Fresh tomatoes"],
            "sort_order": [2, 2, 5],
            "year": [2020, 2025, 2025],
            "value_usd": [5.0, 3.0, 1.0],
        }
    )
    fig = charts.group_change_chart(
        df, base_year=2020, latest_year=2025, title="t", subtitle="s", source="Source: synthetic"
    )
    assert [t.name for t in fig.data] == ["2020", "2025"]
    assert list(fig.data[1].x) == [3.0, 1.0]
    assert fig.data[1].marker.color == theme.CHINA_COLOUR
    # every bar says its value: a tiny one beside a big one is otherwise invisible
    assert list(fig.data[1].text) == ["$3", "$1"]
    assert fig.layout.xaxis.range[1] > 5.0


def test_empty_frame_gives_an_empty_but_valid_figure():
    fig = line_chart(SYNTHETIC.iloc[0:0])
    assert len(fig.data) == 0
    assert fig.to_json()


def test_distinct_colours_keep_china_and_never_repeat():
    codes = ["ESP", "CHN", "ITA", "EGY", "TUR", "IRN", "BRA", "PRT", "GRC", "CHL", "UKR"]
    colours = charts.distinct_colours(codes)
    assert colours["CHN"] == theme.CHINA_COLOUR
    assert colours["ITA"] == theme.PARTNER_COLOURS["ITA"]
    named = [colours[c] for c in codes if colours[c] != theme.OTHER_COLOUR]
    assert len(set(named)) == len(named)


def test_only_the_wro_and_uflpa_are_marked_over_decades():
    events = pd.concat(
        [EVENTS, EVENTS.assign(event_id=["hoshine_wro", "other"], label=["a", "b"])],
        ignore_index=True,
    )
    assert len(charts.events_to_mark(events, 10)) == 4
    assert set(charts.events_to_mark(events, 40)["event_id"]) == {"region_wro", "uflpa"}


def synthetic_at_risk(partners: list[str]) -> pd.DataFrame:
    """Trade at risk by group and partner; SYNTHETIC values (partner i has i + 1)."""
    rows = [
        {
            "product_group_label": label,
            "sort_order": order,
            "partner_iso3": iso3,
            "partner": f"name of {iso3}",
            "at_risk_value_usd": float(i + 1),
        }
        for order, label in enumerate(["Cotton apparel", "Tomato paste"])
        for i, iso3 in enumerate(partners)
    ]
    return pd.DataFrame(rows)


def test_the_at_risk_chart_stacks_at_most_eight_partners_and_keeps_every_total():
    from dashboard.impact_view import at_risk_chart_frame

    partners = ["CHN", "VNM", "MEX", "IND", "BGD", "KHM", "IDN", "PAK", "TUR", "EGY", "PER"]
    df = synthetic_at_risk(partners)
    capped = at_risk_chart_frame(df)
    fig = charts.at_risk_chart(capped, title="t", subtitle="s", x_title="USD", source="src")
    names = [t.name for t in fig.data]
    assert len(names) == 8
    assert names[0] == "name of CHN"  # China first, though its value is the smallest
    assert names[-1] == "All other partners (4)"  # VNM, MEX, IND, BGD: the 4 smallest
    assert fig.data[-1].marker.color == theme.OTHER_COLOUR
    assert len({t.marker.color for t in fig.data}) == 8  # no two partners share a colour
    for label in ("Cotton apparel", "Tomato paste"):
        shown = sum(x for t in fig.data for x, y in zip(t.x, t.y, strict=True) if y == label)
        assert shown == df.loc[df["product_group_label"] == label, "at_risk_value_usd"].sum()


def test_few_partners_are_stacked_as_they_are():
    from dashboard.impact_view import at_risk_chart_frame

    df = synthetic_at_risk(["CHN", "VNM", "MEX"])
    assert at_risk_chart_frame(df) is df
