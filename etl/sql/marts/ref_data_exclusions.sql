-- Periods of a shipped dataset its marts leave out, and why (etl/seeds/data_exclusions.csv).
-- Pages read the reason from here to say where a series has its gap.
with

exclusions as (select * from seed_data_exclusions),

final as (select dataset_id, cast(year as integer) as year, reason from exclusions)

select * from final order by dataset_id, year
