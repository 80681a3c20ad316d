"""How current each page's data are: the latest period and vintage of each series, and the
note on old Census months, from the warehouse's mart_data_currency_by_dataset."""

from datetime import date

import pandas as pd

from dashboard import currency_view

ROWS = pd.DataFrame(
    {
        "series": ["census_monthly", "census_monthly", "comtrade_annual"],
        "dataset": ["a", "b", "c"],
        "frequency": ["month", "month", "year"],
        "latest_period": pd.to_datetime(["2026-03-01", "2024-12-01", "2025-01-01"]),
        "vintage": ["report of 2026-05-30", "answer of 2025-10-18", "pulled 2026-06-18"],
    }
)


def test_the_line_names_each_series_latest_period_and_vintage():
    line = currency_view.currency_line(ROWS, ("comtrade_annual", "census_monthly"))
    assert line == (
        "Data: UN Comtrade annual imports to 2025 (pulled 2026-06-18); US Census monthly "
        "imports to Mar 2026 (report of 2026-05-30), Dec 2024 (answer of 2025-10-18)."
    )
    assert currency_view.currency_line(ROWS, ("otexa_apparel",)) == ""


def test_census_months_older_than_three_months_are_called_stale():
    assert currency_view.stale_note(ROWS, ("census_monthly",), date(2026, 6, 30)) == ""
    note = currency_view.stale_note(ROWS, ("census_monthly",), date(2026, 12, 3))
    assert note.startswith("The latest Census month here is March 2026, 9 months before today")
    assert "python -m etl refresh" in note
    # a page without Census monthly data gets no note
    assert currency_view.stale_note(ROWS, ("comtrade_annual",), date(2030, 1, 1)) == ""


def test_the_mart_dates_every_statistical_dataset(warehouse):
    got = dict(
        warehouse.execute(
            """select dataset, strftime(latest_period, '%Y-%m') from mart_data_currency_by_dataset
               where dataset in ('census_monthly_textiles', 'census_api_hs2_monthly_2023_2024',
                                 'otexa_apparel_dollars', 'fao_paste_exports_scl_quantity')"""
        ).fetchall()
    )
    assert got == {
        "census_monthly_textiles": "2026-03",
        "census_api_hs2_monthly_2023_2024": "2024-12",
        "otexa_apparel_dollars": "2025-01",
        "fao_paste_exports_scl_quantity": "2022-01",
    }
