"""Unit tests of the exposure model on tiny inputs that can be checked by hand."""

import math
from pathlib import Path

import pandas as pd
import pytest

from exposure.assumptions import (
    ASSUMPTION,
    DEFINITION,
    DERIVED,
    SOURCED,
    USER,
    Assumption,
    Scenario,
    uflpa_year_fraction,
)
from exposure.defaults import default_scenario, default_scenarios
from exposure.mapping import map_hs_codes, seed_rules
from exposure.model import (
    baseline,
    line_exposure,
    run_model,
    trade_at_risk,
    trend_growth,
)
from exposure.sourced_defaults import xinjiang_cotton_share

ROOT = Path(__file__).resolve().parent.parent
PRESS = ROOT / "data" / "raw" / "press_official" / "press_and_official_figures.csv"
RULES = ROOT / "etl" / "seeds" / "product_group_rules.csv"


def scenario(
    share=0.8,
    enforcement=0.5,
    reliance=0.1,
    substitution=0.0,
    capture=1.0,
    uplift=0.0,
    ramp=None,
    base_year=2019,
):
    ramp = ramp or {2021: 1.0}
    a = [
        Assumption("xinjiang_share", share, "share", ASSUMPTION, scope="cotton_apparel"),
        Assumption("covered_content", 1.0, "share", DEFINITION, scope="cotton_apparel"),
        Assumption("indirect_reliance", reliance, "share", ASSUMPTION, scope="cotton_apparel"),
        Assumption("in_data_capture", capture, "share", ASSUMPTION, scope="cotton_apparel"),
        Assumption("enforcement", enforcement, "share", ASSUMPTION),
        Assumption("uflpa_uplift", uplift, "share", ASSUMPTION),
        Assumption("substitution", substitution, "share", ASSUMPTION),
    ]
    a += [Assumption("ramp", v, "share", ASSUMPTION, scope=str(y)) for y, v in ramp.items()]
    return Scenario("test", base_year, tuple(a))


def imports(rows, basis="CIF"):
    return pd.DataFrame(
        [
            {
                "source": "comtrade",
                "value_basis": basis,
                "partner_iso3": p,
                "product_group": g,
                "year": y,
                "value_usd": float(v),
            }
            for p, g, y, v in rows
        ]
    )


def test_china_apparel_100_share_08_enforcement_05_is_40_at_risk():
    data = imports([("CHN", "cotton_apparel", 2019, 100)])
    out = trade_at_risk(data, scenario(share=0.8, enforcement=0.5))
    row = out.iloc[0]
    assert row["channel"] == "direct"
    assert row["exposed_value_usd"] == pytest.approx(80.0)
    assert row["at_risk_value_usd"] == pytest.approx(40.0)


def test_indirect_channel_multiplies_reliance():
    data = imports([("VNM", "cotton_apparel", 2019, 200)])
    out = trade_at_risk(data, scenario(share=0.8, enforcement=0.5, reliance=0.1))
    row = out.iloc[0]
    assert row["channel"] == "indirect"
    assert row["exposure_share"] == pytest.approx(0.08)
    assert row["at_risk_value_usd"] == pytest.approx(200 * 0.1 * 0.8 * 0.5)  # 8


def test_path_ramp_substitution_and_totals():
    data = imports([("CHN", "cotton_apparel", 2019, 100), ("VNM", "cotton_apparel", 2019, 200)])
    sc = scenario(
        share=0.8,
        enforcement=0.5,
        reliance=0.1,
        substitution=0.5,
        capture=1.0,
        ramp={2021: 0.5, 2022: 1.0},
    )
    res = run_model(data, sc, years=[2019, 2020, 2021, 2022])
    p = res.path.set_index(["partner_iso3", "year"])
    assert p.loc[("CHN", 2020), "lost_usd"] == 0.0  # before the WRO
    assert p.loc[("CHN", 2021), "lost_usd"] == pytest.approx(100 * 0.8 * 0.5 * 0.5)  # 20
    assert p.loc[("VNM", 2021), "lost_usd"] == pytest.approx(200 * 0.08 * 0.5 * 0.5)  # 4
    # half of all lost supply (24) is replaced, all of it by VNM (capture 1)
    assert p.loc[("VNM", 2021), "replacement_usd"] == pytest.approx(12.0)
    assert p.loc[("VNM", 2021), "projected_usd"] == pytest.approx(200 - 4 + 12)
    assert p.loc[("CHN", 2022), "projected_usd"] == pytest.approx(100 - 40)
    t = res.totals.set_index("year")
    assert t.loc[2021, "net_change_all_partners_usd"] == pytest.approx(-12.0)
    assert t.loc[2021, "replacement_outside_data_usd"] == pytest.approx(0.0)
    # the assumptions used travel with the result
    assert ("enforcement", "") in {a.key for a in res.assumptions}


