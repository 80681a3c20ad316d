"""AppTest of the Enforcement page, and of the latest UFLPA totals on the Overview and the WRO
impact page. Every CBP figure must reach the screen and the CSV/XLSX downloads with its
source's words; the charts draw dated points, never a line through them. Expected values
come from the warehouse built from the shipped snapshot (its tables are checked against the
files in tests/test_etl_enforcement.py)."""

import io

import openpyxl
import pandas as pd
import pytest

from dashboard import export
from tests import apptest
from tests.plotly_json import values

pytestmark = pytest.mark.apptest

PAGE = "pages/enforcement.py"
AFT = "Apparel, Footwear & Textiles"
REDEFINED = "CBP redefined “shipment” in a 2026 dashboard update"
CHART_TITLES = (
    "UFLPA shipments reviewed, cumulative",
    "UFLPA shipments reviewed: their value",
    "UFLPA shipments: Apparel, Footwear & Textiles against all industries",
    "Value of UFLPA shipments reviewed, by country of origin",
    "Entities on the UFLPA Entity List",
    "US imports of textiles and apparel (HS chapters 50-63), by month",
    "Entries targeted for suspected forced labor, by month",
)
POINT_CHARTS = [t for t in CHART_TITLES if not t.startswith("US imports")]


def printed(value_text: str, unit: str) -> str:
    """A figure as the page writes it: amounts carry their $, counts their unit."""
    return value_text if unit == "USD" else f"{value_text} {unit}"


@pytest.fixture(scope="module")
def default_view(app_env):
    return apptest.open_boxes(apptest.open_chart_tables(apptest.open_page(PAGE)))


@pytest.fixture(scope="module")
def aft_view(app_env):
    at = apptest.open_page(PAGE)
    at.radio(key="enf_industry").set_value(AFT).run()
    assert not at.exception
    return apptest.open_boxes(apptest.open_chart_tables(at))


def figures_by_title(at) -> dict[str, dict]:
    return {apptest.plain_title(f): f for f in apptest.figures(at)}


def figure_starting(at, prefix: str) -> dict:
    found = [f for t, f in figures_by_title(at).items() if t.startswith(prefix)]
    assert len(found) == 1, list(figures_by_title(at))
    return found[0]


def page_text(at) -> str:
    return "\n".join(
        e.value for e in [*at.markdown, *at.caption, *at.info] if isinstance(e.value, str)
    ).replace("\\", "")


# --- the page draws each chart, as points ------------------------------------------------------


def test_every_chart_is_drawn(default_view):
    titles = list(figures_by_title(default_view))
    for title in CHART_TITLES:
        assert any(t.startswith(title) for t in titles), (title, titles)


def test_published_figures_are_points_never_a_line(default_view):
    for title in POINT_CHARTS:
        for trace in figure_starting(default_view, title)["data"]:
            assert trace["mode"] == "markers+text", (title, trace["name"])


def test_snapshots_are_the_warehouse_points_with_words_and_source(default_view, warehouse):
    expected = warehouse.execute(
        """select strftime(as_of_date, '%Y-%m-%d'), value_number, value_text, qualifier_kind,
                  source_name, url
           from mart_uflpa_enforcement_by_snapshot
           where industry = 'All' and country = 'All' and metric = 'value'
           order by as_of_date, snapshot_label"""
    ).fetchall()
    fig = figure_starting(default_view, "UFLPA shipments reviewed: their value")
    (trace,) = fig["data"]
    xs = [str(x)[:10] for x in values(trace["x"])]
    assert list(zip(xs, values(trace["y"]), strict=True)) == [(e[0], e[1]) for e in expected]
    for e, text, hover in zip(expected, trace["text"], trace["hovertext"], strict=True):
        _, _, words, kind, source, url = e
        # a worded figure is labelled with its words; every point's hover has them too
        assert text == ("" if kind == "exact" else words)
        assert words.replace("&", "&amp;") in hover and url in hover
    symbols = trace["marker"]["symbol"]
    assert [s == "circle" for s in symbols] == [e[3] == "exact" for e in expected]


