-- US imports by year, partner and HS code (all levels), annual data only.
-- Grain: source, partner, hs_code, year. Where a fetched API row and a
-- shipped snapshot row cover the same cell, the fetched one (newer) wins.
with

flows as (
    select * from stg_trade_flows
    where reporter_iso3 = 'USA' and flow = 'M' and month is null
),

hs as (select code, description from dim_hs),
groups as (select hs_code, product_group from dim_product_group),
partners as (select partner_id, name, kind from dim_partner),

ranked as (
    select
        *,
        row_number() over (
            partition by source, partner_iso3, hs_code, year
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
        r.hs_revision,
        coalesce(h.description, r.description) as description,
        g.product_group,
        r.year,
        r.value_usd,
        r.quantity,
        r.quantity_unit,
        r.net_weight_kg,
        r.value_usd / nullif(r.quantity, 0) as unit_value_usd,
        r.vintage
    from ranked as r
    left join hs as h on h.code = r.hs_code
    left join groups as g on g.hs_code = r.hs_code
    left join partners as p on p.partner_id = r.partner_iso3
    where r.preference = 1
)

select * from final order by source, partner_iso3, hs_code, year
