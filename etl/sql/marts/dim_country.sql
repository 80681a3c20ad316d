-- Countries and the all-partners total, with the codes each source uses.
with

countries as (select * from seed_countries),

final as (
    select
        iso3,
        name,
        nullif(census_code, '') as census_code,
        m49_code,
        comtrade_code
    from countries
)

select * from final order by iso3
