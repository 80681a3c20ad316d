"""What the Exposure modeller reads from the warehouse beyond the model's own inputs:
national US imports in the base year, to check uploaded values against and to show how
much of them the members' lines are.

One source (so one value basis) per year: Census customs value where the warehouse has
HS6 lines for that year, else UN Comtrade CIF. Never both.
"""

from __future__ import annotations

import pandas as pd

from dashboard.db import cached_query, run_query

_SOURCE_OF_YEAR = """
    source_of_year as (
        select source
        from mart_us_imports_by_year_partner_hs
        where hs_level = 6 and year = $year and partner_iso3 <> 'WLD'
        group by source
        order by bool_or(value_basis = 'customs') desc, source
        limit 1
    )
"""


@cached_query
def national_imports_by_hs6(year: int) -> pd.DataFrame:
    """US imports by origin and HS6 in `year` (partner_iso3, hs6, value_usd, source,
    value_basis, year, source_label), from one source; World rows left out."""
    return run_query(
        f"""
        with {_SOURCE_OF_YEAR}
        select m.partner_iso3, m.hs_code as hs6, sum(m.value_usd) as value_usd,
               m.source, m.value_basis, m.year, min(d.upstream_agency) as source_label
        from mart_us_imports_by_year_partner_hs as m
        left join dim_source as d using (dataset)
        where m.hs_level = 6 and m.year = $year and m.partner_iso3 <> 'WLD'
          and m.source = (select source from source_of_year)
        group by all
        order by m.partner_iso3, hs6
        """,  # noqa: S608 - the CTE is a constant
        {"year": int(year)},
    )


@cached_query
def national_imports_of_covered_products(year: int) -> pd.DataFrame:
    """US imports of all the covered products (every product group) by origin in `year`,
    from the same source as national_imports_by_hs6."""
    return run_query(
        f"""
        with {_SOURCE_OF_YEAR}
        select m.partner_iso3, sum(m.value_usd) as value_usd, m.source, m.value_basis, m.year,
               min(d.upstream_agency) as source_label
        from mart_us_imports_by_year_partner_group as m
        left join dim_source as d on d.dataset = m.datasets
        where m.year = $year and m.partner_iso3 <> 'WLD'
          and m.source = (select source from source_of_year)
        group by all
        order by m.partner_iso3
        """,  # noqa: S608 - the CTE is a constant
        {"year": int(year)},
    )
