-- UN Comtrade API v1 records as fetched by `python -m etl fetch comtrade`.
-- Renames and casts only, plus Comtrade codes -> ISO3. Only customs procedure
-- C00, transport mode 0 and second partner 0, so nothing is counted twice. As in
-- stg_comtrade_snapshot, quantities are kept only on HS6 lines (Comtrade puts 0
-- at HS2/HS4/TOTAL for "not reported"). Every vintage is kept: of a key fetched more
-- than once, the latest fetch is current (`is_current`; stg_trade_flows reads only the
-- current rows, int_trade_revisions compares the vintages). Unlike stg_census_api, a later fetch does not replace rows it does not
-- return: an answer that hits the API's cap per call (500 on the keyless preview) may be
-- cut short, so a missing row is not evidence that the flow was revised away.
with

responses as (select * from raw_comtrade_api),

countries as (
    select comtrade_code, iso3
    from seed_countries
    where coalesce(comtrade_code, '') <> ''
),

renamed as (
    select
        "reporterCode" as reporter_code,
        "partnerCode" as partner_code,
        case "reporterISO" when 'W00' then 'WLD' else "reporterISO" end as reporter_iso,
        case "partnerISO" when 'W00' then 'WLD' else "partnerISO" end as partner_iso,
        "flowCode" as flow,
        "cmdCode" as hs_code,
        cast("aggrLevel" as integer) as hs_level,
        "classificationCode" as hs_revision,
        "cmdDesc" as description,
        cast("refYear" as integer) as year,
        case "freqCode" when 'M' then cast(right("period", 2) as integer) end as month,
        cast(case "flowCode" when 'M' then coalesce("cifvalue", "primaryValue")
            else coalesce("fobvalue", "primaryValue") end as double) as value_usd,
        case "flowCode" when 'M' then 'CIF' else 'FOB' end as value_basis,
        try_cast("qty" as double) as qty,
        nullif(nullif("qtyUnitAbbr", 'N/A'), '') as qty_unit,
        try_cast("netWgt" as double) as net_wgt,
        strptime(fetched_at, '%Y-%m-%dT%H:%M:%SZ') as fetched_at,
        fetch_dir
    from responses
    where "customsCode" = 'C00' and "motCode" = '0' and "partner2Code" = '0'
),

final as (
    select
        'comtrade' as source,
        'comtrade_api' as dataset,
        coalesce(reporter.iso3, r.reporter_iso) as reporter_iso3,
        coalesce(partner.iso3, r.partner_iso) as partner_iso3,
        r.flow,
        r.hs_code,
        r.hs_level,
        r.hs_revision,
        r.description,
        r.year,
        r.month,
        r.value_usd,
        r.value_basis,
        -- unit 'N/A' comes with 0 for "not reported" (quantity, and net weight when 0)
        case when r.hs_level = 6 and r.qty_unit is not null then r.qty end as quantity,
        case when r.hs_level = 6 then r.qty_unit end as quantity_unit,
        case when r.hs_level = 6 then
            nullif(r.net_wgt, case when r.qty_unit is null then 0 end) end as net_weight_kg,
        'UN Comtrade API, fetched ' || strftime(r.fetched_at, '%Y-%m-%dT%H:%M:%SZ') as vintage,
        r.fetched_at,
        row_number() over (
            partition by r.reporter_code, r.partner_code, r.flow, r.hs_code, r.year, r.month
            order by r.fetched_at desc, r.fetch_dir desc
        ) = 1 as is_current
    from renamed as r
    left join countries as reporter on reporter.comtrade_code = r.reporter_code
    left join countries as partner on partner.comtrade_code = r.partner_code
)

select * from final
