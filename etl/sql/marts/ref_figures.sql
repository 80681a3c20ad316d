-- Press and official figures, each with its citation and verbatim quote. One row per
-- figure: a figure printed by several sources is one row that cites every one of them
-- (source_count, other_sources; each citation in full in ref_figure_citations).
-- Shown as reference figures, never as a series.
with

figures as (select * from stg_ref_figures),

press_2 as (select * from stg_paste_exports_press_2),

citations as (select * from ref_figure_citations),

new_figures as (
    select
        c.figure_id,
        c.dataset,
        'Tomato paste trade' as topic,
        upper(p.metric[1]) || p.metric[2:] || ' of tomato paste (HS 200290), '
            || p.period_type || ' ' || p.period as metric,
        p.value_text,
        p.unit,
        c.period,
        p.reporter || ' -> ' || p.partner_or_scope as geography,
        cast(null as varchar) as status,
        p.source_name,
        p.url,
        p.publication_date,
        cast(null as varchar) as quote,
        p.notes
    from citations as c
    inner join press_2 as p
        on c.cited_as = concat_ws(' | ', p.reporter, p.partner_or_scope, p.period, p.metric)
    where c.dataset = 'paste_exports_press_2_transcribed' and c.is_primary
),

every_figure as (
    select
        figure_id, dataset, topic, metric, value_text, unit, period, geography, status,
        source_name, url, publication_date, quote, notes
    from figures
    union all
    select * from new_figures
),

sources as (
    select
        figure_id,
        count(*) as source_count,
        string_agg(
            case when not is_primary then
                source_name || ' (' || coalesce(publication_date, 'undated') || '): '
                || value_text || ' (' || unit || ') <' || url || '>'
            end,
            '; ' order by dataset, cited_as
        ) as other_sources
    from citations
    group by figure_id
),

final as (
    select
        f.figure_id, f.dataset, f.topic, f.metric, f.value_text,
        -- a plain number only where the page printed one ("exceeded 3.9" stays NULL)
        try_cast(f.value_text as double) as value_number,
        f.unit, f.period, f.geography, f.status, f.source_name, f.url, f.publication_date,
        f.quote, f.notes, s.source_count, s.other_sources
    from every_figure as f
    left join sources as s on s.figure_id = f.figure_id
)

select * from final order by figure_id
