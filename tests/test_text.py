import pandas as pd

from dashboard import text


def test_usd_formats_by_magnitude():
    assert text.usd(8_465_492_000) == "$8.47 bn"
    assert text.usd(950_066) == "$950.07 k"
    assert text.usd(12) == "$12"
    assert text.usd(float("nan")) == "no data"


def test_trend_summary_reads_first_and_last_point_per_series():
    df = pd.DataFrame(
        {
            "year": [2019, 2024, 2019, 2024],
            "p": ["China", "China", "Vietnam", "Vietnam"],
            "v": [100.0, 50.0, 10.0, 20.0],
        }
    )
    s = text.trend_summary(df, x="year", y="v", series_label="p", what="Synthetic")
    assert "China fell from $100 in 2019 to $50 in 2024 (-50%)" in s
    assert "Vietnam rose from $10 in 2019 to $20 in 2024 (+100%)" in s


def test_trend_summary_of_nothing_says_so():
    df = pd.DataFrame({"year": [], "p": [], "v": []})
    assert "No data" in text.trend_summary(df, x="year", y="v", series_label="p", what="X")
