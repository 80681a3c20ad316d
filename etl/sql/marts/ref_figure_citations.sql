-- Every source each reference figure cites. Grain: figure_id, dataset, cited_as. A figure
-- from the files with ids cites its own row; a row of the second paste collection whose
-- reporter, scope, period and metric repeat an earlier figure (etl/seeds/
-- paste_figure_matches.csv) is one more citation of that figure, not a new figure. The
-- build stops if a row has no match, a "same figure" id does not exist or a "new figure"
-- id does.
with

figures as (select * from stg_ref_figures),

press_2 as (select * from stg_paste_exports_press_2),

matches as (select * from seed_paste_figure_matches),

own as (
    select
        figure_id, dataset, figure_id as cited_as, true as is_primary, value_text, unit,
        period, source_name, url, publication_date, quote, notes
    from figures
),

matched as (
    select
        p.*,
        m.figure_id,
        m.match,
        exists (select 1 from figures as f where f.figure_id = m.figure_id) as id_exists
    from press_2 as p
    left join matches as m
        on m.reporter = p.reporter
        and m.partner_or_scope = p.partner_or_scope
        and m.period = p.period
        and m.metric = p.metric
),

press_2_citations as (
    select
        case
            when figure_id is null
                then error('seed paste_figure_matches has no row for ' || reporter || ' / '
                    || partner_or_scope || ' / ' || period || ' / ' || metric)
            when match = 'same figure' and not id_exists
                then error('seed paste_figure_matches: ' || figure_id || ' is not a figure')
            when match = 'new figure' and id_exists
                then error('seed paste_figure_matches: new figure ' || figure_id
                    || ' already exists')
            when match not in ('same figure', 'new figure')
                then error('seed paste_figure_matches: unknown match "' || match || '"')
            else figure_id
        end as figure_id,
        'paste_exports_press_2_transcribed' as dataset,
        concat_ws(' | ', reporter, partner_or_scope, period, metric) as cited_as,
        match = 'new figure' as is_primary,
        value_text,
        unit,
        period_type || ' ' || period as period,
        source_name,
        url,
        publication_date,
        cast(null as varchar) as quote,
        notes
    from matched
),

final as (
    select * from own
    union all
    select * from press_2_citations
)

select * from final order by figure_id, not is_primary, dataset, cited_as
