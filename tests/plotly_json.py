"""Read plotly figure JSON as Streamlit sends it (plotly 7 packs numeric arrays as
base64 typed arrays: {"dtype": "f8", "bdata": "..."})."""

import base64

import numpy as np


def values(array) -> list:
    if isinstance(array, dict) and "bdata" in array:
        data = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        if "shape" in array:
            data = data.reshape([int(s) for s in str(array["shape"]).split(",")])
        return data.tolist()
    return list(array)


def points(trace: dict) -> dict:
    """{x: y} of one trace."""
    return dict(zip(values(trace["x"]), values(trace["y"]), strict=True))


def traces(fig: dict) -> dict[str, dict]:
    """A figure's traces by name."""
    return {t["name"]: t for t in fig["data"]}
