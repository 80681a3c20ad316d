-- Entries targeted for suspected forced labor (UFLPA and WROs), by month. Grain: month.
-- Targeted is not detained. The count is exact; the value keeps its printed words
-- (value_text) and value_usd is the amount those words give, read with qualifier_kind.
with

targeted as (select * from stg_forced_labor_targeted),

final as (
    select
        month,
        entries_targeted,
        value_text,
        printed_amount(value_text) as value_usd,
        qualifier_kind(value_text) as qualifier_kind,
        source_name,
        url,
        notes
    from targeted
)

select * from final order by month
