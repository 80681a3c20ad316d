-- US imports by month, partner and HS code. Grain: source, partner, hs_code, year, month.
-- Where two files hold the same month (the 2024 Census API answer and the USA Trade Online
-- report of 2026), the later vintage wins and says so in `vintage`; fetched API rows are
-- the latest. partner_kind says whether a partner is a country, the all-partners total
-- (WLD) or a grouping (never added to countries). A figure an agency revised carries its
-- latest revision: the value it replaced and that value's vintage (int_trade_revisions).
with

flows as (
    select * from stg_trade_flows
    where reporter_iso3 = 'USA' and flow = 'M' and month is not null
),

hs as (select code, description from dim_hs),

partners as (select partner_id, name, kind from dim_partner),

revised as (
    select partner_iso3, hs_code, year, month, old_value_usd, old_vintage
    from int_trade_revisions
    where revised and source = 'census' and reporter_iso3 = 'USA' and flow = 'M'
        and month is not null
    qualify row_number() over (
        partition by partner_iso3, hs_code, year, month
        order by new_vintage_date desc, new_fetched_at desc nulls last
    ) = 1
),

-- The fetched Census rows hold each figure once (staging keeps only the current row of a
-- figure), so only the figures a shipped monthly file also holds need a choice: those are
-- ranked, the rest pass through (ranking every row cost most of a large build).
shipped as (select * from flows where dataset <> 'census_api'),

contested as (
    select * from shipped
    union all
    select f.*
    from flows as f
    semi join shipped as s
        on s.source = f.source and s.partner_iso3 = f.partner_iso3 and s.hs_code = f.hs_code
        and s.year = f.year and s.month = f.month
    where f.dataset = 'census_api'
),

ranked as (
    select
        *,
        row_number() over (
            partition by source, partner_iso3, hs_code, year, month
            order by vintage_date desc nulls last, fetched_at desc nulls last, dataset
        ) as preference
    from contested
    union all
    select f.*, 1 as preference
    from flows as f
    anti join shipped as s
        on s.source = f.source and s.partner_iso3 = f.partner_iso3 and s.hs_code = f.hs_code
        and s.year = f.year and s.month = f.month
    where f.dataset = 'census_api'
),

final as (
    select
        r.source,
        r.dataset,
        r.value_basis,
        r.partner_iso3,
        coalesce(p.name, r.partner_iso3) as partner_name,
        coalesce(p.kind, 'country') as partner_kind,
        r.hs_code,
        r.hs_level,
        coalesce(h.description, r.description) as description,
        r.year,
        r.month,
        make_date(r.year, r.month, 1) as period,
        r.value_usd,
        r.quantity,
        r.quantity_unit,
        r.vintage,
        v.old_value_usd as revised_from_usd,
        v.old_vintage as revised_from_vintage
    from ranked as r
    left join hs as h on h.code = r.hs_code
    left join partners as p on p.partner_id = r.partner_iso3
    left join revised as v
        on r.source = 'census' and v.partner_iso3 = r.partner_iso3 and v.hs_code = r.hs_code
        and v.year = r.year and v.month = r.month
    where r.preference = 1
)

select * from final order by source, partner_iso3, hs_code, year, month
