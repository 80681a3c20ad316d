-- A Census API answer shipped in data/raw joins the fetched answers in raw_census_api,
-- in their shape: every value text, the month as the API's `time`, its dataset id as
-- fetch_dir and no fetch time (a shipped answer is older than any fetch).
insert into raw_census_api by name
select
    "CTY_CODE",
    "CTY_NAME",
    "I_COMMODITY",
    "I_COMMODITY_SDESC",
    "GEN_VAL_MO",
    "YEAR" || '-' || "MONTH" as "time",
    "COMM_LVL",
    '$dataset' as fetch_dir
from "raw_$dataset"
