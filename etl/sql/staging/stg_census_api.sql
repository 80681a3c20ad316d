-- US Census Bureau international trade API (imports/hs): monthly general imports, customs
-- value. Two kinds of answers arrive in raw_census_api the same way: those fetched by
-- `python -m etl fetch census` (fetch_dir under data/raw/census_api/) and answers shipped
-- in data/raw (fetch_dir is their manifest dataset id, fetched_at empty).
-- Renames and casts, plus partner codes -> ISO3: '-' is the all-countries total (WLD),
-- 4-digit codes from 1000 up are countries, the rest (0003 EU, 5XXX Asia, ...) are
-- Census groupings, kept as 'census:<code>' and never counted as countries (dim_partner).
-- A country code no library maps stays 'census:<code>' too.
--
-- A later fetch replaces older rows wherever one of its requests that got data covers
-- them (same HS code, same partner or every partner, a month in its range), including
-- rows it no longer returns: Census leaves out flows that were revised to nothing. A
-- shipped answer is older than any fetch.
--
-- The columns every Census API row shares (source, reporter, flow, HS revision, value
-- basis) are added by stg_trade_flows, not stored here.
with

responses as (select * from raw_census_api),

requests as (select * from raw_census_api_requests),

manifest as (select * from raw_manifest),

partner_codes as (
    select code, nullif(iso3, '') as iso3 from seed_partner_codes where source = 'census'
),

-- the requests that got data, with the months of their time predicate
-- ("from 2019-01 to 2024-12", or one month)
answered as (
    select
        fetched_at,
        "I_COMMODITY" as hs_code,
        "CTY_CODE" as cty_code,
        coalesce(nullif(regexp_extract("time", 'from (\d{4}-\d{2})', 1), ''), "time")
            as first_month,
        coalesce(nullif(regexp_extract("time", 'to (\d{4}-\d{2})', 1), ''), "time")
            as last_month
    from requests
    where "file" is not null
),

answers as (
    select
        fetch_dir,
        'census_api' as dataset,
        strptime(any_value(fetched_at), '%Y-%m-%dT%H:%M:%SZ') as fetched_at,
        'Census API, fetched ' || any_value(fetched_at) as vintage
    from requests
    group by fetch_dir
    union all
    select
        dataset_id,
        dataset_id,
        null,
        'US Census Bureau, ' || upstream_vintage
    from manifest
),

-- fallback for a code the shipped answers do not have ("VIETNAM" = "Vietnam")
countries_by_name as (
    select upper(name) as cty_name, min(iso3) as iso3
    from seed_countries
    group by all
    having count(*) = 1
),

current_rows as (
    select r.*
    from responses as r
    -- fetched_at is ISO 8601 UTC text: its text order is its time order
    anti join answered as later
        on later.hs_code = r."I_COMMODITY"
        and later.fetched_at > coalesce(r.fetched_at, '')
        and coalesce(later.cty_code, r."CTY_CODE") = r."CTY_CODE"
        and r."time" between later.first_month and later.last_month
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
        fetch_dir
    from current_rows
),

final as (
    select
        a.dataset,
        case
            when r.cty_code = '-' then 'WLD'
            when regexp_full_match(r.cty_code, '[1-9][0-9]{3}')
                then coalesce(by_code.iso3, by_name.iso3, 'census:' || r.cty_code)
            else 'census:' || r.cty_code
        end as partner_iso3,
        r.hs_code,
        cast(case when regexp_full_match(r.hs_code, '[0-9]+') then length(r.hs_code) else 0 end
            as integer) as hs_level,
        r.description,
        r.year,
        r.month,
        r.value_usd,
        r.quantity,
        r.quantity_unit,
        a.vintage,
        a.fetched_at
    from renamed as r
    left join answers as a on a.fetch_dir = r.fetch_dir
    left join partner_codes as by_code on by_code.code = r.cty_code
    left join countries_by_name as by_name on by_name.cty_name = upper(r.cty_name)
)

select * from final
