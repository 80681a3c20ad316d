-- Every trade flow from every source, one row per dataset, reporter, partner,
-- flow, HS code and period. Values keep their basis (CIF, customs, FOB):
-- nothing downstream may add or divide across bases.
--
-- A view over the per-source staging tables: it adds the columns that are the same on
-- every row of a source (stg_census_api stores only what varies), so they cost nothing
-- to ingest and are still on every row here.
with

comtrade_snapshot as (select * from stg_comtrade_snapshot),
census_snapshot as (select * from stg_census_snapshot),
census_api as (
    select
        'census' as source,
        'census_api' as dataset,
        'USA' as reporter_iso3,
        'M' as flow,
        'HTS' as hs_revision,
        'customs' as value_basis,
        cast(null as double) as net_weight_kg,
        *
    from stg_census_api
),
comtrade_api as (select * from stg_comtrade_api),

final as (
    select * from comtrade_snapshot
    union all by name
    select * from census_snapshot
    union all by name
    select * from census_api
    union all by name
    select * from comtrade_api
)

select
    source, dataset, reporter_iso3, partner_iso3, flow, hs_code, hs_level, hs_revision,
    description, year, month, value_usd, value_basis, quantity, quantity_unit,
    net_weight_kg, vintage, fetched_at
from final
