-- Reading figures as the press printed them ("more than $3.68 billion", "~570", "$13m").
-- Temporary macros: the models use them while the build runs; the published file has none.

-- The first number in a printed figure, times the million or billion printed after it.
create temp macro printed_amount(t) as (
    try_cast(replace(regexp_extract(t, '([0-9][0-9,]*(\.[0-9]+)?)', 1), ',', '') as double)
    * case
        when regexp_matches(t, '[0-9]\s*(billion|bn)\b') then 1e9
        when regexp_matches(t, '[0-9]\s*(million|m)\b') then 1e6
        else 1
    end
);

-- What the source's words make of a figure: 'exact' (the file says so), a 'lower bound'
-- ("more than", "over", ">"), 'approximate' ("about", "nearly", "~", "(rounded)"), or
-- 'as printed' (an amount without words: rounded to the digits shown).
create temp macro qualifier_kind(q) as (
    case
        when q = 'exact' then 'exact'
        when regexp_matches(lower(q), '\b(no more than|less than|fewer than|up to)\b')
            then 'upper bound'
        when regexp_matches(lower(q), '\b(more than|over|exceeded|at least)\b|>')
            then 'lower bound'
        when regexp_matches(
            lower(q), '\b(about|approximately|roughly|nearly|almost|around|shy of|rounded)\b|~'
        ) then 'approximate'
        else 'as printed'
    end
);

-- A count or amount written out: '12,666' and '$55,541,383' (for figures the file marks
-- exact, which carry no printed words).
create temp macro written_amount(v, unit) as (
    case when unit = 'USD' then '$' || format('{:,}', cast(v as bigint))
        else format('{:,}', cast(v as bigint)) end
);

-- A printed date ('2023-03-03', '2024-03', '2025-08 (as of article)') as the last day it
-- can mean; NULL when it names no single day or month ('unknown (2024)', '2024-06/07',
-- '2022-09-mid').
create temp macro printed_date(t) as (
    coalesce(
        try_cast(regexp_extract(t, '^([0-9]{4}-[0-9]{2}-[0-9]{2})($| )', 1) as date),
        last_day(try_cast(regexp_extract(t, '^([0-9]{4}-[0-9]{2})($| )', 1) || '-01' as date))
    )
);

-- How much of that date was printed: 'day', 'month' or NULL.
create temp macro printed_date_precision(t) as (
    case
        when regexp_matches(t, '^[0-9]{4}-[0-9]{2}-[0-9]{2}($| )') then 'day'
        when regexp_matches(t, '^[0-9]{4}-[0-9]{2}($| )') then 'month'
    end
);
