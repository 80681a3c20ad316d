-- Dated events marked on every time series.
with

events as (select * from seed_events),

final as (
    select cast(event_date as date) as event_date, event_id, label, description, source_ref
    from events
)

select * from final order by event_date
