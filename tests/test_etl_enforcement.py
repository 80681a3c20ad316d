"""CBP enforcement figures in the warehouse against the shipped files (SOURCES.md section
14): every expected value is read here from the CSV with the csv module or quoted from
SOURCES.md, never from the warehouse. Then the models on small fixtures: a figure named in
the seed of figures printed in notes must be in those notes, or the build stops."""

import csv
import re
from pathlib import Path

import duckdb
import pytest

from etl.build import create_macros, model_sql

ROOT = Path(__file__).resolve().parent.parent
CBP = ROOT / "data" / "raw" / "cbp_enforcement_transcribed"
SNAPSHOTS = CBP / "uflpa_snapshots_from_press.csv"
ACTIONS = CBP / "cbp_forced_labor_all_actions_from_press.csv"
TARGETED = CBP / "cbp_monthly_operational_update_forced_labor_targeted.csv"
ENTITY_LIST = CBP / "uflpa_entity_list_counts_from_press.csv"
IN_NOTES = ROOT / "etl" / "seeds" / "uflpa_figures_in_notes.csv"
AFT = "Apparel, Footwear & Textiles"


def csv_dicts(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def key(r):
    return (r["snapshot_label"], r["industry"], r["country"], r["metric"])


# --- the files, row for row -------------------------------------------------------------


def test_every_uflpa_row_is_a_figure_with_its_words_and_source(warehouse):
    file = {key(r): r for r in csv_dicts(SNAPSHOTS)}
    got = {
        r[:4]: r[4:]
        for r in rows(
            warehouse,
            """select period_label, industry, country, metric, value_number, qualifier,
                      value_text, url, publication_date, period_end_text
               from ref_uflpa_figures where printed_in_notes is null""",
        )
    }
    assert got.keys() == file.keys()
    for k, r in file.items():
        number, qualifier, value_text, url, published, end = got[k]
        assert number == float(r["value"]), k
        assert (qualifier, url, published, end) == (
            r["qualifier"],
            r["source_url"],
            r["source_pub_date"],
            r["period_end_or_asof"],
        ), k
        # the source's words are what is shown; an exact figure is written out in full
        if r["qualifier"] == "exact":
            assert value_text.replace(",", "").lstrip("$") == r["value"], k
        else:
            assert value_text.startswith(r["qualifier"]), k


def test_figures_quoted_in_sources_md(warehouse):
    """SOURCES.md section 14: Mar 2023: 3,237 shipments, $961 M; Jan 2025: 12,666
    shipments, more than $3.68 bn; AF&T 631 shipments, more than $29.5 M to 3 Mar 2023."""
    got = {
        (r[0], r[1], r[2]): (r[3], r[4])
        for r in rows(
            warehouse,
            """select strftime(as_of_date, '%Y-%m-%d'), industry, metric, value_text,
                      qualifier_kind
               from mart_uflpa_enforcement_by_snapshot where country = 'All'""",
        )
    }
    assert got["2023-03-03", "All", "shipments"] == ("3,237", "exact")
    assert got["2023-03-03", "All", "value"] == ("$961 million (rounded)", "approximate")
    assert got["2025-01-14", "All", "shipments"] == ("12,666", "exact")
    assert got["2025-01-14", "All", "value"] == ("more than $3.68 billion", "lower bound")
    assert got["2023-03-03", AFT, "shipments"] == ("631", "exact")
    assert got["2023-03-03", AFT, "value"] == ("more than $29.5 million", "lower bound")


def test_figures_printed_in_notes_are_in_those_notes(warehouse):
    notes = {key(r): r["notes"] for r in csv_dicts(SNAPSHOTS)}
    seed = csv_dicts(IN_NOTES)
    got = {
        (r[0], r[1], r[2], r[3]): r[4:]
        for r in rows(
            warehouse,
            """select period_label, industry, country, metric, printed_in_notes, notes,
                      qualifier
               from ref_uflpa_figures where printed_in_notes is not null""",
        )
    }
    assert len(got) == len(seed)
    for s in seed:
        row = (s["snapshot_label"], s["row_industry"], s["row_country"], s["row_metric"])
        printed, row_notes, qualifier = got[
            s["snapshot_label"], s["industry"], s["country"], s["metric"]
        ]
        assert printed == s["printed"] and printed in notes[row] == row_notes
        assert qualifier == s["qualifier"]


@pytest.mark.parametrize(
    "label, industry, country, metric, number, kind",
    [
        ("Exiger/C&M Jan 2025", "All", "All", "value", 3.68e9, "lower bound"),
        ("Green Worldwide Jan 2025", "All", "All", "released", 5482, "exact"),
        ("Cumulative ~Nov 2023", AFT, "All", "value", 46e6, "lower bound"),
        ("Cumulative ~Nov 2023", AFT, "All", "denied", 570, "approximate"),
        ("Cumulative to Jan 2024", AFT, "All", "value", 51.13e6, "as printed"),
        ("Choy interview", "All", "China", "value", 330e6, "approximate"),
        ("Mayorkas CSIS", "All", "All", "value", 3.4e9, "as printed"),
    ],
)
def test_hand_read_figures_from_notes(warehouse, label, industry, country, metric, number, kind):
    got = rows(
        warehouse,
        """select value_number, qualifier_kind from ref_uflpa_figures
           where period_label = ? and industry = ? and country = ? and metric = ?""",
        [label, industry, country, metric],
    )
    assert got == [(pytest.approx(number), kind)]


def test_snapshots_are_only_the_cumulative_dated_ones(warehouse):
    """From 21 June 2022 to a printed date; a quarter, a calendar year or an undated
    cumulative figure is not a snapshot."""
    file = csv_dicts(SNAPSHOTS)
    dated = {
        r["snapshot_label"]
        for r in file
        if r["scope"] == "cumulative UFLPA"
        and r["period_start"] == "2022-06-21"
        and re.match(r"\d{4}-\d{2}", r["period_end_or_asof"])
    }
    got = {
        r[0]
        for r in rows(warehouse, "select snapshot_label from mart_uflpa_enforcement_by_snapshot")
    }
    assert got == dated
    assert "AF&T cumulative (undated)" not in got and "FY2023 Q1" not in got
    month_only = rows(
        warehouse,
        """select distinct snapshot_label, strftime(as_of_date, '%Y-%m-%d')
           from mart_uflpa_enforcement_by_snapshot where as_of_precision = 'month'
           order by 1""",
    )
    # "2024-03" and "2024-06" are printed without a day: the end of the month they name
    assert month_only == [("Choy interview", "2024-03-31"), ("Mayorkas CSIS", "2024-06-30")]


def test_no_qualified_figure_is_exact(warehouse):
    bad = rows(
        warehouse,
        """select period_label, metric, qualifier, qualifier_kind from ref_uflpa_figures
           where (qualifier = 'exact') <> (qualifier_kind = 'exact')
           union all
           select period_label, metric, qualifier, qualifier_kind
           from ref_forced_labor_actions_by_period
           where (qualifier = 'exact') <> (qualifier_kind = 'exact')""",
    )
    assert bad == []


def test_forced_labor_actions_are_the_file(warehouse):
    file = {(r["period_label"], r["metric"]): r for r in csv_dicts(ACTIONS)}
    got = {
        r[:2]: r[2:]
        for r in rows(
            warehouse,
            """select period_label, metric, value_number, qualifier, scope_definition, url
               from ref_forced_labor_actions_by_period""",
        )
    }
    assert got == {
        k: (float(r["value"]), r["qualifier"], r["scope_definition"], r["source_url"])
        for k, r in file.items()
    }


def test_targeted_entries_by_month_keep_their_printed_value(warehouse):
    file = csv_dicts(TARGETED)
    got = rows(
        warehouse,
        """select strftime(month, '%Y-%m'), entries_targeted, value_text
           from ref_forced_labor_targeted_by_month order by month""",
    )
    assert got == [(r["month"], int(r["entries_targeted"]), r["value_usd_text"]) for r in file]
    first = rows(
        warehouse,
        """select value_usd, qualifier_kind from ref_forced_labor_targeted_by_month
           where month = date '2022-08-01'""",
    )
    assert first == [(pytest.approx(266.5e6), "lower bound")]  # "more than $266.5 million"


def test_entity_list_totals_are_as_stated(warehouse):
    file = csv_dicts(ENTITY_LIST)
    got = dict(
        rows(
            warehouse,
            "select notice_date_text, total_stated_text from ref_uflpa_entity_list_by_notice",
        )
    )
    assert got == {
        r["effective_or_announced_date"]: r["total_on_list_as_stated"] or None for r in file
    }
    ends = rows(
        warehouse,
        """select notice_date_text, notice_date, total_stated from ref_uflpa_entity_list_by_notice
           where notice_date_text in ('2022-06-17', '2024-06/07', '2025-01-15')
           order by 1""",
    )
    # SOURCES.md section 14: 20 (Jun 2022) to 144 (Jan 2025); "2024-06/07" names no day
    assert [(d, t) for d, _, t in ends] == [
        ("2022-06-17", 20),
        ("2024-06/07", 68),
        ("2025-01-15", 144),
    ]
    assert ends[1][1] is None


# --- the models on small fixtures ---------------------------------------------------------

SNAPSHOT_COLUMNS = list(csv_dicts(SNAPSHOTS)[0])
SEED_COLUMNS = list(csv_dicts(IN_NOTES)[0])


def _fixture(snapshot_rows, seed_rows):
    con = duckdb.connect()
    create_macros(con)
    for name, columns, data in (
        ("raw_uflpa_snapshots_transcribed", SNAPSHOT_COLUMNS, snapshot_rows),
        ("seed_uflpa_figures_in_notes", SEED_COLUMNS, seed_rows),
    ):
        con.execute(f"create table {name} ({', '.join(f'{c} varchar' for c in columns)})")
        for row in data:
            con.execute(f"insert into {name} values ({', '.join('?' * len(columns))})", row)
    return con


SNAPSHOT = [
    "Exiger", "2022-06-21", "2025-01-14", "cumulative UFLPA", "All", "All", "shipments",
    "12666", "shipments", "exact", "Exiger", "https://example.org/x", "2025-01",
    "value more than $3.68 billion",
]  # fmt: skip


def test_a_seed_figure_in_the_notes_is_read_with_its_words():
    seed = ["Exiger", "All", "All", "shipments", "value more than $3.68 billion", "All",
            "All", "value", "more than $3.68 billion"]  # fmt: skip
    con = _fixture([SNAPSHOT], [seed])
    got = con.execute(
        f"select metric, value_number, unit, qualifier from ({model_sql('stg_uflpa_figures')})"
        " order by metric"
    ).fetchall()
    assert got == [
        ("shipments", 12666.0, "shipments", "exact"),
        ("value", pytest.approx(3.68e9), "USD", "more than $3.68 billion"),
    ]


@pytest.mark.parametrize(
    "seed, message",
    [
        (["Exiger", "All", "All", "shipments", "value more than $3.86 billion", "All", "All",
          "value", "more than $3.86 billion"], "is not in the notes of Exiger"),
        (["Exiger", "All", "All", "shipments", "value more than $3.68 billion", "All", "All",
          "value", "about $3.68 billion"], "is not part of"),
        (["Nobody", "All", "All", "shipments", "value more than $3.68 billion", "All", "All",
          "value", "more than $3.68 billion"], "is not in the notes of Nobody"),
    ],
)  # fmt: skip
def test_a_seed_figure_not_printed_in_the_notes_stops_the_build(seed, message):
    con = _fixture([SNAPSHOT], [seed])
    with pytest.raises(duckdb.Error, match=re.escape(message)):
        con.execute(f"select * from ({model_sql('stg_uflpa_figures')})").fetchall()
