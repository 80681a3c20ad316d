"""The warehouse against the shipped snapshot files: every expected value is computed
here from the CSV (read as text with the csv module / pandas dtype=str) or quoted from
data/raw/SOURCES.md, never from the warehouse itself."""

import csv
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SEEDS_DIR = ROOT / "etl" / "seeds"

COMTRADE_CHINA = (
    RAW / "comtrade_us_china" / "us_imports_from_china_hs_textiles_tomato_2015_2025.csv"
)
COMTRADE_VNM_MEX = (
    RAW / "comtrade_us_china" / "us_imports_from_vietnam_mexico_hs_textiles_tomato_2015_2025.csv"
)
CENSUS_2017 = RAW / "usatrade_china_2017" / "China-import.csv"
CENSUS_TEXTILES = (
    RAW
    / "usatrade_monthly_2024_2026"
    / "us_imports_hs61_62_63_by_country_incl_world_monthly_2024_2026.csv"
)
CENSUS_API_HS2 = (
    RAW
    / "census_api_hs2_monthly_2023_2024"
    / "us_general_imports_hs2_by_country_monthly_2023_2024.csv"
)
CENSUS_CHINA_HS2 = (
    RAW / "usatrade_monthly_2024_2026" / "us_imports_from_china_hs2_monthly_2024_2026_excerpt.csv"
)
FAO = RAW / "owid_fao_production_2023" / "tomato-production-tonnes.csv"


def _transcribed_files():
    """Every transcribed file of reference figures with ids (kind 'transcribed', a
    figure_id column) the manifest lists. The files without ids (CBP enforcement, the
    second paste collection) are checked in tests/test_etl_enforcement.py and
    tests/test_etl_ref_citations.py."""
    with (RAW / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        entries = [r for r in csv.DictReader(fh) if r["kind"] == "transcribed"]
    files = {r["dataset_id"]: RAW / r["file"] for r in entries}
    return {d: p for d, p in files.items() if "figure_id" in csv_dicts(p)[0]}


def read_text_csv(path, skiprows=0):
    return pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=skiprows)


