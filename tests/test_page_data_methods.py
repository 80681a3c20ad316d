"""AppTest of the Data and methods page on the warehouse built from the shipped snapshot."""

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import methods_view, queries
from tests.apptest import open_boxes, open_page, open_table_downloads

PAGE = "pages/data_and_methods.py"


def table_with(at: AppTest, *columns: str):
    """The first dataframe on the page that has all these columns."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_every_source_is_listed_with_provenance(app_env, warehouse):
    at = open_page(PAGE)
    sources = warehouse.execute("select * from dim_source").df()
    shown = table_with(at, "dataset", "licence", "upstream_vintage")
    assert sorted(shown["dataset"]) == sorted(sources["dataset"])
    labels = [e.label for e in at.expander]
    for _, row in sources.iterrows():
        assert f"{row['dataset']}: {row['upstream_agency']}" in labels
    assert "Searched for but not found" not in markdown_text(at)  # drawn when opened
    text = markdown_text(open_boxes(at))
    for sha in sources["sha256"].dropna():
        assert sha in text  # each expander carries the file's checksum
    assert any("SOURCES.md" in label for label in labels)
    assert "Searched for but not found" in text  # the SOURCES.md text is rendered


def test_caveats_show_both_value_bases_side_by_side(app_env, warehouse):
    at = open_page(PAGE)
    expected = warehouse.execute(
        """
        select source, value_usd from mart_us_imports_by_year_partner_hs
        where hs_code = '61' and partner_iso3 = 'CHN' and year = 2017
        """
    ).df()
    both = table_with(at, "source", "value_basis", "value_usd")
    assert dict(zip(both["source"], both["value_usd"], strict=True)) == dict(
        zip(expected["source"], expected["value_usd"], strict=True)
    )
    assert set(both["value_basis"]) == {"CIF", "customs"}
    headings = [h.value for h in at.subheader]
    for topic in ("CIF value", "HS revisions", "General imports", "Tomato seeds", "CBP"):
        assert any(topic in h for h in headings), topic
    text = markdown_text(at)
    assert "about $9 billion" in text.replace("\\", "")  # WRO-01, quoted, not hard-coded


def test_coverage_is_computed_from_the_warehouse(app_env, warehouse):
    at = open_page(PAGE)
    first, last = warehouse.execute(
        """
        select strftime(min(period), '%Y-%m'), strftime(max(period), '%Y-%m')
        from mart_us_imports_by_month_partner_hs
        """
    ).fetchone()
    text = markdown_text(at)
    assert f"Monthly data exist only from {first} to {last}" in text
    coverage = table_with(at, "dataset", "partner", "frequency", "first_period")
    world = coverage[(coverage["partner"] == "WLD") & (coverage["dataset"] == "comtrade_us_world")]
    assert world["hs_chapters"].tolist() == ["61, 62"]
    revisions = table_with(at, "hs_revision", "first_year", "last_year")
    us_china = revisions[revisions["dataset"] == "comtrade_us_china"]
    assert us_china.set_index("hs_revision")["first_year"].to_dict() == {
        "H4": 2015,
        "H5": 2017,
        "H6": 2022,
    }


def test_mapping_table_and_group_filter(app_env, warehouse):
    at = open_page(PAGE)
    mapping = table_with(at, "HS6 code", "group", "rule")
    total = warehouse.execute("select count(*) from dim_product_group").fetchone()[0]
    assert len(mapping) == total
    assert "CBP named products, not HS codes" in " ".join(c.value for c in at.caption)
    at.selectbox(key="methods_group").set_value("Cotton apparel").run()
    assert not at.exception
    mapping = table_with(at, "HS6 code", "group", "rule")
    expected = warehouse.execute(
        "select count(*) from dim_product_group where product_group = 'cotton_apparel'"
    ).fetchone()[0]
    assert len(mapping) == expected and set(mapping["group"]) == {"Cotton apparel"}


def test_a_download_button_for_every_table(app_env):
    at = open_page(PAGE)
    keys = {b.proto.id for b in at.get("download_button")}
    for name in queries.DOWNLOADABLE_TABLES:
        for fmt in ("csv", "xlsx"):
            assert any(f"download_{name}_{fmt}" in k for k in keys), (name, fmt)
    text = markdown_text(at)
    for name in queries.DOWNLOADABLE_TABLES:
        assert f"`{name}`" in text


def test_tampered_link_shows_a_warning_not_an_exception(app_env, warehouse):
    at = open_page(PAGE, {"methods_group": "garbage", "junk": "1"})
    warnings = " ".join(w.value for w in at.warning)
    assert "could not be used" in warnings
    assert "methods_group" in warnings and "junk" in warnings
    mapping = table_with(at, "HS6 code", "group", "rule")
    total = warehouse.execute("select count(*) from dim_product_group").fetchone()[0]
    assert len(mapping) == total  # fell back to all groups


def test_long_chapter_lists_are_shortened():
    assert methods_view.chapters_label("61, 62") == "61, 62"
    many = ", ".join(str(c) for c in range(30, 63))
    assert methods_view.chapters_label(many) == "30-62 (33 chapters)"
    assert methods_view.chapters_label(None) == ""


def test_every_downloadable_table_has_a_note():
    for name in queries.DOWNLOADABLE_TABLES:
        title, units = methods_view.table_note(name)
        assert title != name and units


@pytest.mark.parametrize("page", ["pages/data_and_methods.py", "pages/wro_impact.py"])
def test_every_table_has_its_csv_and_excel_downloads(app_env, page):
    at = open_table_downloads(open_boxes(open_page(page)))
    labels = [b.label for b in at.get("download_button")]
    tables = len(at.dataframe)
    assert tables >= 4
    # one CSV and one Excel button per table (charts add theirs on top)
    assert labels.count("CSV data") >= tables and labels.count("Excel data") >= tables


def test_codes_no_library_maps_and_groupings_are_listed(app_env, warehouse):
    at = open_page(PAGE)
    codes = table_with(at, "code", "name", "kind", "treatment")
    by_code = codes.set_index("code")
    assert by_code.loc["census:5083", "name"] == "WEST BANK ADMINISTERED BY ISRAEL"
    assert by_code.loc["census:5083", "kind"] == "country"
    assert by_code.loc["census:0003", "kind"] == "grouping"  # European Union
    assert by_code.loc["otexa:USSR", "kind"] == "country"
    expected = warehouse.execute(
        "select count(*) from dim_partner where not has_iso3 and kind <> 'total'"
    ).fetchone()[0]
    assert len(codes) == expected
    coverage = table_with(at, "dataset", "partner", "frequency", "rows")
    census = coverage[coverage["dataset"] == "census_api_hs2_monthly_2023_2024"]
    assert set(census["partner"]) == {"WLD", "223 countries", "19 groupings"}
