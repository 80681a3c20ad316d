"""The shared HTTP client of the fetchers (retries, Retry-After, timeouts through
urllib3's Retry; throttle; key redaction) and the write-then-rename fetch directory.

Waits are kept short with `backoff=0` or small factors and Retry-After: 0; the wait the
client announces before each retry is what urllib3 then sleeps."""

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from pytest_httpserver import HTTPServer

from etl.sources import fetch_dir, http, saved
from etl.sources.redact import REDACTED, redact, redact_params

SECRET = "k3y-Sekr1t-0123456789abcdef"
WHAT = "HS 52 2019-01..2024-12"


def client(logged: list | None = None, **kwargs) -> http.Client:
    kwargs.setdefault("backoff", 0.0)
    log = logged.append if logged is not None else (lambda _m: None)
    return http.Client("Census API", "http://unused", api_key=SECRET, log=log, **kwargs)


def _get(server, logged=None, *, path="/data", **kwargs):
    params = [("get", "X"), ("key", SECRET)]
    with client(logged, **kwargs) as api:
        return api.get(server.url_for(path), params, what=WHAT)


# --- redaction ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"https://api.census.gov/data/x?get=A&key={SECRET}&time=2019-01",
        f"https://api.census.gov/data/x?key={SECRET}",
        f"GET /hs?key={SECRET} HTTP/1.1",
        f"{{'Ocp-Apim-Subscription-Key': '{SECRET}'}}",
        f"Ocp-Apim-Subscription-Key: {SECRET}",
        f'"ocp-apim-subscription-key":"{SECRET}"',
        f"subscription-key={SECRET}&x=1",
    ],
)
def test_redact_removes_keys_in_urls_and_headers(text):
    out = redact(text)
    assert SECRET not in out
    assert REDACTED in out


def test_redact_removes_literal_secrets_plain_and_url_encoded():
    secret = "a/b+c=d"
    text = f"got {secret} and {requests.utils.quote(secret, safe='')} back"
    out = redact(text, [secret, None, ""])
    assert secret not in out and "a%2Fb%2Bc%3Dd" not in out
    assert out.count(REDACTED) == 2


def test_redact_leaves_other_parameters_alone():
    text = "https://x/y?monkey=1&get=CTY_CODE,key_figure&turnkey=2&time=from+2019-01"
    assert redact(text) == text


def test_redact_params_hides_key_values_only():
    params = [("get", "A,B"), ("key", SECRET), ("time", "2019-01")]
    assert redact_params(params) == {"get": "A,B", "key": "REDACTED", "time": "2019-01"}


# --- get: retries through urllib3 --------------------------------------------------


