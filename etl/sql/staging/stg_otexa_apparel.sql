-- OTEXA US apparel imports (all fibres) by country of origin and year (data/raw/SOURCES.md
-- section 17): US dollars (customs value) and square metres equivalent, one row per name
-- and year. Renames and casts only.
with

dollars as (select * from raw_otexa_apparel_dollars where "Units" = '$'),
sme as (select * from raw_otexa_apparel_sme where "Units" = 'M2'),

manifest as (
    select upstream_vintage from raw_manifest where dataset_id = 'otexa_apparel_dollars'
),

final as (
    select
        coalesce(d."Country", s."Country", '') as country_name,
        cast(coalesce(d."Year", s."Year") as integer) as year,
        cast(d."DATA_VALUE" as double) as value_usd,
        cast(s."DATA_VALUE" as double) as sme_m2,
        'US Department of Commerce (OTEXA), ' || m.upstream_vintage as vintage
    from dollars as d
    full join sme as s on s."Country" is not distinct from d."Country" and s."Year" = d."Year"
    cross join manifest as m
)

select * from final
