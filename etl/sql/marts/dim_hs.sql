-- Every HS code seen in any source, with one description: the most recent
-- Comtrade (official HS) wording where there is one, else the Census wording.
with

flows as (select * from stg_trade_flows),

-- each wording once, with the latest year it was used: a few per code, however many rows
wordings as (
    select hs_code, hs_level, description, hs_revision, source, max(year) as year
    from flows
    where hs_code is not null
    group by all
),

described as (
    select
        hs_code,
        hs_level,
        description,
        hs_revision,
        row_number() over (
            partition by hs_code
            order by (source = 'comtrade') desc, hs_revision desc, year desc, description
        ) as preference
    from wordings
),

revisions as (
    select hs_code, string_agg(distinct hs_revision, ',' order by hs_revision) as revisions
    from wordings
    group by hs_code
),

final as (
    select
        d.hs_code as code,
        d.hs_level as level,
        d.description,
        case
            when d.hs_level = 10 then left(d.hs_code, 6)
            when d.hs_level in (4, 6) then left(d.hs_code, d.hs_level - 2)
        end as parent,
        case when d.hs_level >= 2 then left(d.hs_code, 2) end as chapter,
        r.revisions
    from described as d
    join revisions as r using (hs_code)
    where d.preference = 1
)

select * from final order by code
