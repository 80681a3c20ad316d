"""The Where the trade went page's questions: US imports from every supplier, from the
sources that list every country (Census monthly, OTEXA apparel annual).

Parameterised SQL, cached at dashboard.db's one boundary. Census groupings (EU, ASEAN,
continents) never appear among suppliers: partner_kind keeps them apart.
"""

import pandas as pd

from dashboard.db import cached_query, run_query

# Fewer country partners than this in a source's annual data: not "every supplier".
EVERY_SUPPLIER_MIN_PARTNERS = 50


@cached_query
def census_monthly_products() -> pd.DataFrame:
    """HS codes with monthly Census imports from every partner: months where the countries
    held add up to the Census total (within 0.1 %), with the first and last such month."""
    return run_query(
        """
        with months as (
            select hs_code, any_value(description) as description, period,
                   sum(value_usd) filter (where partner_kind = 'country') as countries,
                   any_value(value_usd) filter (where partner_kind = 'total') as total,
                   count(*) filter (where partner_kind = 'country') as partners
            from mart_us_imports_by_month_partner_hs
            where source = 'census'
            group by hs_code, period
        )
        select hs_code as code, any_value(description) as description,
               count(*) as months, min(period) as first_period, max(period) as last_period,
               max(partners) as partners
        from months
        where total > 0 and abs(countries - total) <= 0.001 * total
        group by hs_code
        order by code
        """
    )


@cached_query
def census_monthly_suppliers(hs_code: str) -> pd.DataFrame:
    """Every country's and the total's monthly US imports of one HS code (Census, customs
    value), with the share of the total its countries cover that month."""
    return run_query(
        """
        with rows as (
            select period, partner_iso3, partner_name, partner_kind, value_usd, dataset, vintage
            from mart_us_imports_by_month_partner_hs
            where source = 'census' and hs_code = $hs_code
              and partner_kind in ('country', 'total')
        ), coverage as (
            select period,
                   sum(value_usd) filter (where partner_kind = 'country')
                       / nullif(any_value(value_usd) filter (where partner_kind = 'total'), 0)
                       as coverage
            from rows
            group by period
        )
        select r.*, c.coverage
        from rows as r join coverage as c using (period)
        order by r.period, r.partner_iso3
        """,
        {"hs_code": hs_code},
    )


@cached_query
def otexa_apparel_suppliers() -> pd.DataFrame:
    """US apparel imports (all fibres, OTEXA) by year and every country, with World."""
    return run_query(
        """
        select year, partner_iso3, partner_name, partner_kind, value_usd, sme_m2, datasets
                   as dataset, vintage
        from mart_us_apparel_imports_by_year_partner
        where partner_kind in ('country', 'total')
        order by year, partner_iso3
        """
    )


@cached_query
def data_exclusions(dataset_id: str) -> pd.DataFrame:
    """Years of a dataset left out of its mart, and why (etl/seeds/data_exclusions.csv as
    the build published it in dim_source's companion table)."""
    return run_query(
        """
        select year, reason from ref_data_exclusions
        where dataset_id = $dataset_id order by year
        """,
        {"dataset_id": dataset_id},
    )


@cached_query
def annual_partner_counts() -> pd.DataFrame:
    """How many countries each annual source reports US imports from, and in which years."""
    return run_query(
        """
        select source, value_basis, count(distinct partner_iso3) as partners,
               min(year) as first_year, max(year) as last_year,
               string_agg(distinct partner_name, ', ' order by partner_name) as partner_names
        from mart_us_imports_by_year_partner_hs
        where partner_kind = 'country'
        group by source, value_basis
        order by source
        """
    )


@cached_query
def largest_census_suppliers(hs_codes: tuple, limit: int) -> pd.DataFrame:
    """The countries US imports of these HS codes came from most in the latest 12 months
    whose monthly Census data hold every supplier (customs value), biggest first."""
    return run_query(
        """
        with rows as (
            select period, hs_code, partner_iso3, partner_name, partner_kind, value_usd
            from mart_us_imports_by_month_partner_hs
            where source = 'census' and list_contains($codes, hs_code)
              and partner_kind in ('country', 'total')
        ), complete as (
            select period
            from (
                select period, hs_code,
                       sum(value_usd) filter (where partner_kind = 'country') as countries,
                       any_value(value_usd) filter (where partner_kind = 'total') as total
                from rows group by period, hs_code
            )
            where total > 0 and abs(countries - total) <= 0.001 * total
            group by period
            having count(*) = len($codes)
        ), latest as (select max(period) as last from complete)
        select r.partner_iso3 as iso3, any_value(r.partner_name) as name,
               sum(r.value_usd) as value_usd
        from rows as r
        join complete using (period)
        cross join latest as l
        where r.partner_kind = 'country' and r.period > l.last - interval 12 month
        group by r.partner_iso3
        order by value_usd desc, iso3
        limit $limit
        """,
        {"codes": list(hs_codes), "limit": limit},
    )
