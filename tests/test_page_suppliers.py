"""Where the trade went: the pure comparison of every supplier, and the page (AppTest) on the
warehouse built from the shipped snapshot, its numbers checked against the marts."""

import pandas as pd
import pytest

from dashboard import suppliers_view as view
from tests.apptest import figures, open_page, plain_title
from tests.plotly_json import points, values

PAGE = "pages/where_the_trade_went.py"


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["period", "partner_iso3", "partner_name", "partner_kind", "value"]
    )


# --- pure ------------------------------------------------------------------------------------

TWO_YEARS = frame(
    [
        (2020, "CHN", "China", "country", 100.0),
        (2020, "VNM", "Vietnam", "country", 50.0),
        (2020, "ITA", "Italy", "country", 10.0),
        (2020, "WLD", "World", "total", 160.0),
        (2025, "CHN", "China", "country", 40.0),
        (2025, "VNM", "Vietnam", "country", 90.0),
        (2025, "BGD", "Bangladesh", "country", 30.0),
        (2025, "WLD", "World", "total", 160.0),
    ]
)
PERIODS = view.Periods("2020", (2020,), "2025", (2025,))


def test_supplier_table_values_shares_and_change():
    table = view.supplier_table(TWO_YEARS, PERIODS).set_index("partner_iso3")
    assert list(table.index) == ["VNM", "CHN", "BGD", "ITA"]  # biggest in period B first
    assert table.loc["CHN", ["value_a", "value_b", "change"]].tolist() == [100.0, 40.0, -60.0]
    assert table.loc["CHN", "share_a"] == pytest.approx(100 / 160)
    assert table.loc["BGD", "value_a"] == 0.0 and pd.isna(table.loc["BGD", "change_pct"])
    assert table.loc["ITA", "change_pct"] == -1.0
    assert "WLD" not in table.index  # the total is not a supplier


def test_change_bars_keep_china_and_sum_the_rest():
    table = view.supplier_table(TWO_YEARS, PERIODS)
    bars = view.change_bars(table, limit=2)
    assert list(bars["partner_iso3"]) == ["CHN", view.ALL_OTHERS, "VNM"]  # sorted by change
    others = bars.set_index("partner_iso3").loc[view.ALL_OTHERS]
    assert others["change"] == 20.0  # Bangladesh +30, Italy -10
    assert others["partner_name"].endswith("(2)")


def test_shares_over_time_draw_at_most_eight_lines_and_add_up():
    rows = [(2020, f"C{i:02d}", f"Country {i}", "country", 10.0 + i) for i in range(20)]
    rows.append((2020, "WLD", "World", "total", sum(10.0 + i for i in range(20))))
    df = frame(rows)
    table = view.supplier_table(df, view.Periods("2020", (2020,), "2020", (2020,)))
    shares = view.shares_over_time(df, [2020], view.top_suppliers(table))
    assert shares["partner_iso3"].nunique() == view.CHART_LINES
    assert shares["share"].sum() == pytest.approx(1.0)
    assert shares["partner_iso3"].iloc[-1] == view.ALL_OTHERS


def test_a_month_whose_partners_do_not_add_up_is_not_complete():
    jan, feb = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
    df = frame(
        [
            (jan, "CHN", "China", "country", 60.0),
            (jan, "VNM", "Vietnam", "country", 40.0),
            (jan, "WLD", "World", "total", 100.0),
            (feb, "CHN", "China", "country", 60.0),  # only China fetched for February
            (feb, "WLD", "World", "total", 100.0),
        ]
    )
    assert view.complete_periods(df) == [jan]


def test_windows_and_defaults_without_months_before_the_wro():
    months = list(pd.date_range("2023-01-01", "2024-12-01", freq="MS"))
    ends = view.month_windows(months)
    assert ends[0] == pd.Timestamp("2023-12-01") and ends[-1] == pd.Timestamp("2024-12-01")
    a, b, before_wro = view.default_month_ends(ends)
    assert (a, b, before_wro) == (ends[0], ends[-1], False)
    assert view.window_label(a) == "Jan 2023 to Dec 2023"
    assert view.default_years([2018, 2019, 2020, 2021, 2025]) == (2020, 2025, True)


# --- the page --------------------------------------------------------------------------------


def china_change(warehouse, hs: str) -> float:
    return warehouse.execute(
        """select sum(value_usd) filter (where year = 2024)
                  - sum(value_usd) filter (where year = 2023)
           from mart_us_imports_by_month_partner_hs
           where source = 'census' and partner_iso3 = 'CHN' and hs_code = ?""",
        [hs],
    ).fetchone()[0]


def bars_of(at) -> dict[str, float]:
    [change] = [f for f in figures(at) if plain_title(f).startswith("Change in US imports")]
    [trace] = change["data"]
    return dict(zip(trace["meta"], values(trace["x"]), strict=True))


def supplier_table(at) -> pd.DataFrame:
    [table] = [d.value for d in at.dataframe if "Supplier" in d.value.columns]
    return table


def test_default_view_compares_every_supplier_of_apparel(app_env, warehouse):
    at = open_page(PAGE)
    titles = [plain_title(f) for f in figures(at)]
    assert titles == [
        "Change in US imports of HS 61 (apparel and clothing accessories; knitted or "
        "crocheted), by supplier",
        "Suppliers' shares of US imports of HS 61 (apparel and clothing accessories; knitted "
        "or crocheted)",
    ]
    bars = bars_of(at)
    assert bars["CHN"] == pytest.approx(china_change(warehouse, "61"))
    # suppliers beyond China, Vietnam and Mexico, and no grouping among them
    assert {"KHM", "BGD", "IND"} <= set(bars)
    assert not any(k.startswith("census:0") or k.endswith("XXX") for k in bars)
    assert any("no 12 months before the WRO" in i.value for i in at.info)


def test_a_chosen_product_and_periods_show_italy_for_preserved_vegetables(app_env):
    at = open_page(PAGE)
    at.selectbox(key="went_product").set_value("20").run()
    at.selectbox(key="went_a").set_value("2023-12").run()
    at.selectbox(key="went_b").set_value("2024-12").run()
    assert not at.exception
    table = supplier_table(at)
    assert "Italy" in set(table["Supplier"])
    assert len(table) > 100  # every supplier, not three
    shares = [f for f in figures(at) if plain_title(f).startswith("Suppliers' shares")][0]
    assert len(shares["data"]) <= view.CHART_LINES


def test_otexa_apparel_compares_2020_with_2025_and_names_the_gap(app_env):
    at = open_page(PAGE, params={"went_data": "otexa"})
    bars = bars_of(at)
    # SOURCES.md section 17: China 2025 = $10,622,875,246; 2020 read from the mart
    table = supplier_table(at).set_index("Code")
    assert table.loc["CHN", "Period B, USD"] == 10_622_875_246.0
    assert bars["CHN"] == table.loc["CHN", "Period B, USD"] - table.loc["CHN", "Period A, USD"]
    assert any("No 2023 and 2024" in c.value for c in at.caption)
    shares = [f for f in figures(at) if plain_title(f).startswith("Suppliers' shares")][0]
    china = [t for t in shares["data"] if t["meta"] == "CHN"][0]
    gap = points(china)
    assert gap[2023] is None and gap[2024] is None and gap[2025] is not None


def test_the_page_says_comtrade_holds_three_partners(app_env):
    at = open_page(PAGE)
    notes = " ".join(m.value for m in at.markdown)
    assert "hold only China, Mexico, Vietnam" in notes
    assert "not all suppliers" in notes
