-- FAOSTAT tomato-paste exports by FAO area and year (data/raw/SOURCES.md section 16), in
-- its two domains, which FAO revised apart for some 2019-2020 values: never mixed in a row.
--   TCL  trade domain, item "Tomatoes, paste": tonnes and 1000 USD, 1961-2020;
--   SCL  supply utilization domain, "Paste of tomatoes": tonnes, 2010-2022.
-- Renames and casts only (1000 USD -> USD).
with

tcl_quantity as (select * from raw_fao_paste_exports_tcl_quantity),
tcl_value as (select * from raw_fao_paste_exports_tcl_value),
scl_quantity as (select * from raw_fao_paste_exports_scl_quantity),

manifest as (select dataset_id, upstream_vintage from raw_manifest),

tcl as (
    select
        'TCL' as domain,
        coalesce(q.geo, v.geo) as area_code,
        cast(coalesce(q.year, v.year) as integer) as year,
        cast(q.tcl_tomatoes_paste_export_quantity as double) as quantity_t,
        cast(v.tcl_tomatoes_paste_export_value as double) * 1000 as value_usd,
        'fao_paste_exports_tcl_quantity,fao_paste_exports_tcl_value' as datasets
    from tcl_quantity as q
    full join tcl_value as v on v.geo = q.geo and v.year = q.year
),

scl as (
    select
        'SCL' as domain,
        geo as area_code,
        cast(year as integer) as year,
        cast(scl_paste_of_tomatoes_export_quantity as double) as quantity_t,
        cast(null as double) as value_usd,
        'fao_paste_exports_scl_quantity' as datasets
    from scl_quantity
),

final as (
    select
        u.*,
        'FAOSTAT, ' || m.upstream_vintage as vintage
    from (select * from tcl union all select * from scl) as u
    join manifest as m on m.dataset_id = split_part(u.datasets, ',', 1)
)

select * from final
