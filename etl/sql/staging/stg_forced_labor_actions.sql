-- All forced-labor actions (WROs, Findings, UFLPA) by fiscal year or part of one, as CBP
-- published them and the press quoted them (SOURCES.md section 14), renamed and cast.
with

actions as (select * from raw_cbp_forced_labor_actions_transcribed),

final as (
    select
        period_label,
        cast(period_start as date) as period_start,
        period_end as period_end_text,
        metric,
        cast(value as double) as value_number,
        unit,
        qualifier,
        scope_definition,
        source_publisher as source_name,
        source_url as url,
        source_pub_date as publication_date,
        notes
    from actions
)

select * from final
