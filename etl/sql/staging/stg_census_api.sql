-- US Census Bureau international trade API (imports/hs) as fetched by
-- `python -m etl fetch census`: monthly general imports, customs value.
-- Renames and casts only, plus Census country codes -> ISO3. Country groupings
-- (0001 OPEC, 0003 Pacific Rim, 1XXX North America, ...) are dropped; '-' is the
-- all-countries total.
--
-- A later fetch replaces older rows wherever one of its requests that got data covers
-- them (same HS code, same partner or every partner, a month in its range), including
-- rows it no longer returns: Census leaves out flows that were revised to nothing.
-- Rows that no later request covers are kept without comparing them to anything, so a
-- fetch that nothing overlaps costs one probe of an empty table per row.
--
-- This table holds only what varies from row to row. What every Census API row shares
-- (source, dataset, reporter USA, flow M, HTS, customs value, no net weight) is added by
-- stg_trade_flows: a fetch can be millions of rows, and writing those constant columns
-- on each of them was the largest part of the ingest's cost (docs/benchmarks.md).
with

responses as (select * from raw_census_api),

requests as (select * from raw_census_api_requests),

-- the requests that got data, with the months of their time predicate
-- ("from 2019-01 to 2024-12", or one month)
answered as (
    select
        fetch_dir,
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

fetches as (
    select
        fetch_dir,
        strptime(any_value(fetched_at), '%Y-%m-%dT%H:%M:%SZ') as fetched_at,
        'Census API, fetched ' || any_value(fetched_at) as vintage
    from requests
    group by fetch_dir
),

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

current_rows as (
    select r.*
    from responses as r
    -- fetched_at is ISO 8601 UTC text: its text order is its time order
    anti join answered as later
        on later.hs_code = r."I_COMMODITY"
        and later.fetched_at > r.fetched_at
        and coalesce(later.cty_code, r."CTY_CODE") = r."CTY_CODE"
        and r."time" between later.first_month and later.last_month
    where r."CTY_CODE" = '-' or regexp_full_match(r."CTY_CODE", '[1-9][0-9]{3}')
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
        coalesce(by_code.iso3, by_name.iso3) as partner_iso3,
        r.hs_code,
        cast(case when regexp_full_match(r.hs_code, '[0-9]+') then length(r.hs_code) else 0 end
            as integer) as hs_level,
        r.description,
        r.year,
        r.month,
        r.value_usd,
        r.quantity,
        r.quantity_unit,
        f.vintage,
        f.fetched_at
    from renamed as r
    left join fetches as f on f.fetch_dir = r.fetch_dir
    left join countries_by_code as by_code on by_code.census_code = r.cty_code
    left join countries_by_name as by_name on by_name.cty_name = upper(r.cty_name)
)

select * from final
