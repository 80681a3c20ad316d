-- US imports of apparel, all fibres (OTEXA category group 1), by year and country of
-- origin, customs value and square metres equivalent. Every country OTEXA lists, with its
-- World total and groupings (partner_kind). Years listed in etl/seeds/data_exclusions.csv
-- are left out, with the reason there (2023 and 2024: near-duplicate rows).
with

imports as (select * from stg_otexa_apparel),

codes as (select code, nullif(iso3, '') as iso3 from seed_partner_codes where source = 'otexa'),

excluded as (
    select cast(year as integer) as year
    from seed_data_exclusions
    where dataset_id = 'otexa_apparel_dollars'
),

partners as (select * from dim_partner),

final as (
    select
        'otexa' as source,
        'otexa_apparel_dollars,otexa_apparel_sme' as datasets,
        'customs' as value_basis,
        coalesce(c.iso3, 'otexa:' || i.country_name) as partner_iso3,
        coalesce(p.name, nullif(i.country_name, ''), '(no name in the file)') as partner_name,
        coalesce(p.kind, 'country') as partner_kind,
        i.year,
        i.value_usd,
        i.sme_m2,
        i.vintage
    from imports as i
    left join codes as c on c.code = i.country_name
    left join partners as p on p.partner_id = coalesce(c.iso3, 'otexa:' || i.country_name)
    anti join excluded as x on x.year = i.year
)

select * from final order by partner_iso3, year
