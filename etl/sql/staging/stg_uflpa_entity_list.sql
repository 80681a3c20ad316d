-- UFLPA Entity List notices: entities added and the list's size as a source stated it
-- (SOURCES.md section 14), renamed. Counts stay text here: some carry words
-- ("2 (+8 subsidiaries)", "30 (as stated by later sources)").
with

notices as (select * from raw_uflpa_entity_list_transcribed),

final as (
    select
        effective_or_announced_date as notice_date_text,
        event,
        entities_added as entities_added_text,
        total_on_list_as_stated as total_stated_text,
        source_publisher as source_name,
        source_url as url,
        notes
    from notices
)

select * from final
