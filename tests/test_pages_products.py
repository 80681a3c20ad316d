"""AppTest of the Overview, Cotton and textiles, and Tomatoes pages on the shipped data."""

import pytest

from tests.apptest import figures, link_notes, open_page, plain_title
from tests.plotly_json import points, traces


def test_overview_headlines_match_the_group_mart(app_env, warehouse):
    at = open_page()
    expected = warehouse.execute(
        """
        select sum(value_usd) from mart_us_imports_by_year_partner_group
        where source = 'comtrade' and partner_iso3 = 'CHN' and year = 2020
          and product_group in ('cotton_fibre_yarn_fabric', 'cotton_apparel', 'cotton_made_ups')
        """
    ).fetchone()[0]
    cotton = next(m for m in at.metric if m.label.startswith("Cotton products"))
    assert f"{expected / 1e9:,.2f} bn" in cotton.proto.delta
    quotes = " ".join(m.value for m in at.markdown)
    assert "detain cotton products and tomato products" in quotes  # CBP release, WRO-05
    assert "WRO-01" in quotes
    figs = figures(at)
    assert len(figs) == 2
    assert [t["name"] for t in figs[0]["data"]] == ["2020", "2025"]
    links = [p.proto.label for p in at.get("page_link")]
    assert "Cotton and textiles" in links and "Data and methods" in links


def test_cotton_page_group_chart_is_the_mart(app_env, warehouse):
    at = open_page("pages/cotton_and_textiles.py")
    group_fig = figures(at)[0]
    assert "cotton apparel" in group_fig["layout"]["title"]["text"]
    china = traces(group_fig)["China"]
    expected = dict(
        warehouse.execute(
            """
            select year, value_usd from mart_us_imports_by_year_partner_group
            where source = 'comtrade' and partner_iso3 = 'CHN' and product_group = 'cotton_apparel'
            """
        ).fetchall()
    )
    assert points(china) == pytest.approx(expected)
    source = [a for a in group_fig["layout"]["annotations"] if a.get("name") == "source"]
    assert "UN Comtrade" in source[0]["text"] and "CIF" in source[0]["text"]
    assert len(figures(at)) >= 4  # group, HS drill-down, share (annual, monthly), monthly


def test_choosing_another_group_changes_the_chart(app_env):
    at = open_page("pages/cotton_and_textiles.py")
    before = figures(at)[0]["layout"]["title"]["text"]
    at.selectbox(key="cotton_group").set_value("cotton_made_ups").run()
    assert not at.exception
    after = figures(at)[0]["layout"]["title"]["text"]
    assert before != after and "made-ups" in after


def test_drilling_down_to_hs6_gives_quantities(app_env, warehouse):
    at = open_page("pages/cotton_and_textiles.py")
    at.selectbox(key="cotton_hs4").set_value("6109").run()
    at.selectbox(key="cotton_hs6").set_value("610910").run()
    at.radio(key="measure").set_value("quantity").run()
    assert not at.exception
    fig = next(f for f in figures(at) if "HS 610910" in f["layout"]["title"]["text"])
    china = traces(fig)["China"]
    expected = warehouse.execute(
        """
        select quantity from mart_us_imports_by_year_partner_hs
        where source = 'comtrade' and partner_iso3 = 'CHN' and hs_code = '610910' and year = 2019
        """
    ).fetchone()[0]
    assert points(china)[2019] == pytest.approx(expected)
    assert fig["layout"]["yaxis"]["title"]["text"] in ("u", "kg")
    # the product-group chart stays in value, and says why
    group = next(f for f in figures(at) if "cotton apparel" in f["layout"]["title"]["text"])
    assert group["layout"]["yaxis"]["title"]["text"] == "USD, CIF value"
    assert any("this chart shows value" in c.value for c in at.caption)


def test_no_partner_shows_a_plain_message(app_env):
    at = open_page("pages/cotton_and_textiles.py")
    at.multiselect(key="partners").set_value([]).run()
    assert not at.exception
    assert any("Choose at least one partner" in i.value for i in at.info)


def test_tampered_link_falls_back_with_a_visible_note(app_env):
    at = open_page(
        "pages/cotton_and_textiles.py",
        params={"partners": "XXX", "years": "1800", "nonsense": "1"},
    )
    assert any("could not be used" in w.value for w in at.warning)
    assert figures(at)  # defaults still draw


