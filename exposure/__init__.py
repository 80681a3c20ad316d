"""Exposure of US imports to the Xinjiang WRO: a pure model on warehouse DataFrames.

See docs/methodology.md. Every parameter travels as an `Assumption` with its source
or its "assumption" label.
"""

from exposure.assumptions import Assumption, Scenario, assumptions_frame
from exposure.backtest import BacktestResult, backtest
from exposure.defaults import default_scenario, default_scenarios
from exposure.mapping import map_hs_codes
from exposure.model import (
    ModelResult,
    baseline,
    combined,
    line_exposure,
    one_basis,
    run_model,
    run_scenarios,
    trade_at_risk,
)
from exposure.uploads import (
    MAX_UPLOAD_BYTES,
    Upload,
    UploadMessage,
    check_upload,
    messages_frame,
    parse_upload,
    template_csv,
)

__all__ = [
    "MAX_UPLOAD_BYTES",
    "Assumption",
    "BacktestResult",
    "ModelResult",
    "Scenario",
    "Upload",
    "UploadMessage",
    "assumptions_frame",
    "backtest",
    "baseline",
    "check_upload",
    "combined",
    "default_scenario",
    "default_scenarios",
    "line_exposure",
    "map_hs_codes",
    "messages_frame",
    "one_basis",
    "parse_upload",
    "run_model",
    "run_scenarios",
    "template_csv",
    "trade_at_risk",
]
