"""The shared HTTP plumbing of the fetchers: retries, Retry-After, timeouts, throttle,
key redaction and the write-then-rename fetch directory."""

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from pytest_httpserver import HTTPServer

from etl.sources import http

SECRET = "k3y-Sekr1t-0123456789abcdef"


class Sleeps(list):
    """A fake sleep that records the waits instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


def _get(server, path="/data", **kwargs):
    kwargs.setdefault("sleep", Sleeps())
    kwargs.setdefault("what", "HS 52 2019-01..2024-12")
    kwargs.setdefault("source", "Census API")
    params = [("get", "X"), ("key", SECRET)]
    return http.get(server.url_for(path), params, secrets=[SECRET], **kwargs)


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
    out = http.redact(text)
    assert SECRET not in out
    assert http.REDACTED in out


def test_redact_removes_literal_secrets_plain_and_url_encoded():
    secret = "a/b+c=d"
    text = f"got {secret} and {requests.utils.quote(secret, safe='')} back"
    out = http.redact(text, [secret, None, ""])
    assert secret not in out and "a%2Fb%2Bc%3Dd" not in out
    assert out.count(http.REDACTED) == 2


def test_redact_leaves_other_parameters_alone():
    text = "https://x/y?monkey=1&get=CTY_CODE,key_figure&turnkey=2&time=from+2019-01"
    assert http.redact(text) == text


def test_redact_params_hides_key_values_only():
    params = [("get", "A,B"), ("key", SECRET), ("time", "2019-01")]
    assert http.redact_params(params) == {"get": "A,B", "key": "REDACTED", "time": "2019-01"}


# --- Retry-After ----------------------------------------------------------------------


def test_retry_after_seconds_forms():
    now = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    assert http.retry_after_seconds("0") == 0
    assert http.retry_after_seconds(" 7 ") == 7
    assert http.retry_after_seconds(format_datetime(now + timedelta(seconds=30)), now) == 30
    assert http.retry_after_seconds(format_datetime(now - timedelta(seconds=30)), now) == 0
    assert http.retry_after_seconds("soon") is None
    assert http.retry_after_seconds(None) is None


# --- get ------------------------------------------------------------------------------


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
    sleeps = Sleeps()
    resp = _get(httpserver, sleep=sleeps, backoff=5.0)
    assert resp.status == 200 and resp.attempts == 2
    assert sleeps == [0.0]  # Retry-After: 0 wins over the 5 s backoff


def test_get_backs_off_exponentially_without_retry_after(httpserver: HTTPServer):
    for _ in range(3):
        httpserver.expect_ordered_request("/data").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/data").respond_with_data(b"[]")
    sleeps = Sleeps()
    resp = _get(httpserver, sleep=sleeps, backoff=0.5, retries=3)
    assert resp.attempts == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_get_caps_long_retry_after(httpserver: HTTPServer):
    httpserver.expect_ordered_request("/data").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_ordered_request("/data").respond_with_data(b"[]")
    sleeps = Sleeps()
    _get(httpserver, sleep=sleeps, max_wait=10.0)
    assert sleeps == [10.0]


def test_get_gives_up_after_persistent_500_with_one_line_message(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_data("oops", status=500)
    logged = []
    with pytest.raises(http.FetchError) as info:
        _get(httpserver, retries=3, backoff=0.0, log=logged.append)
    message = str(info.value)
    assert message == "Census API returned HTTP 500 after 4 attempts for HS 52 2019-01..2024-12"
    assert len(httpserver.log) == 4
    assert len(logged) == 3 and all("retrying" in line for line in logged)
    assert info.value.__cause__ is None


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


def test_get_connection_error_is_retried_and_redacted():
    with HTTPServer() as server:
        url = server.url_for("/data")  # a port that is closed once the server stops
    sleeps = Sleeps()
    with pytest.raises(http.FetchError) as info:
        http.get(
            url,
            {"key": SECRET},
            retries=2,
            backoff=0.25,
            sleep=sleeps,
            secrets=[SECRET],
            source="Census API",
            what="HS 52",
        )
    message = str(info.value)
    assert message.startswith("Census API could not be reached (")
    assert message.endswith("after 3 attempts for HS 52")
    assert SECRET not in message and "\n" not in message
    assert sleeps == [0.25, 0.5]


def test_get_header_key_is_redacted_from_messages(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_data(
        f"Access denied: key {SECRET} is invalid", status=401
    )
    with pytest.raises(http.FetchError) as info:
        http.get(
            httpserver.url_for("/data"),
            headers={"Ocp-Apim-Subscription-Key": SECRET},
            source="Comtrade API",
        )
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
    sleeps = Sleeps()
    resp = _get(slow_server, timeout=1.0, retries=2, backoff=0.0, sleep=sleeps)
    assert resp.status == 200 and resp.attempts == 2
    assert sleeps == [0.0]


def test_get_timeout_persisting_fails_clearly(slow_server):
    def handler(request):
        slow_server.release.wait(5)
        return "never in time"

    slow_server.expect_request("/data").respond_with_handler(handler)
    with pytest.raises(http.FetchError) as info:
        _get(slow_server, timeout=0.2, retries=1, backoff=0.0)
    assert str(info.value) == (
        "Census API timed out (no answer within 0.2 s) after 2 attempts for HS 52 2019-01..2024-12"
    )


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
    with http.FetchDir(tmp_path, "demo_api", now=lambda: when, secrets=[SECRET]) as out:
        assert out.tmp.name.startswith(".2026-11-28T131500Z.partial-")
        out.record(_response(b"[1]"), params={"key": SECRET}, rows=1, label="one")
        out.record(_response(b"", 204), params={}, rows=0, label="two", note="no data")
        result = out.commit({"source": "demo"})
    assert result.directory == tmp_path / "demo_api" / "2026-11-28T131500Z"
    assert sorted(p.name for p in result.directory.iterdir()) == ["query.json", "response_001.json"]
    assert [p.name for p in (tmp_path / "demo_api").iterdir()] == ["2026-11-28T131500Z"]
    text = (result.directory / "query.json").read_text()
    assert SECRET not in text
    assert http.fetch_dirs(tmp_path, "demo_api") == [(result.directory, "2026-11-28T13:15:00Z")]


def test_fetch_dir_discards_on_error_and_keeps_earlier_dirs(tmp_path):
    earlier = tmp_path / "demo_api" / "2020-01-01T000000Z"
    earlier.mkdir(parents=True)
    (earlier / "response_001.json").write_text("[]")
    with pytest.raises(RuntimeError):
        with http.FetchDir(tmp_path, "demo_api") as out:
            out.record(_response(b"[1]"), params={}, rows=1, label="one")
            raise RuntimeError("boom")
    assert [p.name for p in (tmp_path / "demo_api").iterdir()] == ["2020-01-01T000000Z"]
    assert (earlier / "response_001.json").read_text() == "[]"


def test_fetch_dirs_in_the_same_second_get_distinct_later_names(tmp_path):
    when = datetime(2026, 11, 28, 13, 15, 0, tzinfo=UTC)
    names = []
    for _ in range(3):
        with http.FetchDir(tmp_path, "demo_api", now=lambda: when) as out:
            names.append(out.commit({}).directory.name)
    assert names == ["2026-11-28T131500Z", "2026-11-28T131501Z", "2026-11-28T131502Z"]


def test_fetch_dirs_skips_partial_and_foreign_entries(tmp_path):
    parent = tmp_path / "demo_api"
    (parent / ".2026-11-28T131500Z.partial-123").mkdir(parents=True)
    (parent / "notes").mkdir()
    (parent / "README.txt").write_text("x")
    (parent / "2026-11-28T131500Z").mkdir()
    assert [p.name for p, _ in http.fetch_dirs(tmp_path, "demo_api")] == ["2026-11-28T131500Z"]
    assert http.fetch_dirs(tmp_path, "absent_api") == []


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
    assert http.as_text(True) == "true" and http.as_text(None) is None
    assert http.as_text("0702") == "0702"
