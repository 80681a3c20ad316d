-- Every trade flow from every source, one row per dataset, reporter, partner,
-- flow, HS code and period. Values keep their basis (CIF, customs, FOB):
-- nothing downstream may add or divide across bases.
--
-- A view over the per-source staging tables: it adds the columns that are the same on
-- every row of a source (stg_census_api stores only what varies), and each row's
-- vintage_date: when its figures were fetched, or the date of the shipped file's vintage
-- (manifest.csv). Where two files hold the same figure, the marts keep the later vintage.
with

manifest as (
    select dataset_id as dataset, cast(nullif(vintage_date, '') as date) as vintage_date
    from raw_manifest
),

comtrade_snapshot as (select * from stg_comtrade_snapshot),
census_snapshot as (select * from stg_census_snapshot),
census_api as (
    select
        'census' as source,
        'USA' as reporter_iso3,
        'M' as flow,
        'HTS' as hs_revision,
        'customs' as value_basis,
        cast(null as double) as net_weight_kg,
        *
    from stg_census_api
),
comtrade_api as (select * from stg_comtrade_api),

unioned as (
    select * from comtrade_snapshot
    union all by name
    select * from census_snapshot
    union all by name
    select * from census_api
    union all by name
    select * from comtrade_api
),

final as (
    select
        u.source, u.dataset, u.reporter_iso3, u.partner_iso3, u.flow, u.hs_code, u.hs_level,
        u.hs_revision, u.description, u.year, u.month, u.value_usd, u.value_basis, u.quantity,
        u.quantity_unit, u.net_weight_kg, u.vintage, u.fetched_at,
        coalesce(cast(u.fetched_at as date), m.vintage_date) as vintage_date
    from unioned as u
    left join manifest as m using (dataset)
)

select * from final
