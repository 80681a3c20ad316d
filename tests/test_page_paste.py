"""AppTest of the Tomato paste world trade page.

Two warehouses: the one built from the shipped snapshot (no tomato-paste export table:
the page must say so plainly) and a copy of it to which SYNTHETIC export rows are added
(dataset `synthetic_test_exports`, made-up values) to drive the China-share path.
"""

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import paste_view, theme
from tests import apptest
from tests.apptest import open_page
from tests.plotly_json import points, traces, values

PAGE = "pages/tomato_paste_world_trade.py"
REF_HEADING = "Reference figures (press and official, transcribed) — not a statistical series"

# SYNTHETIC test data, not real trade figures: USD million exported to World by year.
SYNTHETIC_TO_WORLD = {
    "CHN": [400, 420, 450, 500],
    "ITA": [300, 310, 305, 320],
    "USA": [150, 140, 160, 150],
    "ESP": [100, 110, 90, 80],  # no net weight: tests that it is not filled in
}
SYNTHETIC_YEARS = [2019, 2020, 2021, 2022]
# SYNTHETIC: China's exports to partner countries (USD million) in 2021 and 2022.
SYNTHETIC_CHINA_TO = {"ITA": 90, "RUS": 70, "GHA": 40, "NGA": 30}


def figures(at: AppTest) -> dict[str, dict]:
    """Figures by the plain text of their title (before the subtitle)."""
    return {apptest.plain_title(fig): fig for fig in apptest.figures(at)}


def figure_starting(at: AppTest, prefix: str) -> dict:
    matches = [f for t, f in figures(at).items() if t.startswith(prefix)]
    assert len(matches) == 1, list(figures(at))
    return matches[0]


def source_text(fig: dict) -> str:
    return next(a["text"] for a in fig["layout"]["annotations"] if a.get("name") == "source")


def markdown_text(at: AppTest) -> str:
    # quotes are Markdown-escaped on the page ($ would start maths); compare without escapes
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


# --------------------------------------------------------------------------- summaries


def ranking(*iso3s: str) -> pd.DataFrame:
    """A SYNTHETIC ranking: made-up shares, biggest first."""
    shares = [0.4, 0.3, 0.2, 0.1][: len(iso3s)]
    return pd.DataFrame(
        {
            "rank": range(1, len(iso3s) + 1),
            "iso3": iso3s,
            "country": [f"Country {c}" for c in iso3s],
            "share": shares,
        }
    )


def test_china_place_in_a_ranking():
    place = paste_view.china_place
    assert place(ranking("CHN", "ITA"), "share", absent="!") == ", ahead of Country ITA (30.0%)."
    assert place(ranking("CHN"), "share", absent="!") == "."
    assert place(ranking("ITA", "USA"), "share", absent="; not there.") == "; not there."
    assert place(ranking("ITA", "CHN"), "share", absent="!") == "; China ranked 2 with 30.0%."
    with_amount = place(ranking("ITA", "CHN"), "share", absent="!", amount=lambda c: "$1")
    assert with_amount == "; China ranked 2 with $1 (30.0%)."


# --------------------------------------------------------------------------- snapshot


def test_snapshot_charts_chinas_share_of_world_paste_exports_from_faostat(app_env, warehouse):
    assert (
        warehouse.execute(
            "select count(*) from mart_exports_by_year_reporter_partner_hs where hs_code = '200290'"
        ).fetchone()[0]
        == 0
    )
    at = open_page(PAGE)
    infos = " ".join(i.value for i in at.info)
    assert "no country-by-year table of tomato-paste" not in infos
    fig = figures(at)["China's share of world tomato-paste exports"]
    expected = dict(
        warehouse.execute(
            """select year, quantity_share from mart_paste_exports_by_year_exporter
               where domain = 'TCL' and exporter_id = 'CHN'"""
        ).fetchall()
    )
    assert points(traces(fig)["China"]) == pytest.approx(expected)
    assert expected[2017] == pytest.approx(852_260 / 3_312_889)  # FAOSTAT TCL, tonnes
    assert "FAOSTAT trade domain" in source_text(fig)
    exporters = figures(at)["The top tomato-paste exporters over time"]
    names = [t["name"] for t in exporters["data"]]
    assert names[:2] == ["China", "Italy"] and names[-1] == "All other exporters"
    assert len(names) <= 8
    # the press figures stay beside the series, as cited references
    assert REF_HEADING in markdown_text(at)
    # Comtrade's charts wait for a fetch
    assert not any(t.startswith("Top tomato-paste exporters, ") for t in figures(at))


