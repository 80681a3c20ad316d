-- Every revised figure: one row per figure and pair of consecutive vintages whose values
-- differ (int_trade_revisions), with the partner's and the HS code's names. Values keep
-- their source's basis: a figure is compared only with its own source's other vintages.
with

revisions as (select * from int_trade_revisions where revised),

hs as (select code, description from dim_hs),

partners as (select partner_id, name, kind from dim_partner),

final as (
    select
        r.source,
        r.reporter_iso3,
        r.flow,
        r.partner_iso3,
        coalesce(p.name, r.partner_iso3) as partner_name,
        coalesce(p.kind, 'country') as partner_kind,
        r.hs_code,
        h.description,
        r.year,
        r.month,
        make_date(r.year, coalesce(r.month, 1), 1) as period,
        case when r.month is null then 'year' else 'month' end as frequency,
        r.old_value_usd,
        r.new_value_usd,
        r.change_usd,
        r.change_usd / nullif(r.old_value_usd, 0) as change_share,
        r.old_dataset,
        r.old_vintage,
        r.old_vintage_date,
        r.new_dataset,
        r.new_vintage,
        r.new_vintage_date
    from revisions as r
    left join hs as h on h.code = r.hs_code
    left join partners as p on p.partner_id = r.partner_iso3
)

select * from final
order by source, new_vintage_date desc, hs_code, partner_iso3, year, month
