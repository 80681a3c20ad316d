"""Invariants of the published warehouse tables and the stg_trade_flows view, checked on
the warehouse built from the shipped snapshot (session fixture `warehouse`): grains, key
columns, types, HS codes as text, value bases and the HS6 -> product group mapping."""

import csv
import re
from pathlib import Path

import pytest

from tests.fetch_helpers import STAGING_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "etl" / "seeds"

# Every published table (and view) and its grain (NULL month is part of the annual key).
GRAINS = {
    "stg_trade_flows": (
        "dataset",
        "reporter_iso3",
        "partner_iso3",
        "flow",
        "hs_code",
        "year",
        "month",
    ),
    "mart_us_imports_by_year_partner_hs": ("source", "partner_iso3", "hs_code", "year"),
    "mart_us_imports_by_year_partner_group": ("source", "partner_iso3", "product_group", "year"),
    "mart_us_imports_by_month_partner_hs": ("source", "partner_iso3", "hs_code", "year", "month"),
    "mart_exports_by_year_reporter_partner_hs": (
        "source",
        "reporter_iso3",
        "partner_iso3",
        "hs_code",
        "year",
    ),
    "mart_tomato_production_by_year_country": ("entity", "year"),
    "mart_paste_exports_by_year_exporter": ("domain", "area_code", "year"),
    "mart_us_apparel_imports_by_year_partner": ("partner_iso3", "year"),
    "mart_data_currency_by_dataset": ("series", "dataset"),
    "dim_country": ("iso3",),
    "dim_partner": ("partner_id",),
    "dim_hs": ("code",),
    "dim_product_group": ("hs_code",),
    "dim_source": ("dataset",),
    "events": ("event_id",),
    "ref_figures": ("figure_id",),
    "ref_figure_citations": ("figure_id", "dataset", "cited_as"),
    "ref_data_exclusions": ("dataset_id", "year"),
    "mart_revisions_by_figure": (
        "source",
        "reporter_iso3",
        "flow",
        "partner_iso3",
        "hs_code",
        "year",
        "month",
        "new_vintage_date",
        "new_dataset",
    ),
    "mart_revision_checks_by_vintage_pair": (
        "source",
        "old_dataset",
        "old_vintage",
        "new_dataset",
        "new_vintage",
    ),
    "ref_uflpa_figures": ("period_label", "industry", "country", "metric"),
    "mart_uflpa_enforcement_by_snapshot": ("snapshot_label", "industry", "country", "metric"),
    "ref_forced_labor_actions_by_period": ("period_label", "metric"),
    "ref_forced_labor_targeted_by_month": ("month",),
    "ref_uflpa_entity_list_by_notice": ("notice_date_text",),
}
# Key columns that may legitimately be NULL: the month of an annual row.
NULLABLE_KEYS = {("stg_trade_flows", "month"), ("mart_revisions_by_figure", "month")}
# Tables the shipped snapshot leaves empty: its one pair of vintages agrees on every figure.
EMPTY_IN_SNAPSHOT = {"mart_revisions_by_figure"}

# Tables with an HS code column, and the name of that column and of its level.
HS_COLUMNS = {
    "stg_trade_flows": ("hs_code", "hs_level"),
    "mart_us_imports_by_year_partner_hs": ("hs_code", "hs_level"),
    "mart_us_imports_by_month_partner_hs": ("hs_code", "hs_level"),
    "mart_exports_by_year_reporter_partner_hs": ("hs_code", "hs_level"),
    "dim_hs": ("code", "level"),
    "dim_product_group": ("hs_code", "hs_level"),
}
TRADE_MARTS = (
    "mart_us_imports_by_year_partner_hs",
    "mart_us_imports_by_year_partner_group",
    "mart_us_imports_by_month_partner_hs",
    "mart_exports_by_year_reporter_partner_hs",
)