def test_the_redefinition_of_shipment_is_said_wherever_counts_are_charted(default_view):
    for title in CHART_TITLES[0], CHART_TITLES[2]:  # the charts of shipment counts
        subtitle = figure_starting(default_view, title)["layout"]["title"]["text"]
        assert "CBP redefined “shipment” in 2026" in subtitle, title
    captions = [c.value for c in default_view.caption]
    for start in ("UFLPA shipments, all industries", "UFLPA shipments: "):
        summary = next(c for c in captions if c.startswith(start))
        assert REDEFINED in summary, start


def test_what_is_not_published_is_said_plainly(default_view):
    text = page_text(default_view)
    assert "Agriculture & Prepared Products" in text
    assert "The Xinjiang cotton and tomato WRO itself" in text


# --- every figure's words reach the screen and the downloads --------------------------------


WORDS = ("value as printed", "qualifier (source's words)", "reads as", "value reads as")


def figure_tables(*views) -> list[pd.DataFrame]:
    """Every table of CBP figures on the page (each has its figures' printed words)."""
    return [d.value for at in views for d in at.dataframe if "value as printed" in d.value.columns]


def words_of(df: pd.DataFrame) -> pd.DataFrame:
    return df[[c for c in WORDS if c in df.columns]]


def test_every_uflpa_figure_is_on_the_page_with_its_words(default_view, aft_view, warehouse):
    expected = warehouse.execute(
        "select value_text, unit, qualifier from ref_uflpa_figures"
    ).fetchall()
    tables = figure_tables(default_view, aft_view)
    shown = pd.concat([t for t in tables if WORDS[1] in t.columns], ignore_index=True)
    pairs = set(zip(shown["value as printed"], shown["qualifier (source's words)"], strict=True))
    missing = [e for e in expected if (printed(e[0], e[1]), e[2]) not in pairs]
    assert missing == []


def test_a_qualified_figure_has_no_exact_value_in_any_table(default_view, aft_view):
    for df in figure_tables(default_view, aft_view):
        if "exact value" not in df.columns:
            continue
        assert WORDS[1] in df.columns
        worded = df[df["qualifier (source's words)"] != "exact"]
        assert worded["exact value"].isna().all()


