-- The second collection of tomato-paste (HS 200290) trade figures from the press
-- (SOURCES.md section 15), renamed. Each row is keyed by what it measures (reporter,
-- scope, period, metric) and keeps the source's own words: value_text is the qualifier
-- where the source printed words, else the value.
with

figures as (select * from raw_paste_exports_press_2_transcribed),

final as (
    select
        reporter,
        partner_or_scope,
        period_type,
        period,
        metric,
        case when qualifier = 'exact' then value else qualifier end as value_text,
        value,
        unit,
        qualifier,
        source_publisher as source_name,
        source_url as url,
        source_pub_date as publication_date,
        notes
    from figures
)

select * from final
