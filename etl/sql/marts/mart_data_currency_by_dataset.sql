-- How current each statistical series is: one row per dataset with its first and latest
-- period and its vintage (when it was published or fetched). Every page reads its series'
-- rows to say how old its figures are.
with

sources as (select dataset, upstream_vintage, retrieved from dim_source),

monthly as (
    select 'census_monthly' as series, dataset, 'month' as frequency,
           min(period) as first_period, max(period) as latest_period, count(*) as rows
    from mart_us_imports_by_month_partner_hs
    group by dataset
),

annual as (
    select source || '_annual' as series, dataset, 'year' as frequency,
           make_date(min(year), 1, 1) as first_period, make_date(max(year), 1, 1) as latest_period,
           count(*) as rows
    from mart_us_imports_by_year_partner_hs
    group by source, dataset
),

exports as (
    select 'comtrade_exports' as series, dataset, 'year', make_date(min(year), 1, 1),
           make_date(max(year), 1, 1), count(*)
    from mart_exports_by_year_reporter_partner_hs
    group by dataset
),

apparel as (
    select 'otexa_apparel', unnest(string_split(any_value(datasets), ',')), 'year',
           make_date(min(year), 1, 1), make_date(max(year), 1, 1), count(*)
    from mart_us_apparel_imports_by_year_partner
),

paste as (
    select 'faostat_paste', unnest(string_split(datasets, ',')), 'year',
           make_date(min(year), 1, 1), make_date(max(year), 1, 1), count(*)
    from mart_paste_exports_by_year_exporter
    group by datasets
),

production as (
    select 'faostat_production', 'fao_tomato_production', 'year', make_date(min(year), 1, 1),
           make_date(max(year), 1, 1), count(*)
    from mart_tomato_production_by_year_country
),

unioned as (
    select * from monthly
    union all select * from annual
    union all select * from exports
    union all select * from apparel
    union all select * from paste
    union all select * from production
),

final as (
    select
        u.series,
        u.dataset,
        u.frequency,
        u.first_period,
        u.latest_period,
        u.rows,
        s.upstream_vintage as vintage,
        s.retrieved
    from unioned as u
    left join sources as s using (dataset)
)

select * from final order by series, latest_period desc, dataset
