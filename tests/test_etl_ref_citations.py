"""The second paste collection (SOURCES.md section 15) against the earlier reference
figures: a row with the same reporter, scope, period and metric as an earlier figure is one
more citation of that figure, never a second figure. Expected values are read from the
files; the models are also run on small fixtures to show a bad match stops the build."""

import csv
import re
from pathlib import Path

import duckdb
import pytest

from etl.build import create_macros, model_sql

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
PRESS_2 = RAW / "tomato_trade_transcribed" / "hs200290_exports_from_press_2.csv"
EARLIER = {
    "press_official": RAW / "press_official" / "press_and_official_figures.csv",
    "tomato_paste_trade_transcribed": RAW
    / "tomato_trade_transcribed"
    / "tomato_paste_trade_figures_transcribed.csv",
}
MATCHES = ROOT / "etl" / "seeds" / "paste_figure_matches.csv"
PRESS_2_DATASET = "paste_exports_press_2_transcribed"
MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def csv_dicts(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def press_2_key(r):
    return (r["reporter"], r["partner_or_scope"], r["period"], r["metric"])


def earlier_figures():
    return {r["figure_id"]: r for path in EARLIER.values() for r in csv_dicts(path)}


def test_a_repeated_figure_is_one_figure_citing_both_sources(warehouse):
    """TOM-11 (press_official) and the second collection's China / World / 2023/2024 /
    export quantity (another Tomato News page) are the same figure: one row, two
    citations, both URLs, each source's own words."""
    tom11 = earlier_figures()["TOM-11"]
    again = next(
        r
        for r in csv_dicts(PRESS_2)
        if press_2_key(r) == ("China", "World", "2023/2024", "export quantity")
    )
    assert again["source_url"] != tom11["url"]
    figures = warehouse.execute(
        "select dataset, url, source_count, other_sources from ref_figures"
        " where figure_id = 'TOM-11'"
    ).fetchall()
    assert len(figures) == 1
    dataset, url, count, others = figures[0]
    assert (dataset, url, count) == ("press_official", tom11["url"], 2)
    assert again["source_url"] in others and again["qualifier"] in others
    cited = warehouse.execute(
        """select dataset, url, quote, value_text from ref_figure_citations
           where figure_id = 'TOM-11' order by not is_primary""",
    ).fetchall()
    assert cited == [
        ("press_official", tom11["url"], tom11["quote"], tom11["value"]),
        (PRESS_2_DATASET, again["source_url"], None, again["qualifier"]),  # its own words
    ]
    # no second figure for China's exports in that marketing year
    n = warehouse.execute(
        "select count(*) from ref_figures where value_text like '%1.198%'"
    ).fetchone()[0]
    assert n == 0


def test_every_row_of_the_second_collection_is_cited_once(warehouse):
    file = csv_dicts(PRESS_2)
    got = warehouse.execute(
        "select cited_as, url, value_text from ref_figure_citations where dataset = ?",
        [PRESS_2_DATASET],
    ).fetchall()
    expected = [
        (
            " | ".join(press_2_key(r)),
            r["source_url"],
            r["value"] if r["qualifier"] == "exact" else r["qualifier"],
        )
        for r in file
    ]
    assert sorted(got) == sorted(expected)
    assert len(got) == 26  # SOURCES.md section 15


def test_only_rows_without_an_earlier_figure_are_new_figures(warehouse):
    matches = {press_2_key(m): m for m in csv_dicts(MATCHES)}
    file = csv_dicts(PRESS_2)
    new = {
        matches[press_2_key(r)]["figure_id"]: r
        for r in file
        if matches[press_2_key(r)]["match"] == "new figure"
    }
    got = {
        r[0]: r[1:]
        for r in warehouse.execute(
            "select figure_id, value_text, url, source_count from ref_figures where dataset = ?",
            [PRESS_2_DATASET],
        ).fetchall()
    }
    assert got == {
        i: (r["value"] if r["qualifier"] == "exact" else r["qualifier"], r["source_url"], 1)
        for i, r in new.items()
    }
    earlier = earlier_figures()
    same = {m["figure_id"] for m in matches.values() if m["match"] == "same figure"}
    assert same <= earlier.keys() and not (new.keys() & earlier.keys())
    total = warehouse.execute("select count(*) from ref_figures").fetchone()[0]
    transcribed_with_ids = warehouse.execute(
        "select count(*) from ref_figures where dataset <> ?", [PRESS_2_DATASET]
    ).fetchone()[0]
    assert total == transcribed_with_ids + len(new)


def _numbers(text: str, unit: str) -> list[float]:
    scale = next((m for w, m in MULTIPLIERS.items() if w in f"{text} {unit}".lower()), 1.0)
    return [float(n.replace(",", "")) * scale for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_each_repeated_figure_prints_the_same_number(warehouse):
    """A check on the matches themselves: the two sources print one number (to 1 %, for
    "almost 1.2 million" against 1.198 million)."""
    earlier = earlier_figures()
    matches = {press_2_key(m): m for m in csv_dicts(MATCHES)}
    for r in csv_dicts(PRESS_2):
        m = matches[press_2_key(r)]
        if m["match"] != "same figure":
            continue
        fig = earlier[m["figure_id"]]
        printed = _numbers(fig["value"], fig["unit"])
        value = float(r["value"].split("-")[0])
        assert any(abs(p - value) <= 0.01 * value for p in printed), (
            m["figure_id"],
            printed,
            value,
        )


# --- the models on small fixtures ---------------------------------------------------------

STG_REF = ["figure_id", "dataset", "topic", "metric", "value_text", "unit", "period", "geography",
           "status", "source_name", "url", "publication_date", "quote", "notes"]  # fmt: skip
PRESS_2_COLUMNS = list(csv_dicts(PRESS_2)[0])
MATCH_COLUMNS = list(csv_dicts(MATCHES)[0])
EARLIER_ROW = ["TOM-05", "press_official", "Tomato", "China exports, 2018/2019", "921400",
               "tonnes", "2018-07..2019-06", "China", None, "Tomato News", "https://a.example",
               "2020", "921 400 metric tonnes", None]  # fmt: skip
PRESS_2_ROW = ["China", "World", "marketing year Jul-Jun", "2018/2019", "export quantity",
               "921400", "tonnes", "exact", "Tomato News", "https://b.example", "2020",
               None]  # fmt: skip


def _run(matches):
    con = duckdb.connect()
    create_macros(con)
    tables = (
        ("stg_ref_figures", STG_REF, [EARLIER_ROW]),
        ("raw_paste_exports_press_2_transcribed", PRESS_2_COLUMNS, [PRESS_2_ROW]),
        ("seed_paste_figure_matches", MATCH_COLUMNS, matches),
    )
    for name, columns, data in tables:
        con.execute(f"create table {name} ({', '.join(f'{c} varchar' for c in columns)})")
        for row in data:
            con.execute(f"insert into {name} values ({', '.join('?' * len(columns))})", row)
    con.execute(
        f"create view stg_paste_exports_press_2 as {model_sql('stg_paste_exports_press_2')}"
    )
    con.execute(f"create table ref_figure_citations as {model_sql('ref_figure_citations')}")
    return con.execute(
        f"select figure_id, source_count, other_sources from ({model_sql('ref_figures')})"
    ).fetchall()


def test_a_match_makes_one_figure_with_two_sources():
    got = _run([["China", "World", "2018/2019", "export quantity", "TOM-05", "same figure", "x"]])
    assert got == [("TOM-05", 2, "Tomato News (2020): 921400 (tonnes) <https://b.example>")]


def test_a_new_figure_gets_its_own_id():
    got = _run([["China", "World", "2018/2019", "export quantity", "TPE-99", "new figure", "x"]])
    assert sorted(r[:2] for r in got) == [("TOM-05", 1), ("TPE-99", 1)]


@pytest.mark.parametrize(
    "matches, message",
    [
        ([], "has no row for China / World / 2018/2019 / export quantity"),
        ([["China", "World", "2018/2019", "export quantity", "TOM-99", "same figure", "x"]],
         "TOM-99 is not a figure"),
        ([["China", "World", "2018/2019", "export quantity", "TOM-05", "new figure", "x"]],
         "new figure TOM-05 already exists"),
    ],
)  # fmt: skip
def test_a_bad_match_stops_the_build(matches, message):
    with pytest.raises(duckdb.Error, match=re.escape(message)):
        _run(matches)
