-- UFLPA enforcement at each dated snapshot: cumulative from 21 June 2022 to the snapshot's
-- date, as CBP published it and the press quoted it. Grain: snapshot_label, industry,
-- country, metric (two sources may quote the same date: each is its own snapshot). Two
-- snapshots are never differenced: their definitions may differ, and CBP redefined
-- "shipment" in 2026.
with

figures as (select * from ref_uflpa_figures),

final as (
    select
        period_label as snapshot_label,
        period_start as counted_from,
        period_end as as_of_date,
        period_end_text as as_of_text,
        period_end_precision as as_of_precision,
        industry,
        country,
        measure,
        exam_result,
        metric,
        value_number,
        unit,
        qualifier,
        qualifier_kind,
        value_text,
        source_name,
        url,
        publication_date,
        notes,
        printed_in_notes
    from figures
    where is_cumulative and period_end is not null
)

select * from final order by as_of_date, snapshot_label, industry, country, metric
