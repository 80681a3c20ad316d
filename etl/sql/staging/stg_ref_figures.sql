-- Transcribed press and official figures. They are reference figures with a
-- verbatim quote, never a series: value stays text as printed ("exceeded 3.9").
with

press as (select * from raw_press_official),
paste as (select * from raw_tomato_paste_trade_transcribed),
processing as (select * from raw_processing_tomato_transcribed),
published as (select * from raw_published_estimates_transcribed),

final as (
    select
        figure_id, 'press_official' as dataset, topic, metric, value as value_text,
        unit, period, geography, cast(null as varchar) as status, source_name, url,
        publication_date, quote, notes
    from press
    union all
    select
        figure_id, 'tomato_paste_trade_transcribed', topic, metric, value, unit, period,
        geography, null, source_name, url, publication_date, quote, notes
    from paste
    union all
    select
        figure_id, 'processing_tomato_transcribed', 'Processing tomato volumes', metric,
        value, unit, year, geography, status, source_name, url, publication_date, quote,
        notes
    from processing
    union all
    select
        figure_id, 'published_estimates_transcribed', topic, metric, value, unit, period,
        geography, null, source_name, url, publication_date, quote, notes
    from published
)

select * from final order by figure_id
