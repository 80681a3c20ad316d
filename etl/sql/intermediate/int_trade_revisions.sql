-- Every figure held in more than one vintage, one row per figure and pair of consecutive
-- vintages: the older and the newer value and vintage, and whether the value changed.
-- A figure is one source's value for a reporter, partner, flow, HS code and period; its
-- vintages are the files and fetches that hold it (two files of the same vintage date and
-- fetch hold it once). Values of one source only are compared: never Census with Comtrade.
--
-- Only figures with more than one vintage can have been revised: the superseded rows of
-- the fetched sources and the rows of the small sources (shipped files, Comtrade), so the
-- current Census API rows, by far the most, are only probed for those figures' keys.
with

manifest as (
    select dataset_id as dataset, cast(nullif(vintage_date, '') as date) as vintage_date
    from raw_manifest
),

census_api as (
    select
        'census' as source, dataset, 'USA' as reporter_iso3, partner_iso3, 'M' as flow,
        hs_code, year, month, value_usd, vintage, fetched_at, is_current
    from stg_census_api
),

-- the rows that may share a figure with another vintage
candidates as (
    select source, dataset, reporter_iso3, partner_iso3, flow, hs_code, year, month,
        value_usd, vintage, fetched_at
    from stg_census_snapshot
    union all
    select source, dataset, reporter_iso3, partner_iso3, flow, hs_code, year, month,
        value_usd, vintage, fetched_at
    from stg_comtrade_snapshot
    union all
    select source, dataset, reporter_iso3, partner_iso3, flow, hs_code, year, month,
        value_usd, vintage, fetched_at
    from stg_comtrade_api
    union all
    select * exclude (is_current) from census_api where not is_current
),

keys as (
    select distinct source, reporter_iso3, partner_iso3, flow, hs_code, year,
        coalesce(month, 0) as month_key
    from candidates
),

current_api as (
    select c.* exclude (is_current)
    from census_api as c
    semi join keys as k
        on k.source = c.source and k.partner_iso3 = c.partner_iso3 and k.hs_code = c.hs_code
        and k.year = c.year and k.month_key = coalesce(c.month, 0)
        and k.reporter_iso3 = c.reporter_iso3 and k.flow = c.flow
    where c.is_current
),

vintages as (
    select v.*, coalesce(cast(v.fetched_at as date), m.vintage_date) as vintage_date
    from (select * from candidates union all select * from current_api) as v
    left join manifest as m using (dataset)
),

-- one row per figure and vintage: two shipped files of one report hold a figure once
one_per_vintage as (
    select *
    from vintages
    qualify row_number() over (
        partition by source, reporter_iso3, partner_iso3, flow, hs_code, year, month,
            vintage_date, fetched_at
        order by dataset
    ) = 1
),

paired as (
    select
        *,
        lag(value_usd) over w as old_value_usd,
        lag(dataset) over w as old_dataset,
        lag(vintage) over w as old_vintage,
        lag(vintage_date) over w as old_vintage_date,
        lag(fetched_at) over w as old_fetched_at
    from one_per_vintage
    window w as (
        partition by source, reporter_iso3, partner_iso3, flow, hs_code, year, month
        order by vintage_date nulls first, fetched_at nulls first, dataset
    )
),

final as (
    select
        source,
        reporter_iso3,
        partner_iso3,
        flow,
        hs_code,
        year,
        month,
        old_value_usd,
        value_usd as new_value_usd,
        value_usd - old_value_usd as change_usd,
        old_value_usd is distinct from value_usd as revised,
        old_dataset,
        old_vintage,
        old_vintage_date,
        old_fetched_at,
        dataset as new_dataset,
        vintage as new_vintage,
        vintage_date as new_vintage_date,
        fetched_at as new_fetched_at
    from paired
    where old_dataset is not null
)

select * from final
