"""The backtest is reproducible from the shipped data (warehouse built from the snapshot)."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from exposure.backtest import ALL_PARTNERS, BACKTEST_YEARS, THIRD_COUNTRIES, backtest
from exposure.defaults import default_scenarios
from exposure.model import run_model

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "data" / "raw" / "published_estimates" / "published_estimates_transcribed.csv"


@pytest.fixture(scope="module")
def tables(warehouse_path):
    import duckdb

    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        out = {
            "imports": con.sql(
                "select * from mart_us_imports_by_year_partner_group where value_basis = 'CIF'"
            ).df(),
            "ref_figures": con.sql("select * from ref_figures").df(),
            "hs_lines": con.sql("select * from mart_us_imports_by_year_partner_hs").df(),
            "china_apparel": con.sql(
                """
                select year, sum(value_usd) as value_usd
                from mart_us_imports_by_year_partner_group
                where value_basis = 'CIF' and partner_iso3 = 'CHN'
                  and product_group = 'cotton_apparel'
                group by year order by year
                """
            ).df(),
        }
    finally:
        con.close()
    return out


@pytest.fixture(scope="module")
def result(tables):
    scenarios = default_scenarios(tables["ref_figures"], 2019, tables["hs_lines"])
    published = pd.read_csv(PUBLISHED, dtype=str, keep_default_na=False)
    return scenarios, backtest(
        tables["imports"], scenarios, published=published, hs_lines=tables["hs_lines"]
    )


def test_china_cotton_apparel_actuals_come_from_the_mart(tables, result):
    _, bt = result
    actual = tables["china_apparel"].set_index("year")["value_usd"]
    c = bt.comparison
    rows = c[
        (c["scenario"] == "central")
        & (c["partner_iso3"] == "CHN")
        & (c["product_group"] == "cotton_apparel")
    ].set_index("year")
    assert list(rows.index) == list(BACKTEST_YEARS)
    for year in BACKTEST_YEARS:
        assert rows.loc[year, "actual_usd"] == pytest.approx(actual[year], rel=1e-12)
        assert rows.loc[year, "counterfactual_usd"] == pytest.approx(actual[2019], rel=1e-12)


def test_china_cotton_apparel_projection_matches_the_formula(tables, result):
    scenarios, bt = result
    sc = scenarios["central"]
    base = tables["china_apparel"].set_index("year")["value_usd"][2019]
    share = sc.value("xinjiang_share", "cotton_apparel") * sc.value(
        "covered_content", "cotton_apparel"
    )
    assert share == pytest.approx(5.02 / 5.889, abs=1e-6)  # COT-02 / COT-01
    c = bt.comparison
    rows = c[
        (c["scenario"] == "central")
        & (c["partner_iso3"] == "CHN")
        & (c["product_group"] == "cotton_apparel")
    ].set_index("year")
    errors = []
    for year in BACKTEST_YEARS:
        expected = base * (1 - share * sc.enforcement(year) * sc.ramp(year))
        assert rows.loc[year, "projected_usd"] == pytest.approx(expected, rel=1e-9)
        err = expected - rows.loc[year, "actual_usd"]
        assert rows.loc[year, "error_usd"] == pytest.approx(err, rel=1e-9)
        pct = err / rows.loc[year, "actual_usd"] * 100
        assert rows.loc[year, "pct_error"] == pytest.approx(pct, rel=1e-9)
        errors.append(abs(pct))
    m = bt.mape.set_index(["scenario", "product_group", "partners"])
    assert m.loc[("central", "cotton_apparel", "CHN"), "mape_pct"] == pytest.approx(
        sum(errors) / len(errors), rel=1e-9
    )
    assert m.loc[("central", "cotton_apparel", "CHN"), "n"] == len(BACKTEST_YEARS)


def test_backtest_covers_china_and_third_countries_in_every_scenario(result):
    _, bt = result
    assert set(bt.comparison["scenario"]) == {"low", "central", "high"}
    assert {"CHN", "VNM", "MEX"} <= set(bt.comparison["partner_iso3"])
    scopes = set(bt.mape["partners"])
    assert {"CHN", "VNM", "MEX", THIRD_COUNTRIES, ALL_PARTNERS} <= scopes
    assert bt.value_basis == "CIF" and bt.base_year == 2019
    # the assumptions come with the result, every unsourced one labelled
    a = bt.assumptions
    assert {"low", "central", "high"} == set(a["scenario"])
    assert (a.loc[a["name"] == "enforcement", "label"] == "assumption").all()


def test_model_path_for_china_apparel_is_the_backtest_projection(tables, result):
    scenarios, bt = result
    res = run_model(tables["imports"], scenarios["high"])
    p = res.path[
        (res.path["partner_iso3"] == "CHN") & (res.path["product_group"] == "cotton_apparel")
    ]
    c = bt.comparison
    c = c[(c["scenario"] == "high") & (c["partner_iso3"] == "CHN")]
    c = c[c["product_group"] == "cotton_apparel"]
    merged = p.merge(c, on="year", suffixes=("_model", "_bt"))
    assert len(merged) == len(BACKTEST_YEARS)
    assert (merged["projected_usd_model"] - merged["projected_usd_bt"]).abs().max() < 1e-3


def test_reference_points_show_published_estimates(result):
    _, bt = result
    r = bt.reference_points
    cepr = r[r["figure_id"] == "PUB-01"]
    assert (cepr["published_value"] == -19.0).all()
    assert len(cepr) == 3 * len(BACKTEST_YEARS)
    lu = r[r["figure_id"].isin(["PUB-04", "PUB-05"])].set_index("figure_id")
    assert lu.loc["PUB-04", "published_value"] == 26.5
    assert lu.loc["PUB-05", "published_value"] == 11.8
    assert lu["data_value"].between(0, 100).all()  # China's share of HS 61+62 from World


def test_published_estimates_file_is_quoted_or_flagged():
    with PUBLISHED.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == [
            "figure_id", "topic", "metric", "value", "unit", "period", "geography",
            "source_name", "url", "publication_date", "quote", "notes",
        ]  # fmt: skip
        rows = list(reader)
    assert [r["figure_id"] for r in rows] == [f"PUB-0{i}" for i in range(1, 6)]
    for r in rows:
        assert r["quote"] or "not verified against the original" in r["notes"]
        if r["value"]:
            assert r["value"] in r["quote"]