def test_faostat_series_are_shown_one_at_a_time(app_env, warehouse):
    at = open_page(PAGE, {"paste_fao_domain": "SCL"})
    fig = figures(at)["China's share of world tomato-paste exports"]
    years = sorted(points(traces(fig)["China"]))
    assert (years[0], years[-1]) == (2010, 2022)
    assert "supply utilization (SCL)" in fig["layout"]["title"]["text"]
    # the SCL series has no export value: quantity is the only measure offered
    assert at.selectbox(key="paste_fao_measure").options == ["Quantity (tonnes)"]
    at = open_page(PAGE, {"paste_fao_measure": "value"})
    fig = figures(at)["China's share of world tomato-paste exports"]
    china_2019 = warehouse.execute(
        """select value_share from mart_paste_exports_by_year_exporter
           where domain = 'TCL' and exporter_id = 'CHN' and year = 2019"""
    ).fetchone()[0]
    assert points(traces(fig)["China"])[2019] == pytest.approx(china_2019)


def test_production_share_chart_is_the_mart(app_env, warehouse):
    at = open_page(PAGE)
    fig = figure_starting(at, "Share of world tomato production")
    expected = dict(
        warehouse.execute(
            """
            select year, share_of_world from mart_tomato_production_by_year_country
            where iso3 = 'CHN' and share_of_world is not null
            """
        ).fetchall()
    )
    china = traces(fig)["China"]
    assert points(china) == pytest.approx(expected)
    assert china["line"]["color"] == theme.CHINA_COLOUR
    assert set(traces(fig)) == {"China", "India", "United States", "Italy"}
    colours = [t["line"]["color"] for t in fig["data"]]
    assert len(set(colours)) == len(colours)  # no two countries share a colour
    assert "FAO" in source_text(fig) and "Our World in Data" in source_text(fig)
    assert "Share of world production" in fig["layout"]["yaxis"]["title"]["text"]
    last_year = max(expected)
    captions = " ".join(c.value for c in at.caption)
    assert f"{expected[last_year]:.1%} in {last_year}" in captions


def test_top_producers_chart_is_the_mart(app_env, warehouse):
    at = open_page(PAGE)
    last_year = warehouse.execute(
        "select max(year) from mart_tomato_production_by_year_country where is_country"
    ).fetchone()[0]
    fig = figure_starting(at, f"Top 15 tomato producers, {last_year}")
    top = warehouse.execute(
        """
        select entity, tonnes from mart_tomato_production_by_year_country
        where is_country and year = $year order by tonnes desc limit 15
        """,
        {"year": last_year},
    ).df()
    bar = fig["data"][0]
    assert values(bar["y"]) == top["entity"].tolist()
    assert values(bar["x"]) == pytest.approx(top["tonnes"].tolist())
    china_at = top["entity"].tolist().index("China")
    assert bar["marker"]["color"][china_at] == theme.CHINA_COLOUR
    assert "Tonnes" in fig["layout"]["xaxis"]["title"]["text"]


def test_reference_figures_are_quotes_not_series(app_env, warehouse):
    at = open_page(PAGE)
    text = markdown_text(at)
    assert REF_HEADING in text
    quotes = dict(
        warehouse.execute(
            "select figure_id, quote from ref_figures "
            "where figure_id in ('TOM-01', 'TOM-03', 'TOM-04', 'TOM-11', 'TPT-01', 'PTV-09')"
        ).fetchall()
    )
    assert len(quotes) == 6
    for fid, quote in quotes.items():
        assert quote in text, fid
        assert f"**{fid}**" in text
    assert "40 percent" in text  # TOM-01 as printed
    # No chart carries a transcribed figure: every trace is a country or a measure.
    for title, fig in figures(at).items():
        for trace in fig["data"]:
            assert not str(trace.get("name", "")).startswith(("TOM", "TPT", "TPE", "PTV")), title
    # The full table of transcribed figures is there, with its quotes.
    table = next(df.value for df in at.dataframe if "figure_id" in df.value.columns)
    n = warehouse.execute(
        "select count(*) from ref_figures where figure_id similar to '(TOM|TPT|TPE|PTV)-.*'"
    ).fetchone()[0]
    assert len(table) == n and "quote" in table.columns


