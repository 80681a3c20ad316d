import pandas as pd

from dashboard import text


def test_usd_formats_by_magnitude():
    assert text.usd(8_465_492_000) == "$8.47 bn"
    assert text.usd(950_066) == "$950.07 k"
    assert text.usd(12) == "$12"
    assert text.usd(2.2349) == "$2.23"  # unit values keep their cents
    assert text.usd(-1.5) == "-$1.50"
    assert text.usd(512.4) == "$512"
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


def test_share_summary_gives_first_last_and_peak_in_percentage_terms():
    # Synthetic shares, not real figures.
    df = pd.DataFrame(
        {
            "year": [2001, 2002, 2003, 2001],
            "c": ["China", "China", "China", "Italy"],
            "s": [0.2, 0.5, 0.4, 0.1],
        }
    )
    s = text.share_summary(df, x="year", y="s", series_label="c", what="Synthetic share")
    assert s == (
        "Synthetic share: China 20.0% in 2001, 40.0% in 2003 (highest 50.0% in 2002); "
        "Italy 10.0% in 2001."
    )
    empty = df.assign(s=float("nan"))
    assert "No data" in text.share_summary(empty, x="year", y="s", series_label="c", what="X")


def test_md_escapes_markdown_and_maths_and_blanks_missing_values():
    assert text.md("$9 billion ~40% *a*") == "\\$9 billion \\~40% \\*a\\*"
    assert text.md(None) == "" and text.md(float("nan")) == ""


def test_md_without_maths_leaves_code_alone():
    markdown = "costs $5 and `$HOME` and\n```\necho $PATH\n```"
    assert text.md_without_maths(markdown) == "costs \\$5 and `$HOME` and\n```\necho $PATH\n```"


def test_share_summary_orders_months_by_date_not_by_label():
    df = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"]),
            "share": [0.30, 0.50, 0.20],
            "series": ["HS 61"] * 3,
        }
    )
    s = text.share_summary(
        df, x="period", y="share", series_label="series", what="Share", x_fmt=text.month_label
    )
    assert s == "Share: HS 61 30.0% in Jan 2024, 20.0% in Apr 2024 (highest 50.0% in Feb 2024)."
