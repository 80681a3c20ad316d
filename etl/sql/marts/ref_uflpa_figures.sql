-- Every UFLPA enforcement figure CBP published, as quoted (stg_uflpa_figures), one row per
-- figure. Grain: period_label, industry, country, metric. A figure keeps the source's own
-- words (value_text, qualifier): a qualified value is a lower bound or a rounded figure,
-- never an exact one. is_cumulative marks the snapshots counted from 21 June 2022 (the
-- UFLPA's entry into force); every other row covers only its own period.
with

figures as (select * from stg_uflpa_figures),

final as (
    select
        period_label,
        scope = 'cumulative UFLPA' and period_start = date '2022-06-21' as is_cumulative,
        case when scope = 'cumulative UFLPA' and period_start = date '2022-06-21'
            then 'cumulative from 21 Jun 2022' else scope end as period_kind,
        period_start,
        period_end_text,
        printed_date(period_end_text) as period_end,
        printed_date_precision(period_end_text) as period_end_precision,
        industry,
        country,
        metric,
        case when metric like '%value' then 'value' else 'shipments' end as measure,
        case when metric in ('denied', 'released', 'pending') then metric
            when metric = 'denied value' then 'denied'
            else 'all' end as exam_result,
        value_number,
        unit,
        qualifier,
        qualifier_kind(qualifier) as qualifier_kind,
        case
            when qualifier = 'exact' then written_amount(value_number, unit)
            when regexp_matches(qualifier, '[0-9]') then qualifier
            else qualifier || ' ' || written_amount(value_number, unit)
        end as value_text,
        source_name,
        url,
        publication_date,
        notes,
        printed_in_notes
    from figures
)

select * from final order by period_start, period_end_text, period_label, industry, country, metric