def test_a_reversed_year_range_in_a_link_is_noted_and_read_in_order(app_env):
    at = open_page("pages/cotton_and_textiles.py", params={"years": ["2023", "2018"]})
    assert any("`years=2023, 2018` is reversed: read as 2018-2023" in w.value for w in at.warning)
    assert not any("is not valid" in w.value for w in at.warning)
    fig = figures(at)[0]
    years = sorted({x for t in fig["data"] for x, y in points(t).items() if y is not None})
    assert (years[0], years[-1]) == (2018, 2023)


def test_a_half_known_partner_list_is_noted_and_the_known_part_used(app_env):
    at = open_page("pages/cotton_and_textiles.py", params={"partners": ["China", "Atlantis"]})
    assert any("`partners=China, Atlantis` is not valid here" in w.value for w in at.warning)
    assert at.multiselect(key="partners").value == ["CHN"]


def test_an_emptied_partner_list_is_a_valid_link(app_env):
    at = open_page("pages/cotton_and_textiles.py", params={"partners": ""})
    assert not link_notes(at)
    assert at.multiselect(key="partners").value == []
    assert any("Choose at least one partner" in i.value for i in at.info)


def test_a_valid_link_restores_the_view_without_a_note(app_env):
    at = open_page(
        "pages/cotton_and_textiles.py",
        params={"cotton_group": "Cotton made-ups (home textiles)", "partners": "China"},
    )
    assert not link_notes(at)
    fig = figures(at)[0]
    assert "made-ups" in fig["layout"]["title"]["text"]
    assert [t["name"] for t in fig["data"]] == ["China"]


def test_tomato_page_shows_chinas_monthly_share_where_census_has_a_world_total(app_env, warehouse):
    at = open_page("pages/tomatoes.py")
    assert not any("no US imports-from-world total" in i.value for i in at.info)
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert any("tomato paste" in t.lower() for t in titles)
    share = next(
        f for f in figures(at) if "China's share of US imports (monthly)" in plain_title(f)
    )
    lines = {t["name"]: t for t in share["data"]}
    assert set(lines) == {"HS 07", "HS 20"}
    expected = warehouse.execute(
        """select c.value_usd / w.value_usd
           from mart_us_imports_by_month_partner_hs as c
           join mart_us_imports_by_month_partner_hs as w using (source, hs_code, period)
           where c.source = 'census' and c.hs_code = '20' and c.partner_iso3 = 'CHN'
             and w.partner_iso3 = 'WLD' and c.period = date '2023-01-01'"""
    ).fetchone()[0]
    first = min(points(lines["HS 20"]))  # the x values are timestamps as text
    assert first.startswith("2023-01-01")
    assert points(lines["HS 20"])[first] == pytest.approx(expected)
    # the chart names a chosen partner it has no line for, so its exports do too
    group = next(t for t in titles if "tomato paste" in t.lower())
    assert "no data for" in group


def test_summaries_are_computed_from_the_data(app_env):
    at = open_page("pages/cotton_and_textiles.py")
    captions = " ".join(c.value for c in at.caption)
    assert "Cotton apparel: China fell from" in captions


def test_embed_view_shows_only_the_chosen_chart(app_env):
    at = open_page("pages/cotton_and_textiles.py", params={"embed": "true", "chart": "share_year"})
    figs = figures(at)
    assert len(figs) == 1
    assert "China's share" in figs[0]["layout"]["title"]["text"]
    assert not at.title  # no page title, only the chart and its summary


def test_chart_exports_carry_the_data_vintage_of_their_source_line(app_env):
    """export_meta's vintage: the vintages the chart's source line names, even when the
    line is wrapped for a half-width chart."""
    from dashboard import queries, render
    from dashboard.impact_view import chart_source

    sources = queries.all_sources()
    comtrade = sources[sources["dataset"].str.startswith("comtrade_us")]
    line = render.source_line(list(comtrade["dataset"]))
    want = sorted(set(comtrade["upstream_vintage"]))
    assert want and all(v for v in want)
    assert sorted(render.vintages_in(line)) == want
    assert sorted(render.vintages_in(chart_source(line))) == want
    assert render.vintages_in("Source: unknown (no provenance recorded for this data)") == []


