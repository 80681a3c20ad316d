"""AppTest of the WRO impact page: every number checked against the exposure model run
here on the warehouse built from the shipped snapshot."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import text
from exposure import backtest, run_model
from tests.apptest import figures, open_page
from tests.plotly_json import points, traces, values

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/wro_impact.py"


def figure(at: AppTest, title_part: str) -> dict:
    return next(f for f in figures(at) if title_part in f["layout"]["title"]["text"])


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture(scope="module")
def model(warehouse_path, model_tables):
    """conftest's model tables, plus the group mart's Comtrade rows the page models."""
    import duckdb

    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        imports = con.sql(
            "select * from mart_us_imports_by_year_partner_group "
            "where source = 'comtrade' and partner_iso3 <> 'WLD'"
        ).df()
    finally:
        con.close()
    refs = model_tables["refs"]
    return {
        "imports": imports,
        "refs": refs,
        "hs": model_tables["hs"],
        "published": refs[refs["figure_id"].str.startswith("PUB-")],
        "scenarios": model_tables["scenarios"],
    }


def china_apparel(result) -> dict:
    p = result.path
    rows = p[(p["partner_iso3"] == "CHN") & (p["product_group"] == "cotton_apparel")]
    return dict(zip(rows["year"], rows["projected_usd"], strict=True))


def test_page_renders_the_central_model_on_the_mart(app_env, model):
    at = open_page(PAGE)
    result = run_model(model["imports"], model["scenarios"]["central"])
    total = result.at_risk["at_risk_value_usd"].sum()
    assert at.metric[0].value == text.usd(total) == "$7.00 bn"  # docs/methodology.md s. 6

    fig = figure(at, "cotton apparel from China")
    lines = traces(fig)
    assert points(lines["Model projection"]) == pytest.approx(china_apparel(result))
    actual = model["imports"]
    actual = actual[
        (actual["partner_iso3"] == "CHN") & (actual["product_group"] == "cotton_apparel")
    ]
    assert points(lines["Actual imports"]) == pytest.approx(
        dict(zip(actual["year"], actual["value_usd"], strict=True))
    )
    cf = points(lines["No-WRO counterfactual"])
    base = actual.loc[actual["year"] == 2019, "value_usd"].iloc[0]
    assert list(cf.values()) == pytest.approx([base] * len(cf))  # held constant at 2019
    assert sorted(cf) == list(range(2019, 2026))
    assert lines["Actual imports"]["line"]["color"] == "#D55E00"  # China's colour
    marks = {a["text"] for a in fig["layout"]["annotations"]}
    assert {"Region-wide WRO", "UFLPA in force"} <= marks
    source = next(a for a in fig["layout"]["annotations"] if a.get("name") == "source")
    assert "UN Comtrade" in source["text"] and "CIF" in source["text"]


def test_trade_at_risk_chart_is_the_model_by_group_and_partner(app_env, model):
    at = open_page(PAGE)
    result = run_model(model["imports"], model["scenarios"]["central"])
    fig = figure(at, "Trade at risk")
    china = traces(fig)["China"]
    expected = result.at_risk[result.at_risk["partner_iso3"] == "CHN"]
    assert sum(values(china["x"])) == pytest.approx(expected["at_risk_value_usd"].sum())
    assert china["marker"]["color"] == "#D55E00"
    assert {t["name"] for t in fig["data"]} == {"China", "Vietnam", "Mexico"}


def test_moving_a_slider_changes_the_projection(app_env, model):
    at = open_page(PAGE)
    before = points(traces(figure(at, "cotton apparel from China"))["Model projection"])
    at.slider(key="impact_enforcement").set_value(80.0).run()
    assert not at.exception
    after = points(traces(figure(at, "cotton apparel from China"))["Model projection"])
    assert after != before
    changed = model["scenarios"]["central"].with_value("enforcement", 0.8)
    assert after == pytest.approx(china_apparel(run_model(model["imports"], changed)))
    assert any("Changed from the central defaults" in i.value for i in at.info)
    full = frame_with(at, "value (shown)")
    assert "set by the user" in set(full["label"])


def test_changing_the_scenario_moves_the_parameters_to_its_defaults(app_env, model):
    at = open_page(PAGE)
    at.radio(key="impact_scenario").set_value("high").run()
    high = model["scenarios"]["high"]
    assert at.slider(key="impact_enforcement").value == pytest.approx(
        high.value("enforcement") * 100
    )
    assert at.slider(key="impact_substitution").value == pytest.approx(
        high.value("substitution") * 100
    )
    total = run_model(model["imports"], high).at_risk["at_risk_value_usd"].sum()
    assert at.metric[0].value == text.usd(total)
    at.radio(key="impact_base_year").set_value(2020).run()
    assert at.slider(key="impact_xj_cotton_apparel").value == pytest.approx(87.3)  # COT-03


def test_restore_defaults_in_one_click(app_env, model):
    at = open_page(PAGE)
    default_metric = at.metric[0].value
    default_fig = figure(at, "cotton apparel from China")
    at.radio(key="impact_scenario").set_value("low").run()
    at.radio(key="impact_counterfactual").set_value("trend").run()
    at.slider(key="impact_enforcement").set_value(95.0).run()
    at.slider(key="impact_xj_cotton_apparel").set_value(40.0).run()
    assert at.metric[0].value != default_metric
    at.button(key="impact_restore").click().run()
    assert not at.exception
    assert at.radio(key="impact_scenario").value == "central"
    assert at.radio(key="impact_counterfactual").value == "constant"
    assert at.slider(key="impact_enforcement").value == pytest.approx(50.0)
    assert at.slider(key="impact_xj_cotton_apparel").value == pytest.approx(85.2437)
    assert at.metric[0].value == default_metric
    assert figure(at, "cotton apparel from China")["data"] == default_fig["data"]
    assert not any("Changed from" in i.value for i in at.info)


def test_backtest_table_is_reproducible_from_the_shipped_data(app_env, model):
    at = open_page(PAGE)
    table = frame_with(at, "no-WRO counterfactual").set_index("product group")
    bt = backtest(model["imports"], model["scenarios"], published=model["published"])
    mape = bt.mape[(bt.mape["partners"] == "CHN")].pivot_table(
        index="product_group", columns="scenario", values="mape_pct"
    )
    labels = dict(
        zip(model["imports"]["product_group"], model["imports"]["product_group_label"], strict=True)
    )
    for group, row in mape.iterrows():
        shown = table.loc[labels[group]]
        assert shown["this run"] == pytest.approx(round(row["central"], 1))
        for level in ("low", "central", "high"):
            assert shown[f"{level} default"] == pytest.approx(round(row[level], 1))
    # The figures printed in docs/methodology.md section 5.
    apparel = table.loc["Cotton apparel"]
    assert (apparel["this run"], apparel["no-WRO counterfactual"]) == (6.8, 65.9)
    assert table.loc["Tomato sauces and ketchup", "this run"] == 506.8


def test_backtest_partner_choice(app_env):
    at = open_page(PAGE)
    at.selectbox(key="impact_bt_partners").set_value("third countries").run()
    assert not at.exception
    table = frame_with(at, "no-WRO counterfactual").set_index("product group")
    assert table.loc["Cotton made-ups (home textiles)", "this run"] == pytest.approx(484.3)
    assert "Third countries" in figure(at, "Backtest")["layout"]["title"]["text"]


def test_published_estimates_are_quotes_beside_the_backtest_never_a_series(app_env, model):
    at = open_page(PAGE)
    quotes = " ".join(m.value for m in at.markdown)
    for fid in ("PUB-01", "PUB-02", "PUB-03", "PUB-04", "PUB-05"):
        assert f"`{fid}`" in quotes
    assert "fell by 19% at the intensive margin" in quotes
    assert "from 26.5 percent in 2018 to 11.8 percent in 2023" in quotes
    assert "reference points, not a series" in quotes
    captions = " ".join(c.value for c in at.caption)
    assert "2021 -21.3%" in captions  # model, central, China's three cotton groups
    assert "2018 33.2%" in captions  # HS 61+62 share from the data
    for fig in at.get("plotly_chart"):
        names = " ".join(t.get("name", "") for t in json.loads(fig.proto.spec)["data"])
        assert "PUB" not in names and "Sheng Lu" not in names and "CEPR" not in names


def test_every_assumption_is_shown_with_its_basis(app_env, model):
    at = open_page(PAGE)
    full = frame_with(at, "value (shown)")
    expected = run_model(model["imports"], model["scenarios"]["central"]).assumptions_frame()
    assert len(full) == len(expected)
    assert list(full["value"]) == pytest.approx(list(expected["value"]))
    assert set(full["label"]) >= {"assumption", "sourced", "derived from cited figures"}
    sourced = full[full["label"] != "assumption"]
    assert (sourced["source_ids"] != "").sum() > 0
    beside = [t.value for t in at.table]
    assert len(beside) >= 2  # next to the projection and next to trade at risk
    bases = " ".join(" ".join(t["basis"]) for t in beside)
    assert "**assumption**" in bases and "COT-02, COT-01" in bases and "TOM-03" in bases


def test_a_link_reopens_the_same_settings(app_env, model):
    at = open_page(
        PAGE,
        {"impact_scenario": "High effect", "impact_enforcement": "60", "impact_partner": "Vietnam"},
    )
    assert not at.warning
    assert at.radio(key="impact_scenario").value == "high"
    assert at.slider(key="impact_enforcement").value == pytest.approx(60.0)
    assert "from Vietnam" in figure(at, "US imports of cotton apparel")["layout"]["title"]["text"]
    link_note = next(c.value for c in at.sidebar.caption if c.value.startswith("Opens this page"))
    assert "(ids: projection, at_risk, backtest)" in link_note


def test_a_year_without_a_comtrade_row_is_drawn_as_zero_and_said_so(app_env, model):
    at = open_page(
        PAGE, {"impact_group": "Tomato paste and preserved tomatoes", "impact_partner": "Vietnam"}
    )
    actual = traces(figure(at, "US imports of tomato paste"))["Actual imports"]
    zeros = [int(x) for x, y in points(actual).items() if y == 0]
    assert zeros  # the shipped data has no Vietnamese tomato paste before 2018
    summary = next(c.value for c in at.caption if "from Vietnam:" in c.value)
    assert f"no Comtrade row for this group and partner ({', '.join(map(str, zeros))})" in summary


def test_a_trend_that_cannot_be_fitted_is_named_in_the_subtitle(app_env, model):
    at = open_page(
        PAGE,
        {
            "impact_counterfactual": "2015-2019 trend",
            "impact_group": "Tomato paste and preserved tomatoes",
            "impact_partner": "Vietnam",
        },
    )
    title = figure(at, "US imports of tomato paste")["layout"]["title"]["text"]
    # Vietnam has tomato-paste rows only from 2018 in the shipped data: two years, no fit
    assert "2015-2019 trend (held constant for Vietnam: too few years of trade to fit)" in title
    at = open_page(PAGE, {"impact_counterfactual": "2015-2019 trend"})
    assert "held constant" not in figure(at, "from China")["layout"]["title"]["text"]


def test_a_bad_link_falls_back_with_a_visible_note(app_env):
    at = open_page(PAGE, {"impact_enforcement": "800", "impact_scenario": "Extreme"})
    assert any("could not be used" in w.value for w in at.warning)
    assert at.slider(key="impact_enforcement").value == pytest.approx(50.0)
    assert at.radio(key="impact_scenario").value == "central"


def test_an_embed_shows_one_chart_and_none_of_the_other_sections(app_env):
    at = open_page(PAGE, {"embed": "true", "chart": "backtest", "impact_partner": "Mexico"})
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(figs) == 1 and "Backtest" in figs[0]["layout"]["title"]["text"]
    assert not at.info and not at.metric  # no projection note, no headline
