-- US imports by month, partner and HS code. Grain: source, partner, hs_code, year, month.
-- Where two files hold the same month (the 2024 Census API answer and the USA Trade Online
-- report of 2026), the later vintage wins and says so in `vintage`; fetched API rows are
-- the latest. partner_kind says whether a partner is a country, the all-partners total
-- (WLD) or a grouping (never added to countries).
with

flows as (
    select * from stg_trade_flows
    where reporter_iso3 = 'USA' and flow = 'M' and month is not null
),

hs as (select code, description from dim_hs),

partners as (select partner_id, name, kind from dim_partner),

ranked as (
    select
        *,
        row_number() over (
            partition by source, partner_iso3, hs_code, year, month
            order by vintage_date desc nulls last, fetched_at desc nulls last, dataset
        ) as preference
    from flows
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
        r.vintage
    from ranked as r
    left join hs as h on h.code = r.hs_code
    left join partners as p on p.partner_id = r.partner_iso3
    where r.preference = 1
)

select * from final order by source, partner_iso3, hs_code, year, month