# The cotton and tomato scope of the WRO as HS6 lines (etl/seeds/README.md).
SCOPE_SQL = """(
    left({col}, 2) between '50' and '63'
    or {col} like '0702%' or {col} like '2002%' or {col} in ('210320', '120991')
)"""


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def scalar(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()[0]


# --- 1. grains and keys -----------------------------------------------------------------


# stg_trade_flows is a view over one staging table per source (it adds the columns that
# are the same on all of a source's rows); their rows are checked through it.
SOURCE_STAGING = {
    "stg_comtrade_snapshot",
    "stg_census_snapshot",
    "stg_census_api",
    "stg_comtrade_api",
}


def test_trade_rows_have_one_type_per_column_whatever_their_source(warehouse):
    """stg_trade_flows unions the sources by name: a source giving BIGINT where the others
    give INTEGER would silently widen the column for all of them."""
    described = [(r[0], r[1]) for r in rows(warehouse, "describe stg_trade_flows")]
    assert described == STAGING_COLUMNS
    for table in sorted(SOURCE_STAGING):
        types = dict((r[0], r[1]) for r in rows(warehouse, f"describe {table}"))
        types.pop("is_current", None)  # the fetched sources' flag; the view filters on it
        assert types.items() <= dict(STAGING_COLUMNS).items(), table


def test_published_tables_are_exactly_the_expected_ones(warehouse):
    tables = {r[0] for r in rows(warehouse, "select table_name from duckdb_tables()")}
    views = {
        r[0] for r in rows(warehouse, "select view_name from duckdb_views() where not internal")
    }
    assert views == {"stg_trade_flows"}
    assert tables == set(GRAINS) - views | SOURCE_STAGING | {"raw_manifest"}


@pytest.mark.parametrize("table", sorted(GRAINS))
def test_grain_is_unique(warehouse, table):
    keys = ", ".join(GRAINS[table])
    # GROUP BY puts NULLs in one group, so a NULL month counts as a value here.
    dupes = rows(
        warehouse,
        f"select {keys}, count(*) as n from {table} group by all having count(*) > 1 limit 5",
    )
    assert dupes == [], f"{table}: duplicate grain rows ({keys}): {dupes}"
    n = scalar(warehouse, f"select count(*) from {table}")
    assert (n == 0) if table in EMPTY_IN_SNAPSHOT else (n > 0), f"{table}: {n} rows"


@pytest.mark.parametrize("table", sorted(GRAINS))
def test_key_columns_are_not_null(warehouse, table):
    for column in GRAINS[table]:
        if (table, column) in NULLABLE_KEYS:
            continue
        n = scalar(warehouse, f"select count(*) from {table} where {column} is null")
        assert n == 0, f"{table}.{column}: {n} NULL keys"


def test_month_is_null_exactly_on_annual_rows(warehouse):
    # Annual sources carry no month; monthly sources carry 1-12.
    bad = rows(
        warehouse,
        """select dataset, count(*) from stg_trade_flows
           where (dataset like 'census_monthly%' or dataset like 'census_api%')
                 <> (month is not null)
              or month not between 1 and 12
           group by all""",
    )
    assert bad == []
    assert (
        scalar(
            warehouse,
            "select count(*) from mart_us_imports_by_month_partner_hs where month is null",
        )
        == 0
    )


# --- 2. HS codes are text with their leading zeros -----------------------------------


@pytest.mark.parametrize("table", sorted(HS_COLUMNS))
def test_hs_code_column_is_text(warehouse, table):
    column = HS_COLUMNS[table][0]
    data_type = scalar(
        warehouse,
        "select data_type from duckdb_columns() where table_name = ? and column_name = ?",
        [table, column],
    )
    assert data_type == "VARCHAR"


@pytest.mark.parametrize("table", sorted(HS_COLUMNS))
def test_no_hs_code_is_shorter_than_its_level(warehouse, table):
    code, level = HS_COLUMNS[table]
    bad = rows(
        warehouse,
        f"select distinct {code}, {level} from {table} where length({code}) < {level} limit 10",
    )
    assert bad == []


@pytest.mark.parametrize("table", sorted(HS_COLUMNS))
def test_hs_codes_are_digits_of_their_level_or_total(warehouse, table):
    """A code is 2/4/6/10 digits matching its level, or the all-commodities total
    'TOTAL' at level 0 -- never an empty string."""
    code, level = HS_COLUMNS[table]
    bad = rows(
        warehouse,
        f"""select distinct '[' || {code} || ']', {level} from {table}
            where not (
                ({level} = 0 and {code} = 'TOTAL')
                or ({level} in (2, 4, 6, 10) and regexp_full_match({code}, '[0-9]+')
                    and length({code}) = {level})
            )
            limit 10""",
    )
    assert bad == [], f"{table}: malformed HS codes (code in brackets, level): {bad}"


def test_all_commodities_total_has_one_code_in_every_source(warehouse):
    """The 'All Commodities' row of the Census 2017 file and Comtrade's TOTAL should be
    one code in dim_hs, so the two sources line up on the total."""
    got = rows(
        warehouse,
        """select source, hs_code from stg_trade_flows
           where hs_level = 0 group by all order by all""",
    )
    assert got == [("census", "TOTAL"), ("comtrade", "TOTAL")]
    assert rows(warehouse, "select code from dim_hs where level = 0") == [("TOTAL",)]


def test_mexico_fresh_tomatoes_keep_leading_zeros(warehouse):
    got = rows(
        warehouse,
        """select hs_code, hs_level from mart_us_imports_by_year_partner_hs
           where source = 'comtrade' and partner_iso3 = 'MEX' and year = 2019
             and hs_code in ('07', '0702', '070200')
           order by hs_code""",
    )
    assert got == [("07", 2), ("0702", 4), ("070200", 6)]
    # and nothing lost its zero on the way (e.g. '702' or '70200')
    stripped = scalar(
        warehouse,
        "select count(*) from stg_trade_flows where hs_code in ('7', '702', '70200', '2002')"
        " and hs_level <> 4",
    )
    assert stripped == 0
    assert rows(warehouse, "select level, chapter, parent from dim_hs where code = '070200'") == [
        (6, "07", "0702")
    ]


def test_dim_hs_parents_exist(warehouse):
    orphans = rows(
        warehouse,
        "select code, parent from dim_hs where parent is not null"
        " and parent not in (select code from dim_hs) limit 10",
    )
    assert orphans == []


# --- 3. value bases ----------------------------------------------------------------------


def test_value_basis_by_source_and_flow(warehouse):
    got = set(rows(warehouse, "select distinct source, flow, value_basis from stg_trade_flows"))
    assert got == {("comtrade", "M", "CIF"), ("census", "M", "customs"), ("comtrade", "X", "FOB")}


def test_value_basis_matches_the_manifest(warehouse):
    """Each staged row carries the basis the manifest (dim_source) records for its file."""
    bad = rows(
        warehouse,
        """select f.dataset, f.value_basis, s.value_basis, count(*)
           from stg_trade_flows as f left join dim_source as s using (dataset)
           where f.value_basis is distinct from s.value_basis
           group by all""",
    )
    assert bad == []


EXPECTED_BASES = {
    "mart_us_imports_by_year_partner_hs": [("census", "customs"), ("comtrade", "CIF")],
    "mart_us_imports_by_year_partner_group": [("census", "customs"), ("comtrade", "CIF")],
    # the only monthly source in the snapshot is Census
    "mart_us_imports_by_month_partner_hs": [("census", "customs")],
    "mart_exports_by_year_reporter_partner_hs": [("comtrade", "FOB")],
}


@pytest.mark.parametrize("table", TRADE_MARTS)
def test_marts_value_basis_per_row(warehouse, table):
    got = rows(warehouse, f"select distinct source, value_basis from {table} order by all")
    assert got == EXPECTED_BASES[table]


def test_no_mart_row_mixes_bases(warehouse):
    """Each group-mart row is summed only from HS6 lines of its own value basis, and
    every dataset it names has that basis."""
    mixed = rows(
        warehouse,
        """select g.source, g.partner_iso3, g.product_group, g.year,
                  string_agg(distinct l.value_basis, ',')
           from mart_us_imports_by_year_partner_group as g
           join mart_us_imports_by_year_partner_hs as l
             on l.source = g.source and l.partner_iso3 = g.partner_iso3
            and l.product_group = g.product_group and l.year = g.year and l.hs_level = 6
           group by all
           having count(distinct l.value_basis) > 1
               or min(l.value_basis) <> any_value(g.value_basis)
           limit 5""",
    )
    assert mixed == []
    bad_datasets = rows(
        warehouse,
        """select g.datasets, g.value_basis, s.dataset, s.value_basis
           from mart_us_imports_by_year_partner_group as g,
                unnest(string_split(g.datasets, ',')) as d(name)
           join dim_source as s on s.dataset = d.name
           where s.value_basis <> g.value_basis
           limit 5""",
    )
    assert bad_datasets == []
    for table in TRADE_MARTS:
        if table == "mart_us_imports_by_year_partner_group":
            continue
        bad = rows(
            warehouse,
            f"""select m.dataset, m.value_basis, s.value_basis from {table} as m
                join dim_source as s using (dataset)
                where m.value_basis <> s.value_basis limit 5""",
        )
        assert bad == [], table


# --- 4. product groups -------------------------------------------------------------------


def test_every_scope_hs6_line_has_exactly_one_group(warehouse):
    scope = SCOPE_SQL.format(col="hs_code")
    missing = rows(
        warehouse,
        f"""select distinct dataset, hs_code from stg_trade_flows
            where hs_level = 6 and {scope}
              and hs_code not in (select hs_code from dim_product_group)
            limit 10""",
    )
    assert missing == []
    multi = rows(
        warehouse,
        "select hs_code, count(*) from dim_product_group group by 1 having count(*) > 1",
    )
    assert multi == []
    out_of_scope = rows(
        warehouse,
        f"select hs_code from dim_product_group where not {scope} or length(hs_code) <> 6",
    )
    assert out_of_scope == []  # e.g. 071290 dried vegetables stays unmapped
    groups = {r[0] for r in rows(warehouse, "select distinct product_group from dim_product_group")}
    with (SEEDS_DIR / "product_groups.csv").open(newline="", encoding="utf-8") as fh:
        assert groups == {r["product_group"] for r in csv.DictReader(fh)}


@pytest.mark.parametrize(
    ("hs_code", "group"),
    [
        ("610910", "cotton_apparel"),  # T-shirts, singlets and other vests; of cotton
        ("620342", "cotton_apparel"),  # men's trousers of cotton, not knitted
        ("610990", "other_textiles"),  # T-shirts ... of other textile materials
        ("620343", "other_textiles"),  # men's trousers of synthetic fibres
        ("520100", "cotton_fibre_yarn_fabric"),  # cotton, not carded or combed
        ("600621", "cotton_fibre_yarn_fabric"),  # knitted fabric of cotton
        ("580220", "other_textiles"),  # terry fabrics of textile materials, excluding cotton
        ("630260", "cotton_made_ups"),  # kitchen and toilet linen, terry, of cotton
        ("630231", "cotton_made_ups"),  # bed linen of cotton
        ("630239", "other_textiles"),  # bed linen of other textile materials
        ("070200", "fresh_tomatoes"),
        ("200210", "tomato_paste_preserved"),
        ("200290", "tomato_paste_preserved"),
        ("210320", "tomato_sauces"),
        ("120991", "tomato_seeds"),
    ],
)
def test_hand_checked_product_groups(warehouse, hs_code, group):
    got = rows(
        warehouse, "select product_group from dim_product_group where hs_code = ?", [hs_code]
    )
    assert got == [(group,)]


def test_cotton_groups_follow_the_description_rule(warehouse):
    """Cotton apparel/made-ups say 'of cotton' and never '(other than cotton)'."""
    bad = rows(
        warehouse,
        """select hs_code, product_group, description from dim_product_group
           where product_group in ('cotton_apparel', 'cotton_made_ups')
             and (description not ilike '%of cotton%'
                  or description ilike '%other than cotton%')""",
    )
    assert bad == []
    chapters = rows(
        warehouse,
        """select product_group, list(distinct left(hs_code, 2) order by left(hs_code, 2))
           from dim_product_group
           where product_group in ('cotton_apparel', 'cotton_made_ups', 'fresh_tomatoes')
           group by 1 order by 1""",
    )
    assert chapters == [
        ("cotton_apparel", ["61", "62"]),
        ("cotton_made_ups", ["63"]),
        ("fresh_tomatoes", ["07"]),
    ]


def test_product_group_matches_the_seed_rules(warehouse):
    """Re-apply etl/seeds/product_group_rules.csv (first match by priority wins) in Python
    to dim_hs's HS6 descriptions and compare with dim_product_group."""
    with (SEEDS_DIR / "product_group_rules.csv").open(newline="", encoding="utf-8") as fh:
        rules = sorted(csv.DictReader(fh), key=lambda r: int(r["priority"]))

    def like(text, pattern):  # SQL ILIKE with % only
        parts = [re.escape(p) for p in pattern.lower().split("%")]
        return re.fullmatch(".*".join(parts), text.lower(), re.DOTALL) is not None

    expected = {}
    for code, description in rows(
        warehouse, "select code, description from dim_hs where level = 6"
    ):
        for rule in rules:
            if not re.search(rule["hs_pattern"], code):
                continue
            if rule["description_like"] and not like(description, rule["description_like"]):
                continue
            if rule["description_not_like"] and like(description, rule["description_not_like"]):
                continue
            expected[code] = rule["product_group"]
            break
    got = dict(rows(warehouse, "select hs_code, product_group from dim_product_group"))
    assert got == expected


def test_import_lines_carry_their_product_group(warehouse):
    bad = rows(
        warehouse,
        """select m.hs_code, m.product_group, p.product_group
           from mart_us_imports_by_year_partner_hs as m
           left join dim_product_group as p using (hs_code)
           where m.product_group is distinct from p.product_group
              or (m.hs_level <> 6 and m.product_group is not null)
           limit 10""",
    )
    assert bad == []


def test_group_mart_equals_sum_of_its_hs6_lines(warehouse):
    """Recompute every group-mart cell from the staged HS6 lines and dim_product_group."""
    diff = rows(
        warehouse,
        """with lines as (
               select f.source, f.partner_iso3, p.product_group, f.year, f.value_usd
               from stg_trade_flows as f
               join dim_product_group as p using (hs_code)
               where f.reporter_iso3 = 'USA' and f.flow = 'M' and f.month is null
                 and f.hs_level = 6
           ),
           expected as (
               select source, partner_iso3, product_group, year,
                      sum(value_usd) as value_usd, count(*) as hs6_lines
               from lines group by all
           )
           select e.*, g.value_usd, g.hs6_lines
           from expected as e
           full join mart_us_imports_by_year_partner_group as g
             using (source, partner_iso3, product_group, year)
           where g.value_usd is distinct from e.value_usd
              or g.hs6_lines is distinct from e.hs6_lines
           limit 10""",
    )
    assert diff == []


def test_group_mart_hand_checked_cell(warehouse):
    """Census 2017, China, tomato paste and preserved: 200290 is the only line traded."""
    got = rows(
        warehouse,
        """select value_usd, hs6_lines from mart_us_imports_by_year_partner_group
           where source = 'census' and partner_iso3 = 'CHN' and year = 2017
             and product_group = 'tomato_paste_preserved'""",
    )
    assert got == [(1_388_110.0, 1)]
    cotton_apparel = scalar(
        warehouse,
        """select sum(value_usd) from mart_us_imports_by_year_partner_hs
           where source = 'comtrade' and partner_iso3 = 'VNM' and year = 2020
             and hs_code in (select hs_code from dim_product_group
                             where product_group = 'cotton_apparel')""",
    )
    assert cotton_apparel > 0
    assert (
        scalar(
            warehouse,
            """select value_usd from mart_us_imports_by_year_partner_group
               where source = 'comtrade' and partner_iso3 = 'VNM' and year = 2020
                 and product_group = 'cotton_apparel'""",
        )
        == cotton_apparel
    )


# --- copies of seeds and transcribed files --------------------------------------------


def _csv_rows(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_dim_country_is_the_seed(warehouse):
    seed = _csv_rows(SEEDS_DIR / "countries.csv")
    got = rows(
        warehouse, "select iso3, name, census_code, m49_code, comtrade_code from dim_country"
    )
    expected = [
        (r["iso3"], r["name"], r["census_code"] or None, r["m49_code"], r["comtrade_code"])
        for r in seed
    ]
    assert sorted(got) == sorted(expected)
    assert ("AFG", "004") in {(r[0], r[3]) for r in got}  # M49 keeps its zeros


def test_events_are_the_seed(warehouse):
    seed = _csv_rows(SEEDS_DIR / "events.csv")
    got = rows(
        warehouse,
        "select strftime(event_date, '%Y-%m-%d'), event_id, label, description, source_ref"
        " from events",
    )
    expected = [
        (r["event_date"], r["event_id"], r["label"], r["description"], r["source_ref"])
        for r in seed
    ]
    assert sorted(got) == sorted(expected)
    assert ("2021-01-13", "region_wro") in {(r[0], r[1]) for r in got}
