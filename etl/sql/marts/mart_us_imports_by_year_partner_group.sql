-- US imports by year, partner and WRO product group, summed from HS6 lines.
-- Quantities come in different units per line, so only net weight is summed,
-- with a count of lines that reported none.
with

lines as (
    select * from mart_us_imports_by_year_partner_hs
    where hs_level = 6 and product_group is not null
),

groups as (select distinct product_group, product_group_label, family, sort_order from dim_product_group),

final as (
    select
        l.source,
        l.value_basis,
        l.partner_iso3,
        any_value(l.partner_name) as partner_name,
        l.product_group,
        g.product_group_label,
        g.family,
        g.sort_order,
        l.year,
        sum(l.value_usd) as value_usd,
        sum(l.net_weight_kg) as net_weight_kg,
        count(*) as hs6_lines,
        count(*) filter (where l.net_weight_kg is null) as hs6_lines_without_weight,
        string_agg(distinct l.dataset, ',' order by l.dataset) as datasets,
        max(l.vintage) as vintage
    from lines as l
    join groups as g using (product_group)
    group by all
)

select * from final order by source, partner_iso3, sort_order, year
