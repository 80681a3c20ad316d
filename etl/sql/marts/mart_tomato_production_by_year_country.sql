-- Tomato production by year and country (FAOSTAT via OWID), with each
-- country's share of the world total in the same file and year.
with

production as (select * from stg_crop_production where item = 'tomatoes'),

world as (select year, tonnes as world_tonnes from production where iso3 = 'OWID_WRL'),

final as (
    select
        p.entity,
        p.iso3,
        p.year,
        p.tonnes,
        w.world_tonnes,
        p.tonnes / nullif(w.world_tonnes, 0) as share_of_world,
        p.iso3 is not null and not starts_with(p.iso3, 'OWID_') as is_country,
        p.vintage
    from production as p
    left join world as w using (year)
)

select * from final order by entity, year