def test_exports_list_the_filters_by_their_labels_not_their_url_keys(app_env):
    from dashboard import filters

    at = open_page("pages/cotton_and_textiles.py", params={"years": ["2016", "2024"]})
    shown = {r.title: r.shown for r in at.session_state[filters.LINK_STATE].values()}
    assert shown["Years"] == "2016-2024"
    assert shown["Product group"] == "Cotton apparel"
    assert shown["Partners"].startswith("China, ")
    assert not any(k.startswith("cotton_") for k in shown)


@pytest.mark.parametrize(
    "page", [None, "pages/cotton_and_textiles.py", "pages/data_and_methods.py"]
)
def test_an_embed_of_an_unknown_chart_says_so_instead_of_a_blank_page(app_env, page):
    at = open_page(page, params={"embed": "true", "chart": "no_such_chart"})
    notes = " ".join(i.value for i in at.info)
    assert "asks for the chart 'no\\_such\\_chart', which this page does not have" in notes
    assert not figures(at)


def test_china_share_follows_the_years_and_is_drawn_as_china(app_env):
    from dashboard import theme

    at = open_page("pages/cotton_and_textiles.py", params={"years": ["2018", "2023"]})
    fig = next(
        f
        for f in figures(at)
        if "China's share of US imports (annual)" in f["layout"]["title"]["text"]
    )
    years = {x for t in fig["data"] for x, y in points(t).items() if y is not None}
    assert min(years) == 2018 and max(years) == 2023
    assert {t["line"]["color"] for t in fig["data"]} == {theme.CHINA_COLOUR}
    assert len({t["line"]["dash"] for t in fig["data"]}) == len(fig["data"])
    summary = next(
        c.value for c in at.caption if c.value.startswith("China's share of US imports:")
    )
    assert "in 2018" in summary and "%)" not in summary  # levels, not a relative change
    # the default view asks for 2015-2025; the subtitle gives the years that have a share
    at = open_page("pages/cotton_and_textiles.py")
    fig = next(f for f in figures(at) if "share of US imports (annual)" in plain_title(f))
    years = {x for t in fig["data"] for x, y in points(t).items() if y is not None}
    assert fig["layout"]["title"]["text"].endswith(f"{min(years)}-{max(years)}</span>")


@pytest.mark.parametrize(
    "params",
    [{"cotton_chapter": "garbage"}, {"cotton_group": "Cotton apparel", "cotton_hs4": "9999"}],
)
def test_an_unknown_choice_in_a_link_is_noted(app_env, params):
    at = open_page("pages/cotton_and_textiles.py", params=params)
    key = list(params)[-1]
    assert any(f"`{key}={params[key]}` is not one of the choices" in w.value for w in at.warning)
    assert figures(at)


@pytest.mark.parametrize(
    ("page", "params", "title"),
    [
        ("pages/cotton_and_textiles.py", {"cotton_chapter": "52"}, "US imports of HS 52,"),
        ("pages/tomatoes.py", {"tomato_chapter": "07"}, "US imports of HS 07,"),
    ],
)
def test_a_link_may_name_a_choice_by_its_code(app_env, page, params, title):
    at = open_page(page, params=params)
    assert not link_notes(at)
    assert any(plain_title(f).startswith(title) for f in figures(at))


def test_a_heading_left_over_from_the_previous_chapter_is_not_a_link_problem(app_env):
    """The URL still holds the old heading for a moment after the chapter changes."""
    at = open_page("pages/cotton_and_textiles.py")
    at.selectbox(key="cotton_chapter").set_value("52").run()
    at.selectbox(key="cotton_hs4").set_value("5208").run()
    at.query_params["cotton_hs4"] = "5208 Woven fabrics of cotton"  # as the browser keeps it
    at.selectbox(key="cotton_chapter").set_value("61").run()
    assert not at.exception and not link_notes(at)
    assert at.selectbox(key="cotton_hs4").value == "all"


def test_an_embed_shows_its_chart_without_other_sections_notes(app_env):
    at = open_page("pages/tomatoes.py", params={"embed": "true", "chart": "hs"})
    figs = figures(at)
    assert len(figs) == 1 and "US imports of HS" in figs[0]["layout"]["title"]["text"]
    assert not any("China's share cannot be computed" in i.value for i in at.info)
    assert not any("asks for the chart" in i.value for i in at.info)


def test_an_unknown_parameter_on_the_overview_is_noted(app_env):
    at = open_page(None, params={"foo": "bar"})
    assert any("unknown parameter `foo`" in w.value for w in at.warning)
    assert not open_page(None, params={"partners": "China"}).warning
