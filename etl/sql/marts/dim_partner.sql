-- Every partner the trade data names, with its display name and what it is:
--   country   an ISO3 code, or '<source>:<code>' for a country no library maps to ISO3
--             (has_iso3 false; listed on the Data and methods page);
--   total     WLD, the all-partners total of the source;
--   grouping  a source's grouping of countries (Census EU or 5XXX Asia, OTEXA '_ASEAN', FAO
--             regions): kept, never counted as a country.
-- Codes come from etl/seeds/partner_codes.csv (made by `python -m etl.countries`); a
-- Census code a later fetch brings that the seed lacks is classed by its form.
with

countries as (select iso3, name from dim_country),

codes as (select * from seed_partner_codes),

flows as (select distinct partner_iso3 from stg_trade_flows),

iso3_partners as (
    select iso3 as partner_id, name, case iso3 when 'WLD' then 'total' else 'country' end
        as kind
    from countries
    union all
    -- ISO3 codes the library gives that the ISO seed lacks (XKX, Kosovo)
    select distinct iso3, name, 'country'
    from codes
    where iso3 is not null and iso3 not in (select iso3 from countries)
),

coded_partners as (
    select source || ':' || coalesce(code, '') as partner_id, coalesce(name_in_source, '') as name,
        kind
    from codes
    where iso3 is null
),

known as (select * from iso3_partners union all select * from coded_partners),

unseen as (
    select
        f.partner_iso3 as partner_id,
        f.partner_iso3 as name,
        case when regexp_full_match(f.partner_iso3, 'census:[1-9][0-9]{3}') then 'country'
            when starts_with(f.partner_iso3, 'census:') then 'grouping'
            when regexp_full_match(f.partner_iso3, 'fao:5[0-9]{3}') then 'grouping'
            else 'country' end as kind
    from flows as f
    anti join known as k on k.partner_id = f.partner_iso3
),

final as (
    select
        partner_id,
        name,
        kind,
        not contains(partner_id, ':') as has_iso3
    from (select * from known union all select * from unseen)
)

select * from final order by partner_id
