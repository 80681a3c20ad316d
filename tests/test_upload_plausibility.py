"""Plausibility of uploaded values against the warehouse's national US imports (issue 14):
the figures are computed here with SQL on the fixture warehouse, independently of the
queries the page uses, and the warnings must name both."""

import pandas as pd
import pytest

from dashboard import model_queries, modeller_report
from dashboard.modeller_view import exposure_table
from exposure import plausibility
from exposure.uploads import NOTE, WARNING, check_upload

YEAR = 2019


@pytest.fixture(scope="module")
def figures(warehouse_path):
    import duckdb

    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        hs6 = con.execute(
            "select partner_iso3, hs_code, value_usd from mart_us_imports_by_year_partner_hs "
            "where source = 'comtrade' and year = $y and hs_level = 6 and partner_iso3 <> 'WLD'",
            {"y": YEAR},
        ).df()
        groups = con.execute(
            "select partner_iso3, sum(value_usd) as value_usd "
            "from mart_us_imports_by_year_partner_group "
            "where source = 'comtrade' and year = $y and partner_iso3 <> 'WLD' group by 1",
            {"y": YEAR},
        ).df()
    finally:
        con.close()
    return {
        "hs6": {(r.partner_iso3, r.hs_code): r.value_usd for r in hs6.itertuples()},
        "groups": dict(zip(groups["partner_iso3"], groups["value_usd"], strict=True)),
    }


@pytest.fixture(scope="module")
def national(app_env):
    return (
        model_queries.national_imports_by_hs6.uncached(YEAR),
        model_queries.national_imports_of_covered_products.uncached(YEAR),
    )


def checked(rows: list[str], model_tables, national) -> tuple[pd.DataFrame, list]:
    data = ("hs_code,origin,annual_value_usd\n" + "\n".join(rows) + "\n").encode()
    upload = check_upload(data, "lines.csv", model_tables["countries"])
    names = dict(
        zip(model_tables["countries"]["iso3"], model_tables["countries"]["name"], strict=True)
    )
    result = exposure_table(
        upload.lines, model_tables["scenarios"]["central"], model_tables["groups"], names
    )
    return result, modeller_report.national_checks(result, *national, names)


def usd(value: float) -> str:
    """As the messages write a figure."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"${value / size:,.2f} {word}"
    return f"${value:,.0f}"


def test_the_queries_return_the_warehouse_figures_of_one_source(national, figures):
    hs6, groups = national
    assert set(hs6["source"]) == {"comtrade"} and set(hs6["value_basis"]) == {"CIF"}
    got = {(r.partner_iso3, r.hs6): r.value_usd for r in hs6.itertuples()}
    assert got == pytest.approx(figures["hs6"])
    got = dict(zip(groups["partner_iso3"], groups["value_usd"], strict=True))
    assert got == pytest.approx(figures["groups"])


def test_a_line_above_national_imports_of_its_hs6_from_its_origin_is_warned(
    model_tables, national, figures
):
    chn = figures["hs6"][("CHN", "610910")]
    vnm = figures["hs6"][("VNM", "520812")]
    rows = [
        f"6109100012,CHN,{chn * 1.5:.0f}",  # row 2: above
        f"610910,CHN,{chn * 0.5:.0f}",  # row 3: below
        f"520812,Vietnam,{vnm + 1000:.0f}",  # row 4: above
    ]
    _, messages = checked(rows, model_tables, national)
    warned = {m.row: m.problem for m in messages if m.severity == WARNING and m.row}
    assert set(warned) == {2, 4}
    assert usd(chn * 1.5) in warned[2] and usd(chn) in warned[2]
    assert "more than all US imports of HS 610910 from China in 2019" in warned[2]
    assert usd(vnm) in warned[4] and "Vietnam" in warned[4]
    assert "UN Comtrade" in warned[2] and "CIF value" in warned[2]


def test_an_origin_whose_lines_add_up_to_more_than_its_covered_imports(
    model_tables, national, figures
):
    total = figures["groups"]["MEX"]
    covered = set(model_tables["groups"]["hs_code"])
    hs6 = sorted(k[1] for k in figures["hs6"] if k[0] == "MEX" and k[1] in covered)[:3]
    share = total * 0.4
    rows = [f"{code},MEX,{share:.0f}" for code in hs6]
    _, messages = checked(rows, model_tables, national)
    (whole,) = [m.problem for m in messages if m.severity == WARNING and m.row is None]
    assert whole.startswith(
        f"The file's lines of covered products from Mexico add up to {usd(share * 3)}"
    )
    assert f"from Mexico in 2019 ({usd(total)}" in whole


def test_a_trillion_from_an_origin_without_hs6_figures_is_not_modelled_silently(
    model_tables, national, figures
):
    together = sum(figures["groups"].values())
    result, messages = checked(
        ["610910,Bangladesh,1e12", "610910,BGD,1000"], model_tables, national
    )
    assert result["annual_value_usd"].tolist() == [1e12, 1000.0]
    warned = {m.row: m.problem for m in messages if m.severity == WARNING and m.row}
    assert set(warned) == {2}
    assert warned[2].startswith("annual value $1.00 trillion is more than all US imports of the")
    assert usd(together) in warned[2] and "no HS6 figures for Bangladesh" in warned[2]
    notes = [m.problem for m in messages if m.severity == NOTE]
    assert any(n.startswith("Lines from Bangladesh checked only against") for n in notes)


def test_members_share_of_national_imports(model_tables, national, figures):
    chn = figures["hs6"][("CHN", "610910")]
    result, _ = checked(
        ["610910,CHN,1000", "6109100012,CHN,3000", "610910,BGD,50", "847130,CHN,9"],
        model_tables,
        national,
    )
    names = dict(
        zip(model_tables["countries"]["iso3"], model_tables["countries"]["name"], strict=True)
    )
    share = plausibility.members_share(result, national[0], names)
    assert list(share["origin_iso3"]) == ["CHN", "BGD"]  # not-covered 847130 left out
    first = share.iloc[0]
    assert first["lines"] == 2 and first["members_value_usd"] == 4000
    assert first["national_value_usd"] == pytest.approx(chn)
    assert "UN Comtrade" in first["national_figure"] and "2019" in first["national_figure"]
    # entered values are customs value, the 2019 HS6 figures CIF: no share of one by the other
    assert pd.isna(first["members_share"])
    assert pd.isna(share.iloc[1]["members_share"])
    assert share.iloc[1]["national_figure"] == "no HS6 figures for this origin"
    customs = national[0].assign(value_basis="customs")  # the same figures, as customs value
    again = plausibility.members_share(result, customs, names).iloc[0]
    assert again["members_share"] == pytest.approx(4000 / chn)