def test_a_figure_two_sources_printed_is_one_card_citing_both(app_env, warehouse):
    """TOM-11 (press_official) was printed again, by another Tomato News page, in the second
    paste collection: its card gives both sources' words and links, and the table has it
    once, citing both."""
    at = open_page(PAGE)
    cited = warehouse.execute(
        "select url, value_text from ref_figure_citations where figure_id = 'TOM-11'"
    ).fetchall()
    assert len(cited) == 2 and cited[0][0] != cited[1][0]
    cards = [m.value for m in at.markdown if "**TOM-11**" in m.value]
    assert len(cards) == 1
    card = cards[0]
    assert all(url in card for url, _ in cited)
    plain = card.replace("\\", "")
    assert all(words in plain for _, words in cited)  # each source's own words
    assert "Also printed by" in card
    table = next(df.value for df in at.dataframe if "figure_id" in df.value.columns)
    row = table[table["figure_id"] == "TOM-11"]
    assert len(row) == 1 and row.iloc[0]["sources"] == 2
    assert all(url in row.iloc[0]["also printed by"] for url, _ in cited[1:])
    # the second collection's new figures are on the page with their words: in the table,
    # and as a card where their theme has a box (Italy's imports from China: destinations)
    new = dict(
        warehouse.execute(
            "select figure_id, value_text from ref_figures where figure_id like 'TPE-%'"
        ).fetchall()
    )
    shown = table[table["figure_id"].str.startswith("TPE-")]
    assert dict(zip(shown["figure_id"], shown["value as printed"], strict=True)) == new
    assert any(
        "**TPE-08**" in m.value and new["TPE-08"] in m.value.replace("\\", "") for m in at.markdown
    )


def test_choosing_a_year_changes_the_producers_chart(app_env, warehouse):
    at = open_page(PAGE)
    at.selectbox(key="paste_top_year").set_value(2000).run()
    assert not at.exception
    fig = figure_starting(at, "Top 15 tomato producers, 2000")
    expected = warehouse.execute(
        """
        select tonnes from mart_tomato_production_by_year_country
        where is_country and year = 2000 order by tonnes desc limit 15
        """
    ).df()["tonnes"]
    assert values(fig["data"][0]["x"]) == pytest.approx(expected.tolist())


def test_choosing_countries_and_years_changes_the_share_chart(app_env):
    at = open_page(PAGE)
    at.multiselect(key="paste_countries").set_value(["CHN"]).run()
    at.slider(key="paste_years").set_value((2000, 2010)).run()
    assert not at.exception
    fig = figure_starting(at, "Share of world tomato production")
    assert list(traces(fig)) == ["China"]
    assert sorted(points(traces(fig)["China"])) == list(range(2000, 2011))


def test_the_topic_filter_narrows_the_reference_table(app_env):
    at = open_page(PAGE)
    at.selectbox(key="paste_refs").set_value("xinjiang").run()
    table = next(df.value for df in at.dataframe if "figure_id" in df.value.columns)
    assert set(table["figure_id"]) >= {"TOM-03", "TOM-04", "PTV-09", "PTV-10"}
    assert not set(table["figure_id"]) & {"TPT-30", "TOM-10"}


def test_tampered_link_shows_a_warning_not_an_exception(app_env):
    at = open_page(
        PAGE, {"paste_refs": "garbage", "paste_years": "1800", "paste_countries": "Atlantis"}
    )
    warnings = " ".join(w.value for w in at.warning)
    assert "could not be used" in warnings and "paste_refs" in warnings
    assert "paste_years" in warnings and "paste_countries" in warnings
    assert figure_starting(at, "Share of world tomato production")  # defaults still draw


# --------------------------------------------------------------------------- synthetic


