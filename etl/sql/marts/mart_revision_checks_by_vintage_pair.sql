-- What was compared: one row per source and pair of consecutive vintages that hold the same
-- figures, with how many figures both hold, how many of them changed, and by how much.
-- A pair with no revised figure says plainly that the vintages were compared and agree.
with

pairs as (select * from int_trade_revisions),

final as (
    select
        source,
        old_dataset,
        old_vintage,
        old_vintage_date,
        new_dataset,
        new_vintage,
        new_vintage_date,
        case when bool_or(month is null) then 'year' else 'month' end as frequency,
        min(make_date(year, coalesce(month, 1), 1)) as first_period,
        max(make_date(year, coalesce(month, 1), 1)) as last_period,
        count(*) as figures_compared,
        count(*) filter (where revised) as figures_revised,
        coalesce(sum(abs(change_usd)) filter (where revised), 0) as absolute_change_usd
    from pairs
    group by all
)

select * from final
order by source, new_vintage_date desc, old_vintage_date desc, old_dataset, new_dataset