def test_capture_share_sends_the_rest_outside_the_data():
    data = imports([("CHN", "cotton_apparel", 2019, 100), ("VNM", "cotton_apparel", 2019, 200)])
    sc = scenario(reliance=0.0, substitution=1.0, capture=0.25)
    res = run_model(data, sc, years=[2021])
    t = res.totals.iloc[0]
    assert t["lost_usd"] == pytest.approx(40.0)
    assert t["replacement_usd"] == pytest.approx(10.0)
    assert t["replacement_outside_data_usd"] == pytest.approx(30.0)


def test_uflpa_uplift_scales_with_days_in_force():
    assert uflpa_year_fraction(2021) == 0.0
    assert uflpa_year_fraction(2022) == pytest.approx(194 / 365)  # 21 June - 31 Dec
    assert uflpa_year_fraction(2023) == 1.0
    sc = scenario(enforcement=0.5, uplift=0.2)
    assert sc.enforcement(2021) == pytest.approx(0.5)
    assert sc.enforcement(2022) == pytest.approx(0.5 + 0.2 * 194 / 365)
    assert sc.enforcement(None) == pytest.approx(0.7)


def test_ramp_holds_last_value_and_is_zero_before_wro():
    sc = scenario(ramp={2021: 0.25, 2022: 0.5})
    assert [sc.ramp(y) for y in (2019, 2020, 2021, 2022, 2025)] == [0, 0, 0.25, 0.5, 0.5]


def test_trend_counterfactual_uses_2015_2019_growth():
    rows = [("CHN", "cotton_apparel", y, 100 * 1.1 ** (y - 2015)) for y in range(2015, 2020)]
    data = imports(rows)
    growth = trend_growth(data)[("CHN", "cotton_apparel")]
    assert growth.rate == pytest.approx(0.1)
    res = run_model(data, scenario(enforcement=0.0), years=[2019, 2021], counterfactual="trend")
    cf = res.path.set_index("year")["counterfactual_usd"]
    assert cf[2021] == pytest.approx(100 * 1.1**4 * 1.1**2)
    assert any(a.name == "trend_growth" and a.label.startswith("computed") for a in res.assumptions)


def test_one_value_basis_only():
    data = pd.concat(
        [
            imports([("CHN", "cotton_apparel", 2019, 1)]),
            imports([("CHN", "cotton_apparel", 2019, 1)], basis="customs"),
        ]
    )
    with pytest.raises(ValueError, match="one value basis"):
        baseline(data, 2019)


def test_missing_base_year_is_an_error():
    with pytest.raises(ValueError, match="base year 2019"):
        baseline(imports([("CHN", "cotton_apparel", 2018, 1)]), 2019)


def test_world_partner_is_not_a_partner():
    data = imports([("CHN", "cotton_apparel", 2019, 1), ("WLD", "cotton_apparel", 2019, 9)])
    assert list(baseline(data, 2019)["partner_iso3"]) == ["CHN"]


def test_user_override_keeps_the_default_in_the_note():
    sc = scenario(enforcement=0.5).with_value("enforcement", 0.9, note="test")
    a = sc.get("enforcement")
    assert a.value == 0.9 and a.label == USER and "default 0.5" in a.note
    with pytest.raises(ValueError):
        sc.with_value("enforcement", 1.5)


# --- defaults from the shipped press figures --------------------------------------------


@pytest.fixture(scope="module")
def press():
    return pd.read_csv(PRESS, dtype=str, keep_default_na=False)


def test_cotton_share_2019_is_cot02_over_cot01(press):
    a = xinjiang_cotton_share(press, 2019, "cotton_apparel")
    assert a.value == pytest.approx(5.02 / 5.889, abs=1e-6)
    assert a.source_ids == ("COT-02", "COT-01")
    assert a.label == DERIVED
    assert "84.9" in a.note  # the page's own printed share is reported beside the ratio


def test_cotton_share_2020_from_the_nbs_quote(press):
    a = xinjiang_cotton_share(press, 2020, "cotton_apparel")
    assert a.value == pytest.approx(0.873)
    assert a.source_ids == ("COT-03",) and a.label == SOURCED


def test_cotton_share_falls_back_to_nearest_year_and_says_so(press):
    a = xinjiang_cotton_share(press, 2023, "cotton_apparel")  # 2022 and 2024 tie: earlier
    assert a.source_ids == ("COT-07", "COT-06")
    assert "nearest year with NBS figures: 2022" in a.note
    assert a.value == pytest.approx(5.391 / 5.977, abs=1e-6)


def test_default_scenarios_label_every_value(press):
    scenarios = default_scenarios(press, 2019)
    for sc in scenarios.values():
        for a in sc.assumptions:
            assert a.label in (SOURCED, DERIVED, ASSUMPTION, DEFINITION) or a.label.startswith(
                "computed"
            )
            if a.label in (SOURCED, DERIVED):
                assert a.source_ids and a.quote, a
            assert a.note, a
        assert sc.get("xinjiang_share", "fresh_tomatoes").source_ids == ("TOM-03",)
        assert sc.value("xinjiang_share", "fresh_tomatoes") == pytest.approx(0.70)
        for name in ("enforcement", "substitution", "uflpa_uplift"):
            assert sc.get(name).label == ASSUMPTION
    low, central, high = (scenarios[k] for k in ("low", "central", "high"))
    assert low.value("enforcement") < central.value("enforcement") < high.value("enforcement")
    assert low.value("substitution") > high.value("substitution")


