-- US imports by year, partner and HS code (all levels), annual data only.
-- Grain: source, partner, hs_code, year. Where a fetched API row and a
-- shipped snapshot row cover the same cell, the fetched one (newer) wins. A figure an
-- agency revised carries its latest revision: the value it replaced and that value's vintage.
with

flows as (
    select * from stg_trade_flows
    where reporter_iso3 = 'USA' and flow = 'M' and month is null
),

hs as (select code, description from dim_hs),
groups as (select hs_code, product_group from dim_product_group),
partners as (select partner_id, name, kind from dim_partner),

revised as (
    select source, partner_iso3, hs_code, year, old_value_usd, old_vintage
    from int_trade_revisions
    where revised and reporter_iso3 = 'USA' and flow = 'M' and month is null
    qualify row_number() over (
        partition by source, partner_iso3, hs_code, year
        order by new_vintage_date desc, new_fetched_at desc nulls last
    ) = 1
),

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
        r.vintage,
        v.old_value_usd as revised_from_usd,
        v.old_vintage as revised_from_vintage
    from ranked as r
    left join hs as h on h.code = r.hs_code
    left join groups as g on g.hs_code = r.hs_code
    left join partners as p on p.partner_id = r.partner_iso3
    left join revised as v
        on v.source = r.source and v.partner_iso3 = r.partner_iso3
        and v.hs_code = r.hs_code and v.year = r.year
    where r.preference = 1
)

select * from final order by source, partner_iso3, hs_code, year
