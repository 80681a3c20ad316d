"""Map HS codes of any length (2 to 10 digits) to the warehouse's product groups.

An HS6 line in `dim_product_group` has its group there. Other codes follow the rules the
warehouse itself is built from (etl/seeds/product_group_rules.csv), read here so the two
never disagree: the first rule (by priority) whose pattern reaches the code decides. A
rule with no condition on the description maps everything under it; a rule that needs
the HS6 description can't be applied to a code the warehouse has not seen.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from exposure.domain import TOMATO_SEED_HTS10

RULES_CSV = Path(__file__).resolve().parent.parent / "etl" / "seeds" / "product_group_rules.csv"

MAPPED = "mapped"
NOT_COVERED = "not covered"  # outside the covered products: exposure 0
UNMAPPED = "unmapped"  # covered products may be under the code: exposure unknown

MAPPING_COLUMNS = [
    "hs_code",
    "hs6",
    "product_group",
    "mapping_status",
    "mapping_note",
    "covered_content_override",
]


@dataclass(frozen=True)
class Rule:
    priority: int
    pattern: re.Pattern
    product_group: str
    by_description: bool  # the rule looks at the HS6 description, not only the code
    note: str

    def covers(self, code: str) -> bool:
        """The pattern matches every code under `code` (it matches `code` itself)."""
        return bool(self.pattern.match(code))

    def reaches(self, code: str) -> bool:
        """The pattern matches some 6-digit code under `code`."""
        if self.covers(code) or len(code) >= 6:
            return self.covers(code[:6])
        return any(self.reaches(code + d) for d in "0123456789")


@functools.cache
def seed_rules(path: Path = RULES_CSV) -> tuple[Rule, ...]:
    """The warehouse's mapping rules, by priority."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rules = [
        Rule(
            int(r["priority"]),
            re.compile(r["hs_pattern"]),
            r["product_group"],
            bool(r["description_like"] or r["description_not_like"]),
            r["rule_note"],
        )
        for r in rows
    ]
    return tuple(sorted(rules, key=lambda r: r.priority))


def map_hs_codes(
    codes: Iterable[str], dim_product_group: pd.DataFrame, rules: tuple[Rule, ...] | None = None
) -> pd.DataFrame:
    """Each code's product group, mapping_status (MAPPED, NOT_COVERED, UNMAPPED) and note,
    in the order given. Codes longer than 6 digits map by their HS6 (but for the seed
    lines), so each HS6 is worked out once however many 10-digit lines a file has."""
    codes = pd.Series(codes if isinstance(codes, pd.Series) else list(codes), dtype=object)
    codes = codes.astype(str).reset_index(drop=True)
    table = dict(
        zip(
            dim_product_group["hs_code"].astype(str),
            dim_product_group["product_group"].astype(str),
            strict=True,
        )
    )
    rules = seed_rules() if rules is None else rules
    hs6 = codes.str[:6]
    longer = (codes.str.len() > 6) & (hs6 != TOMATO_SEED_HTS10[:6])
    keys = codes.where(~longer, hs6 + "+")
    index, distinct = pd.factorize(keys)
    first = pd.Series(np.arange(len(codes))).groupby(index).first().to_numpy()
    worked = pd.DataFrame(
        [map_one(c, table, rules) for c in codes.to_numpy()[first]], columns=MAPPING_COLUMNS
    )
    out = pd.DataFrame({"hs_code": pd.Series(codes.to_numpy(dtype=object), dtype=object)})
    for c in ("hs6", "product_group", "mapping_status"):
        values = worked[c].to_numpy(dtype=object)
        out[c] = pd.Series(np.where(pd.isna(values), None, values)[index], dtype=object)
    notes, distinct_notes = pd.factorize(worked["mapping_note"])
    out["mapping_note"] = pd.Categorical.from_codes(notes[index], distinct_notes)
    out["covered_content_override"] = worked["covered_content_override"].to_numpy(float)[index]
    return out[MAPPING_COLUMNS]


def map_one(code: str, table: dict[str, str], rules: tuple[Rule, ...]) -> dict:
    """One code's mapping (see map_hs_codes)."""
    row = {
        "hs_code": code,
        "hs6": code[:6] if len(code) >= 6 else None,
        "product_group": None,
        "mapping_status": NOT_COVERED,
        "mapping_note": "",
        "covered_content_override": math.nan,
    }
    via = "by its first 6 digits: " if len(code) > 6 else ""
    if len(code) >= 6 and code[:6] in table:
        hs6 = code[:6]
        row.update(
            product_group=table[hs6],
            mapping_status=MAPPED,
            mapping_note=f"{via}HS6 {hs6} is in the warehouse product-group table",
        )
        if hs6 == TOMATO_SEED_HTS10[:6] and len(code) == 10:
            row.update(_seed_line(code))
        return row
    key = code[:6]
    rule = next((r for r in rules if r.reaches(key)), None)
    if rule is None:
        row["mapping_note"] = (
            f"HS {code} is outside the covered products: no rule of "
            "etl/seeds/product_group_rules.csv reaches it"
        )
        return row
    if rule.covers(key) and not rule.by_description:
        row.update(
            product_group=rule.product_group,
            mapping_status=MAPPED,
            mapping_note=f"{via}every code under HS {key} is {rule.product_group} "
            f"(rule {rule.priority} of etl/seeds/product_group_rules.csv: {rule.note})",
        )
        return row
    if len(key) == 6:
        row["mapping_note"] = (
            f"{via}HS6 {key} is not in the warehouse table (not seen in the trade data) and "
            f"rule {rule.priority} needs its description: check the code"
        )
        row["mapping_status"] = UNMAPPED
        return row
    return row | _prefix(code, table, rules)


def _prefix(code: str, table: dict[str, str], rules: tuple[Rule, ...]) -> dict:
    """A 2- or 4-digit code that no single rule maps whole."""
    under = sorted({g for k, g in table.items() if k.startswith(code)})
    whole = any(r.covers(code) for r in rules)  # every code under it is in some group
    if whole and len(under) == 1:
        return {
            "product_group": under[0],
            "mapping_status": MAPPED,
            "mapping_note": f"every HS6 line under {code} in the warehouse table is {under[0]}",
        }
    if len(under) > 1:
        why = f"the lines under it fall in several groups ({', '.join(under)})"
    else:
        groups = sorted({r.product_group for r in rules if r.reaches(code)})
        why = f"only part of HS {code} is a covered product ({', '.join(groups)})"
    return {
        "mapping_status": UNMAPPED,
        "mapping_note": f"a {len(code)}-digit code can't be mapped: {why}; give the 6-digit code",
    }


def _seed_line(code: str) -> dict:
    """10-digit lines under HS 120991: only the tomato-seed line is a covered product."""
    if code == TOMATO_SEED_HTS10:
        return {
            "covered_content_override": 1.0,
            "mapping_note": f"HTS {code} is tomato seed: the whole line counts",
        }
    return {
        "product_group": None,
        "mapping_status": NOT_COVERED,
        "mapping_note": f"HTS {code} is a vegetable seed other than tomato "
        f"({TOMATO_SEED_HTS10} is tomato seed)",
    }
