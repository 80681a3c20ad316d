-- UN Comtrade extracts shipped in data/raw (comtradr "tidy" column names).
-- Renames and casts only. Comtrade reports quantity 0 at HS2/HS4/TOTAL level
-- for "not reported", so quantities are kept only on HS6 lines; an HS6 line with
-- unit 'N/A' also carries 0 for "not reported" (quantity, and net weight when 0).
with

manifest as (select dataset_id, upstream_vintage from raw_manifest),

tidy as (
    select 'comtrade_us_china' as dataset, * from raw_comtrade_us_china
    union all by name
    select 'comtrade_us_vnm_mex' as dataset, * from raw_comtrade_us_vnm_mex
),

full_width as (
    select 'comtrade_us_world' as dataset, * from raw_comtrade_us_world
    union all by name
    select 'comtrade_producer_exports' as dataset, * from raw_comtrade_producer_exports
    union all by name
    select 'comtrade_producer_textile_imports' as dataset, * from raw_comtrade_producer_textile_imports
),

tidy_renamed as (
    select
        dataset,
        reporter_iso as reporter_iso3,
        partner_iso as partner_iso3,
        case flow_desc when 'Import' then 'M' when 'Export' then 'X' end as flow,
        cmd_code as hs_code,
        cast(aggr_level as integer) as hs_level,
        classification_code as hs_revision,
        cmd_desc as description,
        cast(ref_year as integer) as year,
        primary_value,
        qty,
        nullif(qty_unit_abbr, 'N/A') as quantity_unit,
        net_wgt
    from tidy
),

full_renamed as (
    select
        dataset,
        reporter_iso as reporter_iso3,
        case partner_iso when 'W00' then 'WLD' else partner_iso end as partner_iso3,
        flow_code as flow,
        cmd_code as hs_code,
        cast(aggr_level as integer) as hs_level,
        classification_code as hs_revision,
        cmd_desc as description,
        cast(ref_year as integer) as year,
        nullif(primary_value, 'NA') as primary_value,
        nullif(qty, 'NA') as qty,
        nullif(nullif(qty_unit_abbr, 'N/A'), 'NA') as quantity_unit,
        nullif(net_wgt, 'NA') as net_wgt
    from full_width
    -- only the world-total partner, no mode-of-transport or customs-procedure splits
    where customs_code = 'C00' and mot_code = '0' and partner2code = '0'
),

final as (
    select
        'comtrade' as source,
        r.dataset,
        r.reporter_iso3,
        r.partner_iso3,
        r.flow,
        r.hs_code,
        r.hs_level,
        r.hs_revision,
        r.description,
        r.year,
        cast(null as integer) as month,
        cast(r.primary_value as double) as value_usd,
        case when r.flow = 'M' then 'CIF' else 'FOB' end as value_basis,
        case when r.hs_level = 6 and r.quantity_unit is not null
            then try_cast(nullif(r.qty, '') as double) end as quantity,
        case when r.hs_level = 6 then r.quantity_unit end as quantity_unit,
        case when r.hs_level = 6 then nullif(
            try_cast(nullif(r.net_wgt, '') as double),
            case when r.quantity_unit is null then 0 end
        ) end as net_weight_kg,
        'UN Comtrade, ' || m.upstream_vintage as vintage,
        cast(null as timestamp) as fetched_at
    from (select * from tidy_renamed union all by name select * from full_renamed) as r
    left join manifest as m on m.dataset_id = r.dataset
)

select * from final
