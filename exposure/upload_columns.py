"""Which column of an import file holds what: the model's columns and the header names
brokers' entry reports and ERP extracts give them.

Names are compared after `normalise_header` ('Value (USD)' -> 'value_usd'). An exact
alias wins; otherwise a header whose words include a column's key words is taken (e.g.
'HTS Number (10 digit)' for the HS code). The page shows the result and lets the user
change it.
"""

from __future__ import annotations

import re

REQUIRED_COLUMNS = ("hs_code", "origin", "annual_value_usd")
OPTIONAL_COLUMNS = ("quantity", "quantity_unit", "supplier")
MODEL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
LABELS = {
    "hs_code": "HS / HTS code",
    "origin": "Country of origin",
    "annual_value_usd": "Value (USD)",
    "quantity": "Quantity",
    "quantity_unit": "Quantity unit",
    "supplier": "Supplier",
}

# Header spellings taken as they are, best first (compared after normalise_header).
ALIASES = {
    "hs_code": (
        "hs_code", "hs", "hts", "hts_code", "hts_number", "hts_no", "hts_num", "hts10",
        "htsus", "htsus_number", "hs6", "hs_number", "tariff_number", "tariff_no",
        "tariff_code", "harmonized_code", "harmonized_tariff_number", "commodity_code",
        "code",
    ),
    "origin": (
        "origin", "origin_iso3", "country_of_origin", "coo", "country_origin",
        "origin_country", "ctry_of_origin", "country", "iso3",
    ),
    "annual_value_usd": (
        "annual_value_usd", "value_usd", "entered_value", "entered_value_usd",
        "total_entered_value", "customs_value", "line_value", "line_value_usd",
        "annual_value", "value", "usd", "amount_usd",
    ),
    "quantity": ("quantity", "qty", "line_quantity", "quantity_1", "qty_1"),
    "quantity_unit": (
        "quantity_unit", "unit", "qty_unit", "uom", "unit_of_measure", "quantity_uom",
    ),
    "supplier": (
        "supplier", "supplier_name", "vendor", "vendor_name", "manufacturer",
        "manufacturer_name", "mid", "manufacturer_id", "shipper", "exporter", "seller",
    ),
}  # fmt: skip

# Words that point to a column when no alias matches the whole header (first match wins).
KEY_WORDS = {
    "hs_code": ({"hts"}, {"hs"}, {"tariff"}, {"harmonized"}),
    "origin": ({"origin"}, {"coo"}),
    "annual_value_usd": ({"entered", "value"}, {"value", "usd"}, {"value"}),
    "quantity": ({"quantity"}, {"qty"}),
    "quantity_unit": ({"unit"}, {"uom"}),
    "supplier": ({"supplier"}, {"vendor"}, {"manufacturer"}),
}
# Words that rule a header out for a column ('Entry Number' is not an HTS number,
# 'Unit value' is not a unit).
NOT_WORDS = {
    "hs_code": {"description", "desc", "chapter"},
    "origin": {"export", "exportation"},
    "annual_value_usd": {"duty", "unit", "mpf", "hmf", "per"},
    "quantity": {"unit", "uom"},
    "quantity_unit": {"value", "price", "cost"},
    "supplier": {"country", "address", "city"},
}


def normalise_header(cell) -> str:
    """'Annual value (USD)' -> 'annual_value_usd', 'HS-code' -> 'hs_code'."""
    return re.sub(r"[^a-z0-9]+", "_", str(cell or "").strip().lower()).strip("_")


KNOWN = {alias: col for col, aliases in ALIASES.items() for alias in aliases}


def known_names(header: list) -> int:
    """How many cells of a row are known column names (finds the header row)."""
    return sum(normalise_header(c) in KNOWN for c in header)


def match_columns(header: list) -> dict[str, int]:
    """Model column -> index of the header cell that holds it (unmatched columns absent).

    Exact aliases first, best alias first; then key words, for headers no alias took."""
    names = [normalise_header(c) for c in header]
    out: dict[str, int] = {}
    taken: set[int] = set()
    for col in MODEL_COLUMNS:
        for alias in ALIASES[col]:
            if alias in names and names.index(alias) not in taken:
                out[col] = names.index(alias)
                taken.add(out[col])
                break
    for col in MODEL_COLUMNS:
        if col in out:
            continue
        for wanted in KEY_WORDS[col]:
            hit = next(
                (
                    i
                    for i, name in enumerate(names)
                    if i not in taken
                    and wanted <= set(name.split("_"))
                    and not NOT_WORDS[col] & set(name.split("_"))
                ),
                None,
            )
            if hit is not None:
                out[col] = hit
                taken.add(hit)
                break
    return out
