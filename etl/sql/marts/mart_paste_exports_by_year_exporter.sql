-- World tomato-paste exports by year and exporter, as FAOSTAT reports them, one domain
-- (TCL or SCL) a row. World is FAO's area 5000, the sum of reported exports (re-exports
-- included), so a share is an exporter's amount over World in the same domain and year.
-- exporter_kind 'grouping' marks FAO regions; a country without an ISO3 code (the USSR,
-- FAO's "China" 351 = mainland + Hong Kong + Macao + Taiwan) has has_iso3 false and is
-- never ranked beside ISO countries.
with

exports as (select * from stg_fao_paste_exports),

codes as (select code, nullif(iso3, '') as iso3 from seed_partner_codes where source = 'fao'),

areas as (select geo as area_code, name from raw_fao_areas),

partners as (select * from dim_partner),

identified as (
    select
        e.*,
        coalesce(c.iso3, 'fao:' || e.area_code) as exporter_id,
        a.name as fao_name
    from exports as e
    left join codes as c on c.code = e.area_code
    left join areas as a using (area_code)
),

world as (
    select domain, year, quantity_t as world_quantity_t, value_usd as world_value_usd
    from identified
    where exporter_id = 'WLD'
),

final as (
    select
        'faostat' as source,
        i.datasets,
        i.domain,
        case i.domain when 'TCL' then 'FAOSTAT trade (TCL), 1961-2020'
            else 'FAOSTAT supply utilization (SCL), 2010-2022' end as domain_label,
        i.area_code,
        i.exporter_id,
        coalesce(p.name, i.fao_name, i.area_code) as exporter_name,
        i.fao_name,
        coalesce(p.kind, 'country') as exporter_kind,
        coalesce(p.has_iso3, false) as has_iso3,
        i.year,
        i.quantity_t,
        i.value_usd,
        w.world_quantity_t,
        w.world_value_usd,
        i.quantity_t / nullif(w.world_quantity_t, 0) as quantity_share,
        i.value_usd / nullif(w.world_value_usd, 0) as value_share,
        i.vintage
    from identified as i
    left join world as w using (domain, year)
    left join partners as p on p.partner_id = i.exporter_id
)

select * from final order by domain, exporter_id, year
