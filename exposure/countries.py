"""Country of origin as written in an import file -> the warehouse's ISO3 code.

First the warehouse's own codes and names (dim_country), compared leniently
('Viet Nam', 'VIETNAM' and 'vietnam' meet); then pycountry, which knows ISO2 codes
(brokers' files write 'CN'), official and common names ('Korea, Republic of'). A code
pycountry finds that is not in dim_country is not taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd
import pycountry


def country_key(text: str) -> str:
    """A name or code as looked up: upper case, letters and digits only."""
    return re.sub(r"[^A-Z0-9]", "", str(text).upper())


def country_lookup(countries) -> dict[str, str]:
    """ISO3 codes and names (as country_key makes them) -> ISO3.

    `countries`: the warehouse's dim_country (columns iso3, name), a mapping of
    name -> ISO3, or an iterable of ISO3 codes.
    """
    out: dict[str, str] = {}
    if isinstance(countries, pd.DataFrame):
        pairs = zip(countries["iso3"], countries.get("name", countries["iso3"]), strict=True)
    elif isinstance(countries, Mapping):
        pairs = ((iso3, name) for name, iso3 in countries.items())
    else:
        pairs = ((iso3, iso3) for iso3 in countries)
    for iso3, name in pairs:
        iso3 = str(iso3).strip().upper()
        out[country_key(iso3)] = iso3
        if isinstance(name, str) and name.strip():
            out[country_key(name)] = iso3
    return out


def origins_to_iso3(written: Iterable[str], countries) -> dict[str, str | None]:
    """Each distinct value as written -> ISO3 in `countries`, or None when unknown."""
    known = country_lookup(countries)
    allowed = set(known.values())
    out: dict[str, str | None] = {}
    for value in written:
        iso3 = known.get(country_key(value))
        if iso3 is None:
            iso3 = _pycountry(value)
        out[value] = iso3 if iso3 in allowed else None
    return out


def _pycountry(value: str) -> str | None:
    text = str(value).strip()
    if not text:
        return None
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        pass
    # 'BAHAMAS, THE', as some customs lists write it.
    head, comma, tail = text.rpartition(",")
    if comma and tail.strip().upper() == "THE":
        return _pycountry(head)
    return None