@pytest.fixture(scope="module")
def synthetic_warehouse(warehouse_path, tmp_path_factory) -> Path:
    """A copy of the snapshot warehouse plus SYNTHETIC tomato-paste export rows."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic_paste_exports.duckdb"
    shutil.copy(warehouse_path, path)
    rows = []
    for iso3, usd_m in SYNTHETIC_TO_WORLD.items():
        for year, v in zip(SYNTHETIC_YEARS, usd_m, strict=True):
            weight = None if iso3 == "ESP" else v * 1e6 * 1.5
            rows.append((iso3, "WLD", year, v * 1e6, weight))
    for partner, usd_m in SYNTHETIC_CHINA_TO.items():
        for year in (2021, 2022):
            rows.append(("CHN", partner, year, usd_m * 1e6 + year, usd_m * 1e6))
    con = duckdb.connect(str(path))
    try:
        for reporter, partner, year, value, weight in rows:
            con.execute(
                """
                insert into mart_exports_by_year_reporter_partner_hs
                    (source, dataset, value_basis, reporter_iso3, reporter_name,
                     reporter_is_country, partner_iso3, partner_name, hs_code, hs_level,
                     description, year, value_usd, net_weight_kg, vintage)
                values ('comtrade', 'synthetic_test_exports', 'FOB', $r,
                        (select name from dim_country where iso3 = $r), true, $p,
                        (select name from dim_partner where partner_id = $p), '200290', 6,
                        'SYNTHETIC TEST ROW', $y, $v, $w, 'SYNTHETIC, not real')
                """,
                {"r": reporter, "p": partner, "y": year, "v": value, "w": weight},
            )
        con.execute(
            """
            insert into dim_source (dataset, upstream_agency, origin, licence,
                upstream_vintage, units, value_basis, kind, description)
            values ('synthetic_test_exports', 'SYNTHETIC TEST DATA', 'tests/test_page_paste.py',
                    'n/a', 'SYNTHETIC, not real', 'current USD', 'FOB', 'statistical',
                    'made-up rows for tests')
            """
        )
    finally:
        con.close()
    return path


@pytest.fixture
def synthetic_env(app_env, synthetic_warehouse, monkeypatch):
    monkeypatch.setenv("TRADE_DB", str(synthetic_warehouse))
    return synthetic_warehouse


def expected_china_share(measure: str) -> dict[int, float]:
    frame = pd.DataFrame(
        [
            (iso3, year, v * 1e6 if measure == "value" else (None if iso3 == "ESP" else v * 1.5e6))
            for iso3, vs in SYNTHETIC_TO_WORLD.items()
            for year, v in zip(SYNTHETIC_YEARS, vs, strict=True)
        ],
        columns=["iso3", "year", "amount"],
    )
    world = frame.groupby("year")["amount"].sum()
    china = frame[frame["iso3"] == "CHN"].set_index("year")["amount"]
    return (china / world).to_dict()


def test_synthetic_exports_draw_china_share_of_world_exports(synthetic_env):
    at = open_page(PAGE)
    assert not any("no country-by-year table" in i.value for i in at.info)
    fig = figure_starting(at, "China's share of world tomato-paste exports, UN Comtrade")
    china = traces(fig)["China"]
    assert points(china) == pytest.approx(expected_china_share("value"))
    assert points(china)[2019] == pytest.approx(400 / 950)
    assert china["line"]["color"] == theme.CHINA_COLOUR
    assert "SYNTHETIC TEST DATA" in source_text(fig) and "FOB" in source_text(fig)
    exporters = figure_starting(at, "Top tomato-paste exporters, 2022")
    assert values(exporters["data"][0]["y"]) == ["China", "Italy", "United States", "Spain"]
    captions = " ".join(c.value for c in at.caption)
    assert "47.6% in 2022" in captions  # 500 / 1050, computed from the synthetic rows


def test_synthetic_measure_switch_recomputes_the_share(synthetic_env):
    at = open_page(PAGE)
    at.radio(key="paste_measure").set_value("weight").run()
    assert not at.exception
    fig = figure_starting(at, "China's share of world tomato-paste exports, UN Comtrade")
    by_weight = expected_china_share("weight")
    assert points(traces(fig)["China"]) == pytest.approx(by_weight)
    assert by_weight != pytest.approx(expected_china_share("value"))  # the switch matters
    apptest.open_chart_tables(at)
    table = next(
        df.value for df in at.dataframe if "Reporters without this measure" in df.value.columns
    )
    assert set(table["Reporters without this measure"]) == {1}  # Spain: not filled in


def test_synthetic_destinations_chart(synthetic_env):
    at = open_page(PAGE)
    fig = figure_starting(at, "China's tomato-paste exports by destination, 2022")
    bar = fig["data"][0]
    assert values(bar["y"]) == ["Italy", "Russia", "Ghana", "Nigeria"]
    assert values(bar["x"]) == pytest.approx([v * 1e6 + 2022 for v in SYNTHETIC_CHINA_TO.values()])
    at.selectbox(key="paste_dest_year").set_value(2021).run()
    fig = figure_starting(at, "China's tomato-paste exports by destination, 2021")
    assert values(fig["data"][0]["x"])[0] == pytest.approx(90e6 + 2021)


def test_embed_view_shows_one_chart_alone(app_env):
    at = open_page(PAGE, {"chart": "production_share"})
    assert list(figures(at)) == ["Share of world tomato production"]
    assert REF_HEADING not in markdown_text(at)
