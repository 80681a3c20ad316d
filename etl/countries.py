"""Partner codes in the shipped files -> ISO3, by a maintained library, never by hand.

`python -m etl.countries` regenerates two seeds from the shipped snapshot:
- etl/seeds/partner_codes.csv: every Census country code, OTEXA country name and FAO area
  code in the shipped files, with its ISO3 code and what it is (a country, the total of
  all partners, a grouping of countries, or a code no library maps);
- the census_code column of etl/seeds/countries.csv (what `python -m etl fetch census`
  asks the API for).
Census and OTEXA names are matched by country_converter's regular expressions; FAO areas
carry their own ISO3 column, accepted where pycountry knows the code. A test checks that
the committed seeds are exactly what this module makes.
"""

import csv
import io
import logging
import re
from functools import cache
from pathlib import Path

import pandas as pd

from etl import paths

PARTNER_CODES = paths.SEEDS_DIR / "partner_codes.csv"
COUNTRIES = paths.SEEDS_DIR / "countries.csv"
COLUMNS = ("source", "code", "name_in_source", "iso3", "name", "kind")

# The shipped files the codes come from (relative to data/raw).
CENSUS_ANSWER = (
    "census_api_hs2_monthly_2023_2024/us_general_imports_hs2_by_country_monthly_2023_2024.csv"
)
OTEXA_FILE = "otexa_apparel_imports/otexa_m2_total_apparel_imports_1989_2025_dollars.csv"
FAO_AREAS = "faostat_tomato_paste_trade/fao_areas.csv"
FAO_DATA = "faostat_tomato_paste_trade/faostat_*.csv"

CENSUS_TOTAL = "-"  # "TOTAL FOR ALL COUNTRIES"
CENSUS_COUNTRY = re.compile(r"[1-9][0-9]{3}")  # 0xxx and nXXX codes are groupings
OTEXA_TOTAL = "World"
FAO_WORLD = "5000"
FAO_FIRST_REGION = 5000  # FAO area codes from 5000 up are regions (5707 is in no area list)


@cache
def converter():
    """country_converter's matcher, its own country table read so that pandas 3 keeps
    Namibia's ISO2 "NA" as text (coco 1.3.2 reads it as missing and fails to start)."""
    import country_converter as coco

    table = Path(coco.__file__).with_name("country_data.tsv")
    data = pd.read_csv(table, sep="\t", dtype=str, keep_default_na=False, na_values=[""])
    data["ISO2"] = data["ISO2"].fillna("(?!)")  # areas without ISO2 match no ISO2 input
    for column in ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "DACcode", "GWcode"):
        data[column] = pd.to_numeric(data[column]).astype("Int64")
    logging.getLogger("country_converter").setLevel(logging.ERROR)  # unmatched: listed
    return coco.CountryConverter(country_data=data)


def iso3_of_names(names: list[str]) -> dict[str, str]:
    """Names -> ISO3 where country_converter finds exactly one country."""
    found = converter().convert(names, to="ISO3", not_found=None)
    found = found if isinstance(found, list) else [found]
    return {n: c for n, c in zip(names, found, strict=True) if isinstance(c, str) and c != n}


def display_names(iso3s) -> dict[str, str]:
    """ISO3 -> country_converter's short English name."""
    codes = sorted(set(iso3s))
    names = converter().convert(codes, src="ISO3", to="name_short", not_found=None)
    names = names if isinstance(names, list) else [names]
    return dict(zip(codes, names, strict=True))


def census_codes(raw_root: Path) -> list[dict]:
    """Every CTY_CODE of the shipped Census answer, classified and mapped by its name."""
    frame = pd.read_csv(raw_root / CENSUS_ANSWER, dtype=str, keep_default_na=False)
    pairs = frame[["CTY_CODE", "CTY_NAME"]].drop_duplicates().sort_values("CTY_CODE")
    countries = [n for c, n in pairs.values if CENSUS_COUNTRY.fullmatch(c)]
    iso3 = iso3_of_names(countries)
    rows = []
    for code, name in pairs.values:
        if code == CENSUS_TOTAL:
            rows.append(_row("census", code, name, "WLD", "total"))
        elif not CENSUS_COUNTRY.fullmatch(code):
            rows.append(_row("census", code, name, "", "grouping"))
        else:
            rows.append(_row("census", code, name, iso3.get(name, ""), "country"))
    return rows


