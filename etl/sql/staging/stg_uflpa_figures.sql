-- UFLPA enforcement figures that CBP published, as quoted by law firms and the trade press
-- (data/raw/SOURCES.md section 14): one row per printed figure. The file's rows, then the
-- figures its notes print ("value more than $3.68 billion"), which
-- etl/seeds/uflpa_figures_in_notes.csv names by the words printed; the build stops if
-- those words are not in that row's notes.
with

snapshots as (select * from raw_uflpa_snapshots_transcribed),

in_notes as (select * from seed_uflpa_figures_in_notes),

file_rows as (
    select
        snapshot_label as period_label,
        cast(period_start as date) as period_start,
        period_end_or_asof as period_end_text,
        scope,
        industry,
        country,
        metric,
        cast(value as double) as value_number,
        unit,
        qualifier,
        source_publisher as source_name,
        source_url as url,
        source_pub_date as publication_date,
        notes,
        cast(null as varchar) as printed_in_notes
    from snapshots
),

note_rows as (
    select
        n.snapshot_label as period_label,
        cast(s.period_start as date) as period_start,
        s.period_end_or_asof as period_end_text,
        s.scope,
        n.industry,
        n.country,
        n.metric,
        case
            when s.notes is null or not contains(s.notes, n.printed)
                then error('seed uflpa_figures_in_notes: "' || n.printed || '" is not in the notes of '
                    || n.snapshot_label || ' / ' || n.row_industry || ' / ' || n.row_metric)
            when n.qualifier <> 'exact' and not contains(n.printed, n.qualifier)
                then error('seed uflpa_figures_in_notes: qualifier "' || n.qualifier
                    || '" is not part of "' || n.printed || '"')
            else printed_amount(n.printed)
        end as value_number,
        case when n.metric like '%value' then 'USD' else 'shipments' end as unit,
        n.qualifier,
        s.source_publisher as source_name,
        s.source_url as url,
        s.source_pub_date as publication_date,
        s.notes,
        n.printed as printed_in_notes
    from in_notes as n
    left join snapshots as s
        on s.snapshot_label = n.snapshot_label
        and s.industry = n.row_industry
        and s.country = n.row_country
        and s.metric = n.row_metric
),

final as (
    select * from file_rows
    union all
    select * from note_rows
)

select * from final
