"""The build's fast reader of saved Census answers (DuckDB's JSON reader) gives the rows
census.read_raw gives, and leaves every unreadable answer to read_raw's named errors."""

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.sources import census, census_load, saved

RECORDED = Path(__file__).resolve().parent / "fixtures" / "recorded" / "census"


def saved_fetch(tmp_path: Path, bodies: dict[str, bytes]) -> Path:
    done = tmp_path / "census_api" / "2026-01-01T000000Z"
    done.mkdir(parents=True)
    for name, body in bodies.items():
        (done / name).write_bytes(body)
    return done


def loaded(raw: Path) -> pd.DataFrame:
    con = duckdb.connect()
    n = census_load.load_answers(con, raw, "raw_census_api")
    frame = con.table("raw_census_api").df()
    con.close()
    assert n == len(frame)
    return frame


def as_rows(frame: pd.DataFrame) -> list[tuple]:
    """Every row as a tuple, in a total order (two answers can hold rows that differ only
    outside the key columns, e.g. a revised value)."""
    rows = [tuple(None if pd.isna(v) else v for v in row) for row in frame.values.tolist()]
    return sorted(rows, key=lambda row: tuple("" if v is None else str(v) for v in row))


def test_the_same_rows_as_read_raw_whatever_the_header_order(tmp_path):
    """The recorded answers have their columns in two orders (the API appends the
    predicate columns; one answer has no COMM_LVL)."""
    saved_fetch(
        tmp_path,
        {
            "response_001.json": (RECORDED / "hs52_CHN_2019-01_2019-03.json").read_bytes(),
            "response_002.json": (RECORDED / "hs0702_ALL_2024-01_2024-02.json").read_bytes(),
            "response_003.json": (RECORDED / "hs52_CHN_2019-03_revised.json").read_bytes(),
        },
    )
    fast = loaded(tmp_path)
    assert list(fast.columns) == list(census.RAW_COLUMNS)
    assert as_rows(fast) == as_rows(census.read_raw(tmp_path))
    assert len(fast) == 16


def test_no_answers_is_an_empty_table_with_the_columns(tmp_path):
    frame = loaded(tmp_path)
    assert list(frame.columns) == list(census.RAW_COLUMNS) and frame.empty


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1,", "not valid JSON"),
        (json.dumps([[*census.GET_FIELDS, "time"], ["5700", "CHINA", "52"]]).encode(),
         "row 2 does not have the header's 8 fields"),
        (json.dumps([["CTY_CODE", "time"], ["5700", "2024-01"]]).encode(),
         "changed schema: the header lacks CTY_NAME"),
    ],
    ids=["malformed", "short-row", "missing-column"],
)  # fmt: skip
def test_an_answer_it_cannot_vouch_for_gets_read_raws_error(tmp_path, body, message):
    good = (RECORDED / "hs52_CHN_2019-01_2019-03.json").read_bytes()
    saved_fetch(tmp_path, {"response_001.json": good, "response_002.json": body})
    with pytest.raises(saved.RawDataError, match=r"response_002\.json: ") as err:
        loaded(tmp_path)
    assert message in str(err.value)


def test_a_partial_dir_is_not_read(tmp_path):
    done = saved_fetch(
        tmp_path, {"response_001.json": (RECORDED / "hs52_CHN_2019-01_2019-03.json").read_bytes()}
    )
    partial = done.parent / ".2026-02-01T000000Z.partial-1"
    shutil.copytree(done, partial)
    (partial / "response_002.json").write_bytes(b"[1,")
    assert len(loaded(tmp_path)) == 3
