-- Our mapping of HS6 lines to the product groups the WRO covers. CBP named
-- products, not HS codes: the rules in etl/seeds/product_group_rules.csv are
-- ours, and every row says which rule put it where.
with

hs6 as (select code, description from dim_hs where level = 6),
rules as (select *, cast(priority as integer) as rank from seed_product_group_rules),
groups as (select * from seed_product_groups),

matched as (
    select
        h.code,
        h.description,
        r.product_group,
        r.rule_note,
        row_number() over (partition by h.code order by r.rank) as match_order
    from hs6 as h
    join rules as r
        on regexp_matches(h.code, r.hs_pattern)
        and (nullif(r.description_like, '') is null or h.description ilike r.description_like)
        and (nullif(r.description_not_like, '') is null
            or not h.description ilike r.description_not_like)
),

final as (
    select
        m.code as hs_code,
        6 as hs_level,
        m.description,
        m.product_group,
        g.label as product_group_label,
        g.family,
        cast(g.sort_order as integer) as sort_order,
        m.rule_note as rule,
        'project mapping: CBP named products, not HS codes' as mapping_basis
    from matched as m
    join groups as g using (product_group)
    where m.match_order = 1
)

select * from final order by hs_code
