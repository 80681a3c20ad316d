-- FAOSTAT tomato production (item 388, element 5510) via Our World in Data.
with

manifest as (select upstream_vintage from raw_manifest where dataset_id = 'fao_tomato_production'),

production as (select * from raw_fao_tomato_production),

final as (
    select
        'fao_tomato_production' as dataset,
        'tomatoes' as item,
        p."Entity" as entity,
        nullif(p."Code", 'NA') as iso3,
        cast(p."Year" as integer) as year,
        cast(p.tomatoes__00000388__production__005510__tonnes as double) as tonnes,
        'FAOSTAT via Our World in Data, ' || m.upstream_vintage as vintage
    from production as p
    cross join manifest as m
)

select * from final order by entity, year
