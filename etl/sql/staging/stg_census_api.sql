-- US Census Bureau international trade API (imports/hs) as fetched by
-- `python -m etl fetch census`: monthly general imports, customs value.
-- Renames and casts only, plus Census country codes -> ISO3. Country groupings
-- (0001 OPEC, 0003 Pacific Rim, 1XXX North America, ...) are dropped; '-' is the
-- all-countries total. A key fetched more than once keeps its latest fetch.
with

responses as (select * from raw_census_api),

countries_by_code as (
    select census_code, iso3
    from seed_countries
    where coalesce(census_code, '') <> ''
),

-- fallback for partners without a Census code in the seed ("VIETNAM" = "Vietnam")
countries_by_name as (
    select upper(name) as cty_name, min(iso3) as iso3
    from seed_countries
    group by all
    having count(*) = 1
),

renamed as (
    select
        "CTY_CODE" as cty_code,
        "CTY_NAME" as cty_name,
        case "I_COMMODITY" when '-' then 'TOTAL' else "I_COMMODITY" end as hs_code,
        "I_COMMODITY_SDESC" as description,
        cast(left("time", 4) as integer) as year,
        cast(right("time", 2) as integer) as month,
        cast("GEN_VAL_MO" as double) as value_usd,
        -- UNIT_QY1 '-' (no unit) comes with a meaningless quantity "0"
        case when coalesce("UNIT_QY1", '-') not in ('-', '')
            then cast("GEN_QY1_MO" as double) end as quantity,
        nullif(nullif("UNIT_QY1", '-'), '') as quantity_unit,
        strptime(fetched_at, '%Y-%m-%dT%H:%M:%SZ') as fetched_at,
        fetch_dir
    from responses
    where "CTY_CODE" = '-' or regexp_full_match("CTY_CODE", '[1-9][0-9]{3}')
),

final as (
    select
        'census' as source,
        'census_api' as dataset,
        'USA' as reporter_iso3,
        coalesce(by_code.iso3, by_name.iso3) as partner_iso3,
        'M' as flow,
        r.hs_code,
        cast(case when regexp_full_match(r.hs_code, '[0-9]+') then length(r.hs_code) else 0 end
            as integer) as hs_level,
        'HTS' as hs_revision,
        r.description,
        r.year,
        r.month,
        r.value_usd,
        'customs' as value_basis,
        r.quantity,
        r.quantity_unit,
        cast(null as double) as net_weight_kg,
        'Census API, fetched ' || strftime(r.fetched_at, '%Y-%m-%dT%H:%M:%SZ') as vintage,
        r.fetched_at
    from renamed as r
    left join countries_by_code as by_code on by_code.census_code = r.cty_code
    left join countries_by_name as by_name on by_name.cty_name = upper(r.cty_name)
    qualify row_number() over (
        partition by r.cty_code, r.hs_code, r.year, r.month
        order by r.fetched_at desc, r.fetch_dir desc
    ) = 1
)

select * from final
