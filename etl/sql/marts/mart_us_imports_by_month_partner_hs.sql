-- US imports by month, partner and HS code. Grain: source, partner, hs_code,
-- year, month. The two shipped Census files overlap for China HS 61-63 with
-- identical figures; fetched API rows win over shipped ones.
with

flows as (
    select * from stg_trade_flows
    where reporter_iso3 = 'USA' and flow = 'M' and month is not null
),

hs as (select code, description from dim_hs),

ranked as (
    select
        *,
        row_number() over (
            partition by source, partner_iso3, hs_code, year, month
            order by fetched_at desc nulls last, dataset
        ) as preference
    from flows
),

final as (
    select
        r.source,
        r.dataset,
        r.value_basis,
        r.partner_iso3,
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
    where r.preference = 1
)

select * from final order by source, partner_iso3, hs_code, year, month
