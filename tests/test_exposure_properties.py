"""Property tests of the exposure model (hypothesis)."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure.assumptions import ASSUMPTION, DEFINITION, Assumption, Scenario
from exposure.model import line_exposure, run_model

pytestmark = pytest.mark.slow  # hundreds of generated examples per property

GROUPS = ("cotton_apparel", "other_textiles", "tomato_paste_preserved")
DIM = pd.DataFrame(
    {
        "hs_code": ["610910", "610990", "200290"],
        "product_group": ["cotton_apparel", "other_textiles", "tomato_paste_preserved"],
    }
)
CODES = ("610910", "6109100012", "610990", "200290", "851712", "61")
ORIGINS = ("CHN", "VNM", "MEX", "BGD")

share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
money = st.floats(min_value=0.0, max_value=1e12, allow_nan=False, allow_infinity=False)


def make_scenario(xj, content, reliance, enforcement, uplift, substitution, capture, ramp):
    a = []
    for g in GROUPS:
        a += [
            Assumption("xinjiang_share", xj, "share", ASSUMPTION, scope=g),
            Assumption("covered_content", content, "share", DEFINITION, scope=g),
            Assumption("indirect_reliance", reliance, "share", ASSUMPTION, scope=g),
            Assumption("in_data_capture", capture, "share", ASSUMPTION, scope=g),
        ]
    a += [
        Assumption("enforcement", enforcement, "share", ASSUMPTION),
        Assumption("uflpa_uplift", uplift, "share", ASSUMPTION),
        Assumption("substitution", substitution, "share", ASSUMPTION),
        Assumption("ramp", ramp, "share", ASSUMPTION, scope="2021"),
    ]
    return Scenario("prop", 2019, tuple(a))


scenarios = st.builds(make_scenario, share, share, share, share, share, share, share, share)
line_rows = st.lists(
    st.tuples(st.sampled_from(CODES), st.sampled_from(ORIGINS), money), min_size=1, max_size=12
)


def as_lines(rows):
    return pd.DataFrame(rows, columns=["hs_code", "origin_iso3", "annual_value_usd"])


@given(rows=line_rows, sc=scenarios, year=st.sampled_from([None, 2020, 2021, 2022, 2024]))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_line_exposure_between_zero_and_line_value(rows, sc, year):
    out = line_exposure(as_lines(rows), sc, DIM, year=year)
    known = out[out["mapping_status"] != "unmapped"]
    value = known["annual_value_usd"]
    for col in ("exposed_value_usd", "at_risk_value_usd"):
        assert (known[col] >= 0).all()
        assert (known[col] <= value * (1 + 1e-12)).all()
    assert (known["at_risk_value_usd"] <= known["exposed_value_usd"] * (1 + 1e-12)).all()
    # lines whose group can't be told say so instead of showing a number
    assert out.loc[out["mapping_status"] == "unmapped", "exposed_value_usd"].isna().all()


@given(rows=line_rows, sc=scenarios, e1=share, e2=share)
@settings(max_examples=200, deadline=None)
def test_line_exposure_does_not_fall_when_enforcement_rises(rows, sc, e1, e2):
    lo, hi = sorted((e1, e2))
    a = line_exposure(as_lines(rows), sc.with_value("enforcement", lo), DIM)
    b = line_exposure(as_lines(rows), sc.with_value("enforcement", hi), DIM)
    known = a["mapping_status"] != "unmapped"
    assert (b.loc[known, "at_risk_value_usd"] >= a.loc[known, "at_risk_value_usd"] - 1e-6).all()


def imports(values):
    rows = []
    for (partner, group), v in values.items():
        rows.append(("CIF", partner, group, 2019, v))
    return pd.DataFrame(
        rows, columns=["value_basis", "partner_iso3", "product_group", "year", "value_usd"]
    )


partner_values = st.dictionaries(
    st.tuples(st.sampled_from(("CHN", "VNM", "MEX")), st.sampled_from(GROUPS)),
    st.floats(min_value=1.0, max_value=1e11, allow_nan=False),
    min_size=1,
    max_size=9,
)


@given(values=partner_values, sc=scenarios, e1=share, e2=share)
@settings(max_examples=60, deadline=None)
def test_lost_trade_does_not_fall_when_enforcement_rises(values, sc, e1, e2):
    lo, hi = sorted((e1, e2))
    years = [2019, 2021, 2022, 2023]
    a = run_model(imports(values), sc.with_value("enforcement", lo), years).path
    b = run_model(imports(values), sc.with_value("enforcement", hi), years).path
    assert (b["lost_usd"].to_numpy() >= a["lost_usd"].to_numpy() - 1e-3).all()


@given(values=partner_values, sc=scenarios)
@settings(max_examples=60, deadline=None)
def test_substitution_bounds(values, sc):
    res = run_model(imports(values), sc, [2019, 2021, 2022, 2023])
    path, totals = res.path, res.totals
    sigma = sc.value("substitution")
    # no partner goes negative, nobody loses more than its counterfactual
    assert (path["projected_usd"] >= -1e-6).all()
    assert (path["lost_usd"] <= path["counterfactual_usd"] * (1 + 1e-12)).all()
    # China never receives replacement
    assert (path.loc[path["partner_iso3"] == "CHN", "replacement_usd"] == 0).all()
    # replaced supply: inside + outside the data = substitution x lost, never more
    replaced = totals["replacement_usd"] + totals["replacement_outside_data_usd"]
    assert replaced.to_numpy() == pytest.approx((sigma * totals["lost_usd"]).to_numpy(), abs=1e-3)
    assert (totals["replacement_usd"] <= sigma * totals["lost_usd"] + 1e-3).all()
    # the net effect lies between "nothing replaced" and "everything replaced"
    net = totals["projected_usd"] - totals["counterfactual_usd"]
    assert (net <= 1e-3).all()
    assert (net >= -totals["lost_usd"] - 1e-3).all()
    assert (totals["net_change_all_partners_usd"] <= 1e-9).all()
