"""The defaults with no source: exposure/unsourced_defaults.csv is what the model uses and
what docs/methodology.md shows."""

import importlib.util

import pytest

from exposure import domain
from exposure.defaults import default_scenarios
from exposure.unsourced_defaults import RAMPS, UNSOURCED, UNSOURCED_CSV, read_unsourced
from tests.conftest import ROOT

PRESS = ROOT / "data" / "raw" / "press_official" / "press_and_official_figures.csv"


def _script():
    path = ROOT / "scripts" / "methodology_table.py"
    spec = importlib.util.spec_from_file_location("methodology_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_methodology_shows_the_csv_table():
    script = _script()
    doc = script.METHODOLOGY.read_text(encoding="utf-8")
    assert script.with_table(doc) == doc, "docs/methodology.md is out of date: run make docs"


@pytest.fixture(scope="module")
def scenarios():
    import pandas as pd

    return default_scenarios(pd.read_csv(PRESS, dtype=str), 2019)


SCOPES = {
    "": [""],
    "other_textiles": [domain.OTHER_TEXTILES],
    "cotton": list(domain.COTTON_FAMILY),
    "tomato_processed": list(domain.TOMATO_PROCESSED),
}


@pytest.mark.parametrize("level", ["low", "central", "high"])
def test_the_scenarios_take_their_unsourced_values_from_the_csv(scenarios, level):
    scenario = scenarios[level]
    for (name, key), row in UNSOURCED.items():
        if name == "ramp":
            continue
        for scope in SCOPES[key]:
            a = scenario.get(name, scope)
            assert a.value == row.values[level] and a.label == "assumption", (name, scope)
            assert a.note.startswith(row.note) and a.unit == row.unit
    ramps = {int(a.scope): a.value for a in scenario.assumptions if a.name == "ramp"}
    assert ramps == RAMPS[level]
    assert min(ramps) == domain.WRO_YEAR


def test_ramps_read_as_given():
    assert RAMPS == {
        "low": {2021: 0.25, 2022: 0.5, 2023: 0.75, 2024: 1.0},
        "central": {2021: 0.5, 2022: 0.75, 2023: 1.0},
        "high": {2021: 0.75, 2022: 1.0},
    }


def test_a_missing_value_is_an_error_naming_the_row(tmp_path):
    rows = UNSOURCED_CSV.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "unsourced.csv"
    bad.write_text("\n".join([rows[0], rows[1].replace(",0.5,", ",,", 1)]), encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: every scenario level needs a value"):
        read_unsourced(bad)
    ramps = [r for r in rows if r.startswith("ramp,")]
    gap = [ramps[0], ramps[1].replace(",0.5,0.75,", ",,0.75,", 1), ramps[2]]
    bad.write_text("\n".join([rows[0], *gap]), encoding="utf-8")
    with pytest.raises(ValueError, match="the low ramp skips a year"):
        read_unsourced(bad)


def test_domain_groups_follow_the_seed():
    assert domain.PRODUCT_GROUPS == (*domain.COTTON_FAMILY, *domain.TOMATO_FAMILY)
    assert domain.COTTON_GROUPS == ("cotton_fibre_yarn_fabric", "cotton_apparel", "cotton_made_ups")
    assert domain.TOMATO_GROUPS == ("fresh_tomatoes", "tomato_paste_preserved", "tomato_sauces")
