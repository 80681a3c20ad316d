-- Exports as reported by the exporting country, by year, reporter, partner and
-- HS code (e.g. every reporter's tomato-paste exports fetched from Comtrade).
with

flows as (select * from stg_trade_flows where flow = 'X' and month is null),

countries as (select iso3, name from dim_country where iso3 <> 'WLD'),

partners as (select partner_id, name from dim_partner),

ranked as (
    select
        *,
        row_number() over (
            partition by source, reporter_iso3, partner_iso3, hs_code, year
            order by vintage_date desc nulls last, fetched_at desc nulls last, dataset
        ) as preference
    from flows
),

final as (
    select
        r.source,
        r.dataset,
        r.value_basis,
        r.reporter_iso3,
        coalesce(c.name, r.reporter_iso3) as reporter_name,
        -- only ISO countries count as reporters (no aggregates, no World)
        c.iso3 is not null as reporter_is_country,
        r.partner_iso3,
        coalesce(p.name, r.partner_iso3) as partner_name,
        r.hs_code,
        r.hs_level,
        r.description,
        r.year,
        r.value_usd,
        r.quantity,
        r.quantity_unit,
        r.net_weight_kg,
        r.vintage
    from ranked as r
    left join countries as c on c.iso3 = r.reporter_iso3
    left join partners as p on p.partner_id = r.partner_iso3
    where r.preference = 1
)

select * from final order by source, hs_code, year, reporter_iso3, partner_iso3
