-- US Census Bureau (USA Trade Online) exports shipped in data/raw: general
-- imports, customs value. Renames and casts only, plus country names -> ISO3.
with

manifest as (select dataset_id, upstream_vintage from raw_manifest),

countries as (select iso3, name from seed_countries),

china_2017 as (
    select
        'census_china_2017' as dataset,
        "Commodity" as commodity,
        'CHN' as partner_iso3,
        cast("Time" as integer) as year,
        cast(null as integer) as month,
        "Customs Value (Gen) ($US)" as value_text
    from raw_census_china_2017
),

monthly_textiles as (
    select
        'census_monthly_textiles' as dataset,
        t.commodity,
        coalesce(c.iso3, case t.country when 'World Total' then 'WLD' end) as partner_iso3,
        cast(left(t.period, 4) as integer) as year,
        cast(right(t.period, 2) as integer) as month,
        t.customs_value_gen_usd as value_text
    from raw_census_monthly_textiles as t
    left join countries as c on c.name = t.country
),

monthly_china as (
    select
        'census_monthly_china_hs2' as dataset,
        "Commodity" as commodity,
        'CHN' as partner_iso3,
        cast(year(strptime("Time", '%B %Y')) as integer) as year,
        cast(month(strptime("Time", '%B %Y')) as integer) as month,
        replace("Customs Value (Gen) ($US)", ',', '') as value_text
    from raw_census_monthly_china_hs2
    where "Commodity" is not null
),

unioned as (
    select * from china_2017
    union all
    select * from monthly_textiles
    union all
    select * from monthly_china
),

final as (
    select
        'census' as source,
        u.dataset,
        'USA' as reporter_iso3,
        u.partner_iso3,
        'M' as flow,
        -- "0702 Tomatoes, Fresh Or Chilled" -> code and description
        -- regexp_extract gives '' (not NULL) when there is no code: "All Commodities"
        coalesce(nullif(regexp_extract(u.commodity, '^([0-9]+) ', 1), ''), 'TOTAL') as hs_code,
        cast(length(regexp_extract(u.commodity, '^([0-9]+) ', 1)) as integer) as hs_level,
        'HTS' as hs_revision,
        coalesce(nullif(regexp_extract(u.commodity, '^[0-9]+ (.*)$', 1), ''), u.commodity)
            as description,
        u.year,
        u.month,
        cast(u.value_text as double) as value_usd,
        'customs' as value_basis,
        cast(null as double) as quantity,
        -- HTS10 descriptions end with the unit, e.g. "(kg)"; there is no quantity column
        case when length(regexp_extract(u.commodity, '^([0-9]+) ', 1)) = 10
            then nullif(regexp_extract(u.commodity, '\(([A-Za-z0-9. ]+)\)$', 1), '')
        end as quantity_unit,
        cast(null as double) as net_weight_kg,
        'US Census Bureau, ' || m.upstream_vintage as vintage,
        cast(null as timestamp) as fetched_at
    from unioned as u
    left join manifest as m on m.dataset_id = u.dataset
)

select * from final