def otexa_names(raw_root: Path) -> list[dict]:
    """Every OTEXA country name; names starting with '_' are OTEXA's groupings."""
    frame = pd.read_csv(raw_root / OTEXA_FILE, dtype=str, keep_default_na=False)
    names = sorted(set(frame["Country"]))
    iso3 = iso3_of_names([n for n in names if not n.startswith("_") and n != OTEXA_TOTAL])
    rows = []
    for name in names:
        if name == OTEXA_TOTAL:
            rows.append(_row("otexa", name, name, "WLD", "total"))
        elif name.startswith("_"):
            rows.append(_row("otexa", name, name, "", "grouping"))
        else:
            rows.append(_row("otexa", name, name, iso3.get(name, ""), "country"))
    return rows


def fao_areas(raw_root: Path) -> list[dict]:
    """Every FAO area of the area list and the data files: its own ISO3 where pycountry
    knows the code (351 "China", which adds mainland China, Hong Kong, Macao and Taiwan,
    carries the non-ISO code CPR); codes from 5000 up are regions."""
    import pycountry

    frame = pd.read_csv(raw_root / FAO_AREAS, dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"is--country_group": "is_group"})
    in_data = set()
    for path in sorted(raw_root.glob(FAO_DATA)):
        in_data |= set(pd.read_csv(path, dtype=str, usecols=["geo"])["geo"])
    unlisted = pd.DataFrame({"geo": sorted(in_data - set(frame["geo"]))})
    frame = pd.concat([frame, unlisted], ignore_index=True).fillna("")
    rows = []
    for r in frame.sort_values("geo", key=lambda s: s.astype(int)).itertuples():
        if r.geo == FAO_WORLD:
            rows.append(_row("fao", r.geo, r.name, "WLD", "total"))
        elif r.is_group == "TRUE" or int(r.geo) >= FAO_FIRST_REGION:
            rows.append(_row("fao", r.geo, r.name, "", "grouping"))
        elif r.iso3_code and pycountry.countries.get(alpha_3=r.iso3_code):
            rows.append(_row("fao", r.geo, r.name, r.iso3_code, "country"))
        else:
            rows.append(_row("fao", r.geo, r.name, "", "country"))
    return rows


def _row(source: str, code: str, name_in_source: str, iso3: str, kind: str) -> dict:
    return {"source": source, "code": code, "name_in_source": name_in_source, "iso3": iso3,
            "kind": kind}  # fmt: skip


def partner_codes(raw_root: Path) -> pd.DataFrame:
    """The partner_codes seed: every code of the shipped files, mapped or not ('kind'
    'country' with no ISO3 = a country no library maps, e.g. the USSR)."""
    rows = census_codes(raw_root) + otexa_names(raw_root) + fao_areas(raw_root)
    frame = pd.DataFrame(rows)
    countries = frame["iso3"].ne("") & frame["iso3"].ne("WLD")
    names = display_names(frame.loc[countries, "iso3"])
    frame["name"] = frame["iso3"].map(names).fillna("")
    frame.loc[frame["iso3"].eq("WLD"), "name"] = "World (all partners)"
    return frame[list(COLUMNS)]


def countries_with_census_codes(countries: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """countries.csv with its census_code column made from the mapped Census codes."""
    census = codes[(codes["source"] == "census") & codes["iso3"].ne("")]
    by_iso3 = dict(zip(census["iso3"], census["code"], strict=True))
    out = countries.copy()
    out["census_code"] = out["iso3"].map(by_iso3).fillna("")
    return out


def csv_text(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def generated(raw_root: Path | None = None) -> dict[Path, str]:
    """What the two seeds should hold, as file text."""
    raw_root = raw_root or paths.raw_dir()
    codes = partner_codes(raw_root)
    countries = pd.read_csv(COUNTRIES, dtype=str, keep_default_na=False)
    return {
        PARTNER_CODES: csv_text(codes),
        COUNTRIES: csv_text(countries_with_census_codes(countries, codes)),
    }


def main() -> None:
    for path, text in generated().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