def csv_dicts(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


TRANSCRIBED = _transcribed_files()


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def scalar(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def census_code(commodity):
    """'0702 Tomatoes, Fresh Or Chilled' -> '0702' (text, zeros kept)."""
    head = commodity.split(" ", 1)[0]
    return head if head.isdigit() else None


# --- Comtrade ------------------------------------------------------------------------


def test_comtrade_china_hs61_2019_equals_file(warehouse):
    file = read_text_csv(COMTRADE_CHINA)
    line = file[(file.ref_year == "2019") & (file.cmd_code == "61")]
    assert len(line) == 1
    expected = float(line.primary_value.iloc[0])
    got = rows(
        warehouse,
        """select value_usd, value_basis, dataset from mart_us_imports_by_year_partner_hs
           where source = 'comtrade' and partner_iso3 = 'CHN' and hs_code = '61'
             and year = 2019""",
    )
    assert got == [(expected, "CIF", "comtrade_us_china")]


def test_comtrade_figures_quoted_in_sources_md(warehouse):
    def cif(hs, year):
        return scalar(
            warehouse,
            """select value_usd from mart_us_imports_by_year_partner_hs
               where source = 'comtrade' and partner_iso3 = 'CHN' and hs_code = ?
                 and year = ?""",
            [hs, year],
        )

    assert cif("61", 2017) == 14_884_551_494  # SOURCES.md section 1
    assert cif("61", 2024) == 10_634_348_302  # SOURCES.md section 9


@pytest.mark.parametrize(
    ("dataset", "path"),
    [("comtrade_us_china", COMTRADE_CHINA), ("comtrade_us_vnm_mex", COMTRADE_VNM_MEX)],
)
def test_every_comtrade_row_is_staged_unchanged(warehouse, dataset, path):
    file = read_text_csv(path)
    assert set(file.flow_desc) == {"Import"}
    expected = {
        (r.partner_iso, r.cmd_code, int(r.ref_year)): float(r.primary_value)
        for r in file.itertuples()
    }
    assert len(expected) == len(file)
    got = {
        (p, h, y): v
        for p, h, y, v in rows(
            warehouse,
            "select partner_iso3, hs_code, year, value_usd from stg_trade_flows where dataset = ?",
            [dataset],
        )
    }
    assert got == expected
    # section 1: China file 10,288 rows (11 TOTAL, 198 HS2, 1,696 HS4, 8,383 HS6)
    if dataset == "comtrade_us_china":
        levels = dict(
            rows(
                warehouse,
                "select hs_level, count(*) from stg_trade_flows where dataset = ? group by 1",
                [dataset],
            )
        )
        assert levels == {0: 11, 2: 198, 4: 1696, 6: 8383}


def test_comtrade_hs6_quantities_are_the_files(warehouse):
    file = read_text_csv(COMTRADE_VNM_MEX)
    line = file[
        (file.ref_year == "2019") & (file.cmd_code == "070200") & (file.partner_iso == "MEX")
    ]
    assert len(line) == 1
    got = rows(
        warehouse,
        """select quantity, quantity_unit, net_weight_kg from mart_us_imports_by_year_partner_hs
           where source = 'comtrade' and partner_iso3 = 'MEX' and hs_code = '070200'
             and year = 2019""",
    )
    r = line.iloc[0]
    assert got == [(float(r.qty), r.qty_unit_abbr, float(r.net_wgt))]


def test_comtrade_unit_na_zero_is_not_reported_not_zero(warehouse):
    """HS6 lines with unit 'N/A' carry qty 0 (and net weight 0) for "not reported": they
    must reach the marts as missing, never as 0 kg."""
    file = read_text_csv(COMTRADE_VNM_MEX)
    line = file[
        (file.ref_year == "2021") & (file.cmd_code == "520100") & (file.partner_iso == "VNM")
    ]
    assert line[["qty_unit_abbr", "qty", "net_wgt"]].values.tolist() == [["N/A", "0.0", "0.0"]]
    got = rows(
        warehouse,
        """select value_usd, quantity, quantity_unit, net_weight_kg
           from mart_us_imports_by_year_partner_hs
           where source = 'comtrade' and partner_iso3 = 'VNM' and hs_code = '520100'
             and year = 2021""",
    )
    assert got == [(float(line.iloc[0].primary_value), None, None, None)]
    zero_na = scalar(
        warehouse,
        """select count(*) from stg_trade_flows where source = 'comtrade' and hs_level = 6
           and quantity_unit is null and (quantity = 0 or net_weight_kg = 0)""",
    )
    assert zero_na == 0


# --- Census --------------------------------------------------------------------------


def test_census_2017_figures_quoted_in_sources_md(warehouse):
    def customs(hs):
        return scalar(
            warehouse,
            """select value_usd from mart_us_imports_by_year_partner_hs
               where source = 'census' and partner_iso3 = 'CHN' and hs_code = ?
                 and year = 2017 and value_basis = 'customs'""",
            [hs],
        )

    # SOURCES.md section 2
    assert customs("61") == 14_304_014_309
    assert customs("52") == 227_938_720
    assert customs("62") == 12_979_385_905
    assert customs("63") == 7_965_637_600
    assert customs("2002") == 1_388_110
    assert customs("200290") == 1_388_110
    assert customs("120991") == 70_761_687
    assert customs("1209918070") == 33_761_889
    hs2_sum = scalar(
        warehouse,
        """select sum(value_usd) from stg_trade_flows
           where dataset = 'census_china_2017' and hs_level = 2""",
    )
    assert hs2_sum == 505_470_212_451
    total = scalar(
        warehouse,
        "select value_usd from stg_trade_flows where dataset = 'census_china_2017'"
        " and hs_level = 0",
    )
    assert total == 505_470_000_000


def test_census_2017_every_coded_row_is_staged_unchanged(warehouse):
    file = read_text_csv(CENSUS_2017)
    assert len(file) == 20_218  # SOURCES.md section 2
    expected = {
        census_code(c): float(v)
        for c, v in zip(file["Commodity"], file["Customs Value (Gen) ($US)"], strict=True)
        if census_code(c)
    }
    assert len(expected) == len(file) - 1  # all but "All Commodities"
    got = dict(
        rows(
            warehouse,
            """select hs_code, value_usd from stg_trade_flows
               where dataset = 'census_china_2017' and hs_level > 0""",
        )
    )
    assert got == expected
    assert "0702" not in got  # no fresh tomatoes from China (SOURCES.md section 1)
    assert got["07"] > 0  # chapter 07 keeps its zero


def test_census_2024_calendar_sums_from_sources_md(warehouse):
    def year_sum(partner, hs):
        return scalar(
            warehouse,
            """select sum(value_usd) from mart_us_imports_by_month_partner_hs
               where source = 'census' and partner_iso3 = ? and hs_code = ? and year = 2024""",
            [partner, hs],
        )

    # SOURCES.md section 9
    assert year_sum("CHN", "61") == 10_000_619_561
    assert year_sum("WLD", "61") == 45_386_650_442
    assert year_sum("CHN", "62") == 7_323_126_576
    assert year_sum("WLD", "62") == 34_901_003_673
    assert year_sum("CHN", "63") == 8_618_231_302
    assert year_sum("WLD", "63") == 16_917_187_165
    jan = scalar(
        warehouse,
        """select value_usd from mart_us_imports_by_month_partner_hs
           where partner_iso3 = 'CHN' and hs_code = '61' and year = 2024 and month = 1""",
    )
    assert jan == 785_333_323


def test_census_2024_sums_recomputed_from_the_file(warehouse):
    file = read_text_csv(CENSUS_TEXTILES)
    assert len(file) == 729
    file = file[file.period.str.startswith("2024-")]
    names = {r["name"]: r["iso3"] for r in csv_dicts(SEEDS_DIR / "countries.csv")}
    names["World Total"] = "WLD"
    expected = {}
    for country, hs2, value in zip(file.country, file.hs2, file.customs_value_gen_usd, strict=True):
        key = (names[country], hs2)
        expected[key] = expected.get(key, 0) + int(value)
    assert len(expected) == 27  # 9 partners x 3 chapters
    got = dict(
        ((iso3, hs), v)
        for iso3, hs, v in rows(
            warehouse,
            """select partner_iso3, hs_code, sum(value_usd) from mart_us_imports_by_month_partner_hs
               where year = 2024 and hs_code in ('61', '62', '63') group by all""",
        )
        # the file's partners (the Census API answer adds every other one)
        if (iso3, hs) in expected
    )
    assert got == expected


def test_monthly_census_files_agree_where_they_overlap(warehouse):
    """The mart keeps one of two identical Census rows for China HS 61-63."""
    china = read_text_csv(CENSUS_CHINA_HS2, skiprows=2)
    china = china[china["Commodity"].str.match(r"^6[123] ")]
    months = pd.to_datetime(china["Time"], format="%B %Y")
    expected = {
        (c[:2], t.year, t.month): float(v.replace(",", ""))
        for c, t, v in zip(
            china["Commodity"], months, china["Customs Value (Gen) ($US)"], strict=True
        )
    }
    textiles = read_text_csv(CENSUS_TEXTILES)
    textiles = textiles[textiles.country == "China"]
    other = {
        (h, int(p[:4]), int(p[5:])): float(v)
        for h, p, v in zip(
            textiles.hs2, textiles.period, textiles.customs_value_gen_usd, strict=True
        )
    }
    assert expected == other  # the two shipped files agree
    got = {
        (h, y, m): v
        for h, y, m, v in rows(
            warehouse,
            """select hs_code, year, month, value_usd from mart_us_imports_by_month_partner_hs
               where partner_iso3 = 'CHN' and hs_code in ('61', '62', '63') and year >= 2024""",
        )
    }
    assert got == expected


def test_staged_row_counts_equal_file_rows(warehouse):
    files = {
        "comtrade_us_china": (COMTRADE_CHINA, 0),
        "comtrade_us_vnm_mex": (COMTRADE_VNM_MEX, 0),
        "comtrade_us_world": (RAW / "comtrade_fastfashion" / "market_imports_all.csv", 0),
        "comtrade_producer_exports": (RAW / "comtrade_fastfashion" / "producer_exports_all.csv", 0),
        "comtrade_producer_textile_imports": (
            RAW / "comtrade_fastfashion" / "textile_imports_all.csv",
            0,
        ),
        "census_china_2017": (CENSUS_2017, 0),
        "census_monthly_textiles": (CENSUS_TEXTILES, 0),
        "census_monthly_china_hs2": (CENSUS_CHINA_HS2, 2),
        "census_api_hs2_monthly_2023_2024": (CENSUS_API_HS2, 0),
    }
    expected = {d: len(read_text_csv(p, skiprows=s)) for d, (p, s) in files.items()}
    got = dict(rows(warehouse, "select dataset, count(*) from stg_trade_flows group by 1"))
    assert got == expected


# --- FAO -----------------------------------------------------------------------------


def test_fao_china_2023_tomatoes(warehouse):
    file = read_text_csv(FAO)
    assert len(file) == 12_163
    line = file[(file.Entity == "China") & (file.Year == "2023")]
    expected = float(line.iloc[0]["tomatoes__00000388__production__005510__tonnes"])
    assert expected == 70_119_700  # SOURCES.md section 10
    got = rows(
        warehouse,
        """select tonnes, world_tonnes, iso3, is_country
           from mart_tomato_production_by_year_country where entity = 'China' and year = 2023""",
    )
    assert got == [(70_119_700.0, 192_317_970.0, "CHN", True)]
    assert scalar(warehouse, "select count(*) from mart_tomato_production_by_year_country") == len(
        file
    )
    share = scalar(
        warehouse,
        """select share_of_world from mart_tomato_production_by_year_country
           where entity = 'China' and year = 2023""",
    )
    assert share == pytest.approx(70_119_700 / 192_317_970)
    assert rows(
        warehouse,
        """select is_country from mart_tomato_production_by_year_country
           where entity = 'World' and year = 2023""",
    ) == [(False,)]


# --- text copied verbatim ---------------------------------------------------------------


# ref_figures column <- column of the transcribed file (processing volumes: year -> period)
REF_COLUMNS = {
    "value_text": "value",
    "metric": "metric",
    "unit": "unit",
    "geography": "geography",
    "source_name": "source_name",
    "url": "url",
    "publication_date": "publication_date",
    "quote": "quote",
    "notes": "notes",
}


def _differences(got, expected):
    """[(key, column, got, expected)] for every cell that differs; '' and NULL are equal."""
    out = []
    for key in sorted(expected):
        for column, want in expected[key].items():
            have = got.get(key, {}).get(column)
            if (have or None) != (want or None):
                out.append((key, column, have, want))
    return out


@pytest.mark.parametrize("dataset", sorted(TRANSCRIBED))
def test_ref_figures_are_the_files_verbatim(warehouse, dataset):
    """Quotes are verbatim: CSV escaping ("" inside a quoted field) must be decoded
    exactly as the csv module does, nothing else changed."""
    file = csv_dicts(TRANSCRIBED[dataset])
    cur = warehouse.execute(
        f"select figure_id, {', '.join(REF_COLUMNS)} from ref_figures where dataset = ?",
        [dataset],
    )
    got = {r[0]: dict(zip(REF_COLUMNS, r[1:], strict=True)) for r in cur.fetchall()}
    expected = {r["figure_id"]: {c: r[f] for c, f in REF_COLUMNS.items()} for r in file}
    assert got.keys() == expected.keys()
    diffs = _differences(got, expected)
    assert diffs == [], (
        f"{len({d[0] for d in diffs})} of {len(expected)} figures differ from the file; "
        f"first: {diffs[0]}"
    )


def test_dim_source_is_the_manifest_verbatim(warehouse):
    manifest = csv_dicts(RAW / "manifest.csv")
    columns = ("upstream_agency", "origin", "licence", "upstream_vintage", "file", "sha256")
    cur = warehouse.execute(f"select dataset, {', '.join(columns)} from dim_source")
    got = {r[0]: dict(zip(columns, r[1:], strict=True)) for r in cur.fetchall()}
    expected = {m["dataset_id"]: {c: m[c] for c in columns} for m in manifest}
    diffs = _differences(got, expected)
    assert diffs == [], f"{len(diffs)} manifest cells differ in dim_source; first: {diffs[0]}"
