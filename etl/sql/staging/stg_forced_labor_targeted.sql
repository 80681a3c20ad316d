-- Entries CBP targeted for suspected forced labor, by month, from its Monthly Operational
-- Updates as compiled by the press (SOURCES.md section 14), renamed and cast. The value is
-- kept as printed ("more than $266.5 million").
with

targeted as (select * from raw_cbp_forced_labor_targeted_transcribed),

final as (
    select
        cast(month || '-01' as date) as month,
        cast(entries_targeted as integer) as entries_targeted,
        value_usd_text as value_text,
        source_publisher as source_name,
        source_url as url,
        notes
    from targeted
)

select * from final
