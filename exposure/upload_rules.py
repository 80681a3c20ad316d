"""The checks of an uploaded table, one rule per column: how a cell's text becomes the
column's value, in SQL (DuckDB), and what can be wrong with it, with the words that say so.
exposure.upload_validate runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from exposure.upload_messages import ERROR, WARNING

EXAMPLE_MARKER = "EXAMPLE"  # the template's rows: skipped

# --- SQL pieces. In rules, @c is the trimmed cell, @v its value, @num "Excel stored it as
# a number". US numbers: '1,200.50', '$1200'. European (a ';' or tab file whose numbers
# have a decimal comma): '1.200,50', '1 200,50'. @n: the cell without currency and spaces.
STRIPPED = "regexp_replace(replace(replace(@c, 'US$', ''), '$', ''), '[\\s\u00a0\u202f]', '', 'g')"
US_NUMBER = (
    r"try_cast(case when regexp_full_match(@n, '-?\d{1,3}(,\d{3})+(\.\d+)?') "
    r"then replace(@n, ',', '') else @n end as double)"
)
EU_NUMBER = (
    r"case when regexp_full_match(@n, '-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?') "
    r"then try_cast(replace(replace(@n, '.', ''), ',', '.') as double) end"
)
EUROPEAN_LOOKING = "regexp_full_match(@c, '-?\\d{1,3}([.\u00a0\u202f ]\\d{3})*,\\d+')"
DOT_THOUSANDS = r"regexp_full_match(@c, '\$?\d{1,3}(\.\d{3})+')"
# A file's number style, from decimals that can't be thousands: '2,5' or '1.000,50' against
# '2.5' or '1,000.50' (a separator before exactly three digits could be either).
EU_EVIDENCE = r"-?(\d{1,3}(\.\d{3})+,\d+|\d+,(\d{1,2}|\d{4,}))"
US_EVIDENCE = r"-?(\d{1,3}(,\d{3})+\.\d+|\d+\.(\d{1,2}|\d{4,}))"
TOTAL_WORD = r"regexp_matches(@c, '\btotals?\b', 'i')"


def number_sql(european: bool) -> str:
    """SQL for a cell's number (NULL when it isn't one)."""
    return (EU_NUMBER if european else US_NUMBER).replace("@n", STRIPPED)


@dataclass(frozen=True)
class Check:
    """One thing that can be wrong with a cell. A blocking check makes the value unusable
    (the first that fails is said); the others are said only when none blocked."""

    kind: str
    severity: str
    when: str  # SQL over @c, @v, @num
    says: Callable[[str, object], str]  # words from the cell as written and its value
    blocks: bool = True


@dataclass(frozen=True)
class ColumnRule:
    value: str  # SQL: the column's value from @c
    checks: tuple[Check, ...] = ()


HS_DIGITS = r"regexp_replace(@c, '[\s.]', '', 'g')"
HS_RULE = ColumnRule(
    f"case when length({HS_DIGITS}) % 2 = 1 and length({HS_DIGITS}) < 10 "
    f"then '0' || {HS_DIGITS} else {HS_DIGITS} end",
    (
        Check("empty", ERROR, "@c is null", lambda c, v: "HS code is empty"),
        Check(
            "not_whole",
            ERROR,
            "@num and contains(@c, '.')",
            lambda c, v: f"HS code {c!r} is not a whole number",
        ),
        Check(
            "not_digits",
            ERROR,
            f"not regexp_full_match({HS_DIGITS}, '[0-9]+')",
            lambda c, v: f"HS code {c!r} must contain digits only (2 to 10)",
        ),
        Check(
            "length",
            ERROR,
            "length(@v) not between 2 and 10",
            lambda c, v: f"HS code {c!r} must have 2 to 10 digits, it has {len(str(v))}",
        ),
        Check(
            "number",
            WARNING,
            "@num",
            lambda c, v: "HS code stored as a number in Excel; format the column as text",
            blocks=False,
        ),
        Check(
            "odd",
            WARNING,
            f"length({HS_DIGITS}) % 2 = 1",
            lambda c, v: (
                f"HS code {str(v)[1:]!r} has an odd number of digits: read as {v!r} (leading zero)"
            ),
            blocks=False,
        ),
    ),
)

ORIGIN_RULE = ColumnRule(
    "(select iso3 from origins where written = @c)",
    (
        Check("empty", ERROR, "@c is null", lambda c, v: "country of origin is empty"),
        Check(
            "unknown",
            ERROR,
            "@v is null",
            lambda c, v: (
                f"unknown country {c!r}: use an ISO3 code (e.g. CHN, VNM) or the "
                "country's English name (e.g. China, Viet Nam)"
            ),
        ),
    ),
)


def amount_rule(words: str, severity: str, european: bool, comma_file: bool) -> ColumnRule:
    """A money or quantity column. Its problems are errors (the value) or warnings that
    leave the cell blank (the quantity)."""
    blank = "" if severity == ERROR else ": left blank"
    style = " as the file writes numbers ('1.000,50')" if european else ""
    checks = []
    if severity == ERROR:
        checks.append(Check("empty", ERROR, "@c is null", lambda c, v: f"{words}: empty"))
    if comma_file:
        checks.append(
            Check(
                "european",
                severity,
                "@v is null and " + EUROPEAN_LOOKING,
                lambda c, v: (
                    f"{words} {c!r} is written the European way (',' decimal mark) "
                    "but the file is separated by commas, so it can't be read safely: save the "
                    f"file with ';' separators or write the number without separators{blank}"
                ),
            )
        )
    checks += [
        Check(
            "not_number",
            severity,
            "@c is not null and @v is null",
            lambda c, v: f"{words} {c!r} is not a number{style}{blank}",
        ),
        Check(
            "not_finite",
            severity,
            "not isfinite(@v)",
            lambda c, v: f"{words} {c!r} is not a finite number{blank}",
        ),
        Check("negative", severity, "@v < 0", lambda c, v: f"{words} {c!r} is negative{blank}"),
    ]
    if severity == ERROR and not european:
        checks.append(
            Check(
                "dot_thousands",
                WARNING,
                "not @num and " + DOT_THOUSANDS,
                lambda c, v: (
                    f"{c!r} was read as {v:g} dollars; if the dot separates thousands "
                    "(as in many European files), write the number without separators"
                ),
                blocks=False,
            )
        )
    return ColumnRule(number_sql(european), tuple(checks))


def column_rules(european: bool, comma_file: bool) -> dict[str, ColumnRule]:
    """One rule per model column."""
    return {
        "hs_code": HS_RULE,
        "origin": ORIGIN_RULE,
        "annual_value_usd": amount_rule("annual value (USD):", ERROR, european, comma_file),
        "quantity": amount_rule("quantity", WARNING, european, comma_file),
        "quantity_unit": ColumnRule("@c"),
        "supplier": ColumnRule("@c"),
    }