def test_default_without_hs_lines_labels_seed_share_as_assumption(press):
    sc = default_scenario(press, 2019)
    seeds = sc.get("covered_content", "tomato_seeds")
    assert seeds.label == ASSUMPTION and seeds.value == 1.0


# --- HS mapping and the association's own lines -----------------------------------------

DIM = pd.DataFrame(
    {
        "hs_code": ["070200", "120991", "200290", "520100", "520942", "610910", "610990", "570110"],
        "product_group": [
            "fresh_tomatoes",
            "tomato_seeds",
            "tomato_paste_preserved",
            "cotton_fibre_yarn_fabric",
            "cotton_fibre_yarn_fabric",
            "cotton_apparel",
            "other_textiles",
            "other_textiles",
        ],
    }
)


@pytest.mark.parametrize(
    ("code", "group", "status"),
    [
        ("610910", "cotton_apparel", "mapped"),
        ("6109100012", "cotton_apparel", "mapped"),  # 10-digit: first 6
        ("52", "cotton_fibre_yarn_fabric", "mapped"),  # whole chapter is one group
        ("5208", "cotton_fibre_yarn_fabric", "mapped"),
        ("0702", "fresh_tomatoes", "mapped"),
        ("57", "other_textiles", "mapped"),
        ("61", None, "unmapped"),  # cotton and other apparel
        ("6109", None, "unmapped"),
        ("07", None, "unmapped"),  # only part of chapter 07 is tomatoes
        ("1209", None, "unmapped"),
        ("8517", None, "not covered"),
        ("070310", None, "not covered"),
        ("611000", None, "unmapped"),  # chapter 61 code missing from the table
        ("1209916010", None, "not covered"),  # pepper seed, not tomato
    ],
)
def test_map_hs_codes(code, group, status):
    row = map_hs_codes([code], DIM).iloc[0]
    assert row["mapping_status"] == status, row["mapping_note"]
    assert (row["product_group"] or None) == group
    assert row["mapping_note"]


def test_codes_the_table_has_not_seen_follow_the_seed_rules(tmp_path):
    """A rule with no description condition maps every code under it; change the rule in
    the seed file and the mapping follows (the rules are read, not re-typed in Python)."""
    row = map_hs_codes(["520999", "500100", "630999"], DIM)
    assert list(row["product_group"]) == ["cotton_fibre_yarn_fabric", "other_textiles", None]
    assert list(row["mapping_status"]) == ["mapped", "mapped", "unmapped"]
    assert "rule 5" in row["mapping_note"].iloc[0] and "rule 8" in row["mapping_note"].iloc[2]
    text = RULES.read_text(encoding="utf-8").replace("^52,", "^5208,")
    (tmp_path / "rules.csv").write_text(text, encoding="utf-8")
    changed = seed_rules(tmp_path / "rules.csv")
    row = map_hs_codes(["520999", "5208"], DIM, changed)
    assert list(row["product_group"]) == ["other_textiles", "cotton_fibre_yarn_fabric"]
    assert "rule 9" in row["mapping_note"].iloc[0] and "rule 5" in row["mapping_note"].iloc[1]


def lines(rows):
    return pd.DataFrame(rows, columns=["hs_code", "origin_iso3", "annual_value_usd"])


def test_line_exposure_direct_indirect_and_not_covered():
    sc = scenario(share=0.8, enforcement=0.5, reliance=0.1)
    out = line_exposure(
        lines(
            [
                ("610910", "CHN", 100.0),
                ("610910", "VNM", 100.0),
                ("851712", "CHN", 100.0),
                ("61", "CHN", 100.0),
            ]
        ),
        sc,
        DIM,
    )
    assert list(out["channel"]) == ["direct", "indirect", "not covered", "unknown"]
    assert out["exposed_value_usd"].iloc[0] == pytest.approx(80.0)
    assert out["at_risk_value_usd"].iloc[0] == pytest.approx(40.0)
    assert out["exposed_value_usd"].iloc[1] == pytest.approx(8.0)
    assert out["exposed_value_usd"].iloc[2] == 0.0
    assert math.isnan(out["exposed_value_usd"].iloc[3])


def test_tomato_seed_line_counts_whole():
    sc = Scenario(
        "t",
        2019,
        (
            Assumption("xinjiang_share", 0.7, "share", ASSUMPTION, scope="tomato_seeds"),
            Assumption("covered_content", 0.5, "share", ASSUMPTION, scope="tomato_seeds"),
            Assumption("enforcement", 1.0, "share", ASSUMPTION),
        ),
    )
    out = line_exposure(lines([("1209918070", "CHN", 10.0), ("120991", "CHN", 10.0)]), sc, DIM)
    assert list(out["exposed_value_usd"]) == pytest.approx([7.0, 3.5])