def test_get_returns_body_and_redacted_url(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_data(b'[["A"],["1"]]')
    resp = _get(httpserver)
    assert resp.status == 200
    assert resp.body == b'[["A"],["1"]]'
    assert resp.attempts == 1
    assert SECRET not in resp.url and "key=REDACTED" in resp.url
    # the key itself did go to the server
    assert httpserver.log[0][0].args["key"] == SECRET


def test_get_retries_429_honouring_retry_after(httpserver: HTTPServer):
    httpserver.expect_ordered_request("/data").respond_with_data(
        "Rate limit is exceeded.", status=429, headers={"Retry-After": "0"}
    )
    httpserver.expect_ordered_request("/data").respond_with_data(b"[]")
    logged = []
    started = time.monotonic()
    resp = _get(httpserver, logged, backoff=5.0)
    assert resp.status == 200 and resp.attempts == 2
    assert time.monotonic() - started < 3  # Retry-After: 0, not the 5 s backoff
    assert logged == ["  Census API returned HTTP 429; retrying in 0 s (attempt 2 of 4)"]


@pytest.mark.slow  # waits the 1 s it is told
def test_get_waits_the_retry_after_it_is_told(httpserver: HTTPServer):
    httpserver.expect_ordered_request("/data").respond_with_data(
        "", status=503, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/data").respond_with_data(b"[]")
    logged = []
    started = time.monotonic()
    assert _get(httpserver, logged).attempts == 2
    assert time.monotonic() - started >= 0.9
    assert logged == ["  Census API returned HTTP 503; retrying in 1 s (attempt 2 of 4)"]


@pytest.mark.parametrize(
    "retry_after",
    [format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True), "soon"],
    ids=["date-in-the-past", "not-a-number-or-date"],
)
def test_get_retry_after_as_a_past_date_or_nonsense_does_not_stall(httpserver, retry_after):
    httpserver.expect_ordered_request("/data").respond_with_data(
        "", status=429, headers={"Retry-After": retry_after}
    )
    httpserver.expect_ordered_request("/data").respond_with_data(b"[]")
    started = time.monotonic()
    assert _get(httpserver).attempts == 2
    assert time.monotonic() - started < 3


def test_get_backs_off_exponentially_without_retry_after(httpserver: HTTPServer):
    for _ in range(3):
        httpserver.expect_ordered_request("/data").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/data").respond_with_data(b"[]")
    logged = []
    resp = _get(httpserver, logged, backoff=0.05, retries=3)
    assert resp.attempts == 4
    waits = [line.split("retrying in ")[1].split(" s")[0] for line in logged]
    assert waits == ["0", "0.1", "0.2"]  # urllib3: the first retry at once, then doubling


def test_get_caps_long_retry_after(httpserver: HTTPServer, monkeypatch):
    monkeypatch.setattr(http, "MAX_WAIT", 0.3)
    httpserver.expect_ordered_request("/data").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_ordered_request("/data").respond_with_data(b"[]")
    logged = []
    started = time.monotonic()
    assert _get(httpserver, logged).attempts == 2
    assert time.monotonic() - started < 5
    assert "retrying in 0.3 s" in logged[0]


def test_get_gives_up_after_persistent_500_with_one_line_message(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_data("oops", status=500)
    logged = []
    with pytest.raises(http.FetchError) as info:
        _get(httpserver, logged, retries=3)
    message = str(info.value)
    assert message == "Census API returned HTTP 500 after 4 attempts for HS 52 2019-01..2024-12"
    assert len(httpserver.log) == 4
    assert len(logged) == 3 and all("retrying" in line for line in logged)
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_get_does_not_retry_other_4xx_and_redacts_the_body(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_data(f"error: invalid key {SECRET}", status=400)
    with pytest.raises(http.FetchError) as info:
        _get(httpserver, retries=3)
    assert len(httpserver.log) == 1
    assert "HTTP 400" in str(info.value)
    assert "invalid key" in str(info.value)
    assert SECRET not in str(info.value)


def test_get_passes_204_through(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_data(b"", status=204)
    resp = _get(httpserver)
    assert resp.status == 204 and resp.body == b""


def test_get_connection_error_is_retried_and_redacted(caplog):
    with HTTPServer() as server:
        url = server.url_for("/data")  # a port that is closed once the server stops
    logged = []
    caplog.set_level(logging.DEBUG)
    with pytest.raises(http.FetchError) as info:
        with client(logged, retries=2) as api:
            api.get(url, {"key": SECRET}, what="HS 52")
    message = str(info.value)
    assert message.startswith("Census API could not be reached (")
    assert message.endswith("after 3 attempts for HS 52")
    assert SECRET not in message and "\n" not in message
    assert [line.split(";")[0] for line in logged] == [
        "  Census API could not be reached (Connection refused)"
    ] * 2
    # urllib3's own log lines name the URL: never with the key
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)


def test_get_header_key_is_redacted_from_messages(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_data(
        f"Access denied: key {SECRET} is invalid", status=401
    )
    with pytest.raises(http.FetchError) as info:
        with http.Client("Comtrade API", "http://unused", api_key=SECRET) as api:
            api.get(httpserver.url_for("/data"), headers={"Ocp-Apim-Subscription-Key": SECRET})
    assert "HTTP 401" in str(info.value)
    assert SECRET not in str(info.value)
    assert httpserver.log[0][0].headers["Ocp-Apim-Subscription-Key"] == SECRET


@pytest.fixture
def slow_server():
    """A threaded server whose handler hangs until released (or 5 s)."""
    release = threading.Event()
    server = HTTPServer(threaded=True)
    server.start()
    server.release = release
    yield server
    release.set()
    server.clear()
    server.stop()


def test_get_times_out_and_retries(slow_server):
    from werkzeug import Response

    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            slow_server.release.wait(5)
        return Response("[]", content_type="application/json")

    slow_server.expect_request("/data").respond_with_handler(handler)
    logged = []
    resp = _get(slow_server, logged, timeout=0.3, retries=2)
    assert resp.status == 200 and resp.attempts == 2
    assert logged == ["  Census API timed out; retrying in 0 s (attempt 2 of 3)"]


def test_get_timeout_persisting_fails_clearly(slow_server):
    def handler(request):
        slow_server.release.wait(5)
        return "never in time"

    slow_server.expect_request("/data").respond_with_handler(handler)
    with pytest.raises(http.FetchError) as info:
        _get(slow_server, timeout=0.2, retries=1)
    assert str(info.value) == (
        "Census API timed out (no answer within 0.2 s) after 2 attempts for HS 52 2019-01..2024-12"
    )


def test_client_throttles_between_requests(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_data(b"[]")
    waits = []
    throttle = http.Throttle(1.0, sleep=waits.append)
    with client(throttle=throttle) as api:
        for _ in range(3):
            api.get(httpserver.url_for("/data"))
    assert len(waits) == 2 and all(0 < w <= 1.0 for w in waits)


# --- throttle -------------------------------------------------------------------------


def test_throttle_spaces_requests():
    now = [100.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    throttle = http.Throttle(1.0, clock=lambda: now[0], sleep=sleep)
    throttle.wait()  # first call: no wait
    now[0] += 0.25
    throttle.wait()
    now[0] += 5
    throttle.wait()  # long enough since the last one
    assert sleeps == [pytest.approx(0.75)]


def test_throttle_zero_never_sleeps():
    throttle = http.Throttle(0, sleep=lambda s: pytest.fail("slept"))
    for _ in range(3):
        throttle.wait()


# --- fetch directories ----------------------------------------------------------------


def _response(body=b"[]", status=200):
    return http.HttpResponse(status, body, f"http://x/y?key={SECRET}", http.utc_now(), 1)


def test_fetch_dir_commit_renames_into_place(tmp_path):
    when = datetime(2026, 11, 28, 13, 15, 0, 123456, tzinfo=UTC)
    with fetch_dir.FetchDir(tmp_path, "demo_api", now=lambda: when, secrets=[SECRET]) as out:
        assert out.tmp.name.startswith(".2026-11-28T131500Z.partial-")
        out.record(_response(b"[1]"), params={"key": SECRET}, rows=1, label="one")
        out.record(_response(b"", 204), params={}, rows=0, label="two", note="no data")
        result = out.commit({"source": "demo"})
    assert result.directory == tmp_path / "demo_api" / "2026-11-28T131500Z"
    assert sorted(p.name for p in result.directory.iterdir()) == ["query.json", "response_001.json"]
    assert [p.name for p in (tmp_path / "demo_api").iterdir()] == ["2026-11-28T131500Z"]
    text = (result.directory / "query.json").read_text()
    assert SECRET not in text
    assert fetch_dir.fetch_dirs(tmp_path, "demo_api") == [
        (result.directory, "2026-11-28T13:15:00Z")
    ]


def test_fetch_dir_discards_on_error_and_keeps_earlier_dirs(tmp_path):
    earlier = tmp_path / "demo_api" / "2020-01-01T000000Z"
    earlier.mkdir(parents=True)
    (earlier / "response_001.json").write_text("[]")
    with pytest.raises(RuntimeError):
        with fetch_dir.FetchDir(tmp_path, "demo_api") as out:
            out.record(_response(b"[1]"), params={}, rows=1, label="one")
            raise RuntimeError("boom")
    assert [p.name for p in (tmp_path / "demo_api").iterdir()] == ["2020-01-01T000000Z"]
    assert (earlier / "response_001.json").read_text() == "[]"


def test_fetch_dirs_in_the_same_second_get_distinct_later_names(tmp_path):
    when = datetime(2026, 11, 28, 13, 15, 0, tzinfo=UTC)
    names = []
    for _ in range(3):
        with fetch_dir.FetchDir(tmp_path, "demo_api", now=lambda: when) as out:
            names.append(out.commit({}).directory.name)
    assert names == ["2026-11-28T131500Z", "2026-11-28T131501Z", "2026-11-28T131502Z"]


def test_fetch_dirs_skips_partial_and_foreign_entries(tmp_path):
    parent = tmp_path / "demo_api"
    (parent / ".2026-11-28T131500Z.partial-123").mkdir(parents=True)
    (parent / "notes").mkdir()
    (parent / "README.txt").write_text("x")
    (parent / "2026-11-28T131500Z").mkdir()
    assert [p.name for p, _ in fetch_dir.fetch_dirs(tmp_path, "demo_api")] == ["2026-11-28T131500Z"]
    assert fetch_dir.fetch_dirs(tmp_path, "absent_api") == []


@pytest.mark.parametrize(
    ("body", "needle"),
    [(b"", "empty body with HTTP 200"), (b"  \n", "empty body"), (b"[1,", "malformed JSON")],
)
def test_parse_json_body_errors(body, needle):
    with pytest.raises(http.FetchError, match=needle):
        http.parse_json_body(body, source="Census API", what="HS 52")


def test_parse_json_body_keeps_number_text():
    body = b'{"v": 1.10, "n": 842, "b": true}'
    assert http.parse_json_body(body, source="x", what="y") == {"v": "1.10", "n": "842", "b": True}
    assert saved.as_text(True) == "true" and saved.as_text(None) is None
    assert saved.as_text("0702") == "0702"