def _xlsx_rows(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["data"]
    return list(sheet.iter_rows(values_only=True))


def test_qualifiers_survive_the_csv_and_xlsx_downloads(default_view, aft_view):
    """The files a download button makes from a table (dashboard.export, as dashboard.render
    calls it) keep every figure's words, unchanged."""
    meta = export.ExportMeta(title="test", source="Source: test")
    tables = figure_tables(default_view, aft_view)
    assert len(tables) >= 9
    for df in tables:
        words = words_of(df)
        _, table = export.read_export_csv(export.csv_bytes(df, meta))
        back = table[list(words.columns)].map(export.unneutralise)
        assert back.values.tolist() == words.values.tolist()
        rows = _xlsx_rows(export.xlsx_bytes(df, meta))
        header, body = rows[0], rows[1:]
        cols = [header.index(c) for c in words.columns]
        assert [[r[i] for i in cols] for r in body] == words.values.tolist()


def test_lower_bounds_reach_the_files_with_their_words(default_view):
    """The latest value, "more than $3.68 billion", in the table behind the value chart and
    in its CSV and XLSX."""
    df = next(
        d
        for d in figure_tables(default_view)
        if "more than $3.68 billion" in set(d["value as printed"])
    )
    meta = export.ExportMeta(title="test")
    assert "more than $3.68 billion" in export.csv_bytes(df, meta).decode("utf-8-sig")
    assert any("more than $3.68 billion" in r for r in _xlsx_rows(export.xlsx_bytes(df, meta)))


# --- trade beside enforcement -------------------------------------------------------------------


def test_the_months_the_trade_data_cover_are_said(default_view, warehouse):
    months = dict(
        warehouse.execute(
            """select partner_iso3, count(*) from (
                   select partner_iso3, period from mart_us_imports_by_month_partner_hs
                   where source = 'census' and hs_level = 2 and hs_code between '50' and '63'
                     and partner_iso3 in ('WLD', 'CHN')
                   group by all having count(*) = 14)
               group by 1"""
        ).fetchall()
    )
    text = page_text(default_view)
    assert f"China: Jan 2023 – Mar 2026 ({months['CHN']} months)" in text
    assert f"Jan 2023 – Dec 2024 ({months['WLD']} months)" in text


def test_aft_figures_sit_beside_imports_of_the_same_whole_months(default_view, warehouse):
    beside = next(
        d.value for d in default_view.dataframe if "why no trade figure" in d.value.columns
    )
    imports = "US imports, HS 50-63, all countries (USD, customs value)"
    year_2023 = warehouse.execute(
        """select sum(value_usd) from mart_us_imports_by_month_partner_hs
           where source = 'census' and partner_iso3 = 'WLD' and hs_level = 2
             and hs_code between '50' and '63' and year = 2023"""
    ).fetchone()[0]
    cy = beside[beside["period"].str.contains("CY2023 full")].iloc[0]
    assert cy[imports] == pytest.approx(year_2023)
    assert cy["AF&T value (CBP, as printed)"] == "$40m"
    launch = beside[beside["period"].str.contains("Dashboard launch")].iloc[0]
    assert pd.isna(launch[imports])
    assert "not whole calendar months" in launch["why no trade figure"]
    assert "the trade data lack" in launch["why no trade figure"]
    # never a share: no column divides one by the other
    assert not [c for c in beside.columns if "share" in c.lower() or "%" in c]


# --- the latest totals elsewhere ------------------------------------------------------------------


def test_the_overview_headline_gives_the_latest_totals_with_words_and_source(app_env, warehouse):
    at = apptest.open_page(None)
    latest = warehouse.execute(
        """select metric, value_text, url, strftime(as_of_date, '%Y-%m-%d')
           from mart_uflpa_enforcement_by_snapshot
           where industry = 'All' and country = 'All' and metric in ('shipments', 'value')
           qualify row_number() over (partition by metric order by as_of_date desc) = 1"""
    ).fetchall()
    metrics = {m.label: m.value for m in at.metric}
    for metric, words, url, _ in latest:
        assert words in metrics.values(), (metric, metrics)
        assert url in page_text(at)
    assert any("to 14 Jan 2025" in label for label in metrics)
    assert "is the source's wording: a lower bound" in page_text(at)


def test_the_impact_page_shows_them_beside_the_slider_without_setting_it(app_env, model_tables):
    """The Enforcement slider keeps the model's own default (an assumption, from the
    exposure package's central scenario), whatever CBP published."""
    at = apptest.open_page("pages/wro_impact.py")
    note = next(c.value for c in at.sidebar.caption if "Published, for context" in c.value)
    assert "more than $3.68 billion" in note.replace("\\", "")
    assert "do not set the Enforcement slider" in note
    central = model_tables["scenarios"]["central"].value("enforcement", "")
    assert at.slider(key="impact_enforcement").value == pytest.approx(central * 100)


def test_a_chart_image_keeps_the_words_of_its_points(warehouse):
    """The exported image of the value chart (dashboard.export, as its PNG/SVG/PDF buttons
    make it) carries each worded point's label."""
    from dashboard import charts
    from dashboard import enforcement_view as view

    snapshots = warehouse.execute("select * from mart_uflpa_enforcement_by_snapshot").df()
    df = view.snapshot_frame(snapshots, "All", "value")
    fig = charts.points_chart(
        df, x="as_of_date", y="value_number", series="result", kind="qualifier_kind",
        label="label", hover="hover", title="t", subtitle="s", x_title="x", y_title="y",
        source="Source: test",
    )  # fmt: skip
    svg = export.export_bytes("svg", export.ExportMeta(title="t"), fig=fig, df=df).decode()
    worded = df[df["qualifier_kind"] != "exact"]["value_text"]
    assert len(worded) >= 5
    for words in worded:
        assert words.replace("&", "&amp;") in svg, words
