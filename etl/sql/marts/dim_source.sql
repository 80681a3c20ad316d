-- One row per dataset: who publishes it, where our copy came from, its vintage,
-- units and value basis. Charts take their source line from here.
with

manifest as (select * from raw_manifest),

fetched as (
    select
        dataset,
        case source when 'census' then 'US Census Bureau, international trade API'
            else 'UN Comtrade API' end as upstream_agency,
        min(value_basis) as value_basis,
        max(vintage) as upstream_vintage
    from stg_trade_flows
    where dataset in ('census_api', 'comtrade_api')
    group by all
),

final as (
    select
        dataset_id as dataset,
        upstream_agency,
        origin,
        licence,
        upstream_vintage,
        retrieved,
        file,
        sha256,
        units,
        value_basis,
        kind,
        description
    from manifest
    union all
    select
        dataset,
        upstream_agency,
        'fetched with python -m etl fetch; raw responses kept under data/raw/' || dataset,
        case dataset when 'census_api' then 'US government work, public domain'
            else 'UN Comtrade terms of use: free use with attribution "UN Comtrade Database"' end,
        upstream_vintage,
        null,
        'data/raw/' || dataset || '/',
        null,
        'current USD',
        value_basis,
        'statistical',
        'responses fetched from the API'
    from fetched
)

select * from final order by dataset
