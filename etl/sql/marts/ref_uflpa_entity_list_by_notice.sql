-- The UFLPA Entity List's growth, one row per notice. Grain: notice_date_text (as printed;
-- notice_date is NULL where no single day is printed, e.g. '2024-06/07'). total_stated is
-- the list's size where a source stated it, never a running sum of additions.
with

notices as (select * from stg_uflpa_entity_list),

final as (
    select
        notice_date_text,
        printed_date(notice_date_text) as notice_date,
        printed_date_precision(notice_date_text) as notice_date_precision,
        event,
        entities_added_text,
        cast(printed_amount(entities_added_text) as integer) as entities_added,
        total_stated_text,
        cast(printed_amount(total_stated_text) as integer) as total_stated,
        source_name,
        url,
        notes
    from notices
)

select * from final order by notice_date_text
