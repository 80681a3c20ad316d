-- Every trade flow from every source, one row per dataset, reporter, partner,
-- flow, HS code and period. Values keep their basis (CIF, customs, FOB):
-- nothing downstream may add or divide across bases.
with

comtrade_snapshot as (select * from stg_comtrade_snapshot),
census_snapshot as (select * from stg_census_snapshot),
census_api as (select * from stg_census_api),
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
