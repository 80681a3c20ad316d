-- All forced-labor actions by fiscal year or part of one. Grain: period_label, metric.
-- Each row's scope_definition says what it counts (WRO detentions only, every forced-labor
-- action, UFLPA included or not), so rows are not comparable one to one.
with

actions as (select * from stg_forced_labor_actions),

final as (
    select
        period_label,
        period_start,
        period_end_text,
        printed_date(period_end_text) as period_end,
        metric,
        value_number,
        unit,
        qualifier,
        qualifier_kind(qualifier) as qualifier_kind,
        case
            when qualifier = 'exact' then written_amount(value_number, unit)
            when regexp_matches(qualifier, '[0-9]') then qualifier
            else qualifier || ' ' || written_amount(value_number, unit)
        end as value_text,
        scope_definition,
        source_name,
        url,
        publication_date,
        notes
    from actions
)

select * from final order by period_start, period_end_text, period_label, metric
