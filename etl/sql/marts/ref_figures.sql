-- Press and official figures, each with its citation and verbatim quote.
-- Shown as reference figures, never as a series.
with

figures as (select * from stg_ref_figures),

final as (
    select
        figure_id, dataset, topic, metric, value_text,
        -- a plain number only where the page printed one ("exceeded 3.9" stays NULL)
        try_cast(value_text as double) as value_number,
        unit, period, geography, status, source_name, url, publication_date, quote, notes
    from figures
)

select * from final order by figure_id
