-- Exports as reported by the exporting country, by year, reporter, partner and
-- HS code (e.g. every reporter's tomato-paste exports fetched from Comtrade). A figure the
-- reporter revised carries its latest revision: the value it replaced and its vintage.
with

flows as (select * from stg_trade_flows where flow = 'X' and month is null),

countries as (select iso3, name from dim_country where iso3 <> 'WLD'),

partners as (select partner_id, name from dim_partner),

revised as (
    select source, reporter_iso3, partner_iso3, hs_code, year, old_value_usd, old_vintage
    from int_trade_revisions
    where revised and flow = 'X' and month is null
    qualify row_number() over (
        partition by source, reporter_iso3, partner_iso3, hs_code, year
        order by new_vintage_date desc, new_fetched_at desc nulls last
    ) = 1
),

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
        r.vintage,
        v.old_value_usd as revised_from_usd,
        v.old_vintage as revised_from_vintage
    from ranked as r
    left join countries as c on c.iso3 = r.reporter_iso3
    left join partners as p on p.partner_id = r.partner_iso3
    left join revised as v
        on v.source = r.source and v.reporter_iso3 = r.reporter_iso3
        and v.partner_iso3 = r.partner_iso3 and v.hs_code = r.hs_code and v.year = r.year
    where r.preference = 1
)

select * from final order by source, hs_code, year, reporter_iso3, partner_iso3
