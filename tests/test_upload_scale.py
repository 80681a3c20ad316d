"""A 1,000,000-line broker-style file (SYNTHETIC, made by benchmarks/modeller.py) is read,
checked and modelled whole, with a readable number of messages. Timing is the benchmark's
business (docs/benchmarks.md); this checks the result."""

import importlib.util

import numpy as np
import pytest

from dashboard import modeller_report
from dashboard.modeller_view import exposure_table
from exposure.uploads import NOTE, check_upload

pytestmark = pytest.mark.slow

LINES = 1_000_000


def benchmark_module():
    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location(
        "modeller_bench", ROOT / "benchmarks" / "modeller.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_million_line_entry_report(model_tables):
    bench = benchmark_module()
    data = bench.synthetic_csv(LINES)
    values = bench.synthetic_table(LINES).column("Entered Value").to_numpy(zero_copy_only=False)
    upload = check_upload(data, "entries.csv", model_tables["countries"])
    lines = upload.lines
    assert len(lines) == LINES and upload.left_out == 0
    assert lines["row"].iloc[0] == 3 and lines["row"].iloc[-1] == LINES + 2  # title, header
    assert lines["annual_value_usd"].sum() == pytest.approx(values.astype(float).sum())
    assert set(lines["origin_iso3"]) == {"CHN", "VNM", "BGD", "IND", "MEX", "KHM", "PAK",
                                         "IDN", "TUR", "HND"}  # fmt: skip
    notes = [m.problem for m in upload.messages if m.severity == NOTE]
    assert any(n.startswith("The header is row 2") for n in notes)
    assert f"1 totals row(s) left out (row {LINES + 3:,}): a total is not an import line." in notes
    assert len(upload.messages) < 20

    names = dict(
        zip(model_tables["countries"]["iso3"], model_tables["countries"]["name"], strict=True)
    )
    result = exposure_table(
        lines, model_tables["scenarios"]["central"], model_tables["groups"], names
    )
    assert len(result) == LINES
    hs6 = result["hs_code"].str[:6]
    other_seed = (hs6 == "120991") & (result["hs_code"] != "1209918070")  # not tomato seed
    not_covered = hs6.isin(["847130", "851712", "940360", "640399", "392690"]) | other_seed
    assert (result.loc[not_covered, "mapping_status"] == "not covered").all()
    assert (result.loc[~not_covered, "mapping_status"] == "mapped").all()
    tables = modeller_report.report(result, model_tables["hs"].iloc[0:0], names)
    by_origin = tables["by_origin"]
    assert by_origin["lines"].sum() == LINES
    assert np.isclose(by_origin["at_risk_value_usd"].sum(), result["at_risk_value_usd"].sum())
