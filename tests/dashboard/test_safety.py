"""Dashboard safety (issue 13, findings 10–12): login floods, sessions that end, HTTPS and proxies."""

from __future__ import annotations

import datetime as dt
import ipaddress
import sqlite3
import ssl
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import httpx
import pytest
from argon2 import PasswordHasher
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import insert

from sepbots.dashboard import create_app, users
from sepbots.dashboard.server import ServerThread, Serving
from sepbots.environment import Environment
from sepbots.store.schema import users as user_table
from sepbots.testing import ManualClock, open_test_environment
from tests.dashboard.conftest import PASSWORD, Dashboard


def _login(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    client.get("/login")
    token = client.cookies["sepbots_login_csrf"]
    return client.post("/login", data={"username": username, "password": password, "csrf": token, "next": "/"})


def _client(url: str, address: str = "127.0.0.1", cookies: dict[str, str] | None = None) -> httpx.Client:
    """A client whose connections come from ``address`` (any 127.x.y.z is a real loopback source)."""
    return httpx.Client(base_url=url, follow_redirects=False, timeout=60,
                        transport=httpx.HTTPTransport(local_address=address), cookies=cookies)


@pytest.fixture
def limited(tmp_path: Path, clock: ManualClock, password_hash: str) -> Iterator[Dashboard]:
    """A dashboard with small limits: 3 failures per address, 5 in total (5 minutes)."""
    env = open_test_environment(tmp_path / "home", clock=clock, overrides={
        "dashboard": {"login_failures_per_address": 3, "login_failures_total": 5}})
    with env.store.begin() as conn:
        conn.execute(insert(user_table).values(username="operator", password_hash=password_hash, role="operator",
                                               active=True, created_at=clock.now()))
    app = create_app(env)
    with ServerThread(app) as server:
        yield Dashboard(url=server.url, env=env, app=app)
    env.close()


# --- finding 10: login flood ----------------------------------------------------------------------


def test_finding10_failed_logins_are_limited_per_client_address(limited: Dashboard) -> None:
    """Wrong logins with ever new user names from one address are refused with 429 after the address's limit."""
    with _client(limited.url, "127.0.0.2") as client:
        codes = [_login(client, f"guess-{n}", "forkert-kode").status_code for n in range(4)]
        assert codes == [401, 401, 401, 429]
        refused = _login(client, "operator")  # even the right password, from this address
        assert refused.status_code == 429 and refused.headers["retry-after"] == "300"
        assert "For mange forkerte forsøg fra din adresse" in refused.text
    with _client(limited.url, "127.0.0.3") as other:  # another address is not held back
        assert _login(other, "operator").status_code == 303
    limited.clock.advance(minutes=6)
    with _client(limited.url, "127.0.0.2") as client:
        assert _login(client, "operator").status_code == 303


def test_finding10_concurrent_guesses_cannot_slip_past_the_limit_together(limited: Dashboard) -> None:
    """Twelve wrong logins at once from one address: exactly the address's limit (3) get their password checked."""

    def guess(n: int) -> int:
        with _client(limited.url, "127.0.0.4") as client:
            return _login(client, f"samtidig-{n}", "forkert-kode").status_code

    with ThreadPoolExecutor(12) as pool:
        codes = sorted(pool.map(guess, range(12)))
    assert codes == [401] * 3 + [429] * 9


def test_finding10_failed_logins_are_limited_for_the_whole_dashboard(limited: Dashboard) -> None:
    """Wrong logins spread over many addresses stop every login (429, Danish/English) once the total limit is hit."""
    for n in range(5):
        with _client(limited.url, f"127.0.1.{n + 1}") as client:
            assert _login(client, f"guess-{n}", "forkert-kode").status_code == 401
    with _client(limited.url, "127.0.2.1", cookies={"sepbots_lang": "en"}) as client:
        refused = _login(client, "operator")
        assert refused.status_code == 429
        assert "Logging in is blocked for a while" in refused.text


def test_finding10_no_write_lock_is_held_while_passwords_are_checked(
        dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch) -> None:
    """During 12 concurrent logins with random names, every argon2 check runs with the database free to write.

    Each check first takes and releases the write lock from a connection of its own. Other logins'
    short write transactions make it wait a moment; a lock held by the login being checked would
    never be released while its check waits, so the probe would time out — no timing threshold.
    """
    db = Path(dashboard.store.url.removeprefix("sqlite:///"))
    probes: list[str] = []
    real = users._HASHER

    class ProbingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:  # noqa: A002
            conn = sqlite3.connect(db, timeout=5, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                probes.append("free")
            except sqlite3.OperationalError as exc:
                probes.append(str(exc))
            finally:
                conn.close()
            return real.verify(hash, password)

    monkeypatch.setattr(users, "_HASHER", ProbingHasher(parallelism=1))

    def guess(n: int) -> int:
        with _client(dashboard.url) as client:
            return _login(client, f"flood-{uuid.uuid4().hex[:8]}-{n}", "forkert-kode").status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(guess, range(12)))
    assert codes == [401] * 12
    assert probes == ["free"] * 12


# --- finding 11: sessions end -----------------------------------------------------------------------


def test_finding11_a_password_change_ends_the_users_sessions(dashboard: Dashboard) -> None:
    """A session opened before the password changed is dead afterwards; the new password opens a new one."""
    with dashboard.login("operator") as client:
        assert client.get("/").status_code == 200
        with dashboard.store.begin() as conn:
            users.set_password(conn, "operator", "et-helt-nyt-kodeord")
        assert client.get("/").status_code == 303
    with dashboard.client() as fresh:
        assert _login(fresh, "operator").status_code == 401
        assert _login(fresh, "operator", "et-helt-nyt-kodeord").status_code == 303


def test_finding11_a_disabled_users_sessions_stay_dead_when_enabled_again(dashboard: Dashboard) -> None:
    """Disabling a user ends their sessions for good: enabling the account again does not revive the old cookie."""
    with dashboard.login("operator") as client:
        assert client.get("/").status_code == 200
        with dashboard.store.begin() as conn:
            users.set_active(conn, "operator", False)
        assert client.get("/").status_code == 303
        with dashboard.store.begin() as conn:
            users.set_active(conn, "operator", True)
        assert client.get("/").status_code == 303
    with dashboard.login("operator") as again:
        assert again.get("/").status_code == 200


# --- finding 12: HTTPS, HSTS, Secure cookies, proxies --------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A real self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sepbots test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def _serve(installation: Environment, serving: Serving) -> ServerThread:
    return ServerThread(create_app(installation), serving=serving)


def test_finding12_https_sends_hsts_and_secure_cookies(installation: Environment, tmp_path: Path) -> None:
    """Served with a certificate, every response carries HSTS and the session, CSRF and language cookies are Secure."""
    cert, key = self_signed(tmp_path)
    with _serve(installation, Serving(tls_cert=cert, tls_key=key)) as server:
        assert server.url.startswith("https://")
        trust = ssl.create_default_context(cafile=str(cert))
        with httpx.Client(base_url=server.url, verify=trust, follow_redirects=False, timeout=60) as client:
            page = client.get("/login")
            assert page.headers["strict-transport-security"] == "max-age=31536000"
            assert "Secure" in _set_cookies(page)["sepbots_login_csrf"]
            logged_in = _login(client, "operator")
            assert logged_in.status_code == 303
            session_cookie = _set_cookies(logged_in)["sepbots_session"]
            assert "Secure" in session_cookie and "HttpOnly" in session_cookie
            assert "Secure" in _set_cookies(client.get("/lang/en"))["sepbots_lang"]
            assert client.get("/").headers["strict-transport-security"] == "max-age=31536000"


def test_finding12_plain_http_sends_no_hsts_and_ignores_forwarded_headers(installation: Environment) -> None:
    """Without TLS and without a trusted proxy, X-Forwarded-Proto is ignored: no HSTS, no Secure cookies."""
    with _serve(installation, Serving()) as server, _client(server.url) as client:
        page = client.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in page.headers
        assert "Secure" not in _set_cookies(page)["sepbots_login_csrf"]


def test_finding12_behind_a_trusted_proxy_the_forwarded_scheme_and_address_count(
    installation: Environment,
) -> None:
    """With --forwarded-allow-ips the proxy's X-Forwarded-Proto makes cookies Secure and sends HSTS,
    and X-Forwarded-For is the address the login limit counts."""
    with _serve(installation, Serving(forwarded_allow_ips="127.0.0.1")) as server, _client(server.url) as client:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        page = client.get("/login", headers=headers)
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert "Secure" in _set_cookies(page)["sepbots_login_csrf"]
        token = client.cookies["sepbots_login_csrf"]
        cookie = {"Cookie": f"sepbots_login_csrf={token}"}  # a Secure cookie: the client itself speaks plain HTTP
        answer = client.post("/login", headers=headers | cookie, data={"username": "nobody", "password": "x", "csrf": token})
        assert answer.status_code == 401
    from sqlalchemy import select

    from sepbots.store.schema import login_attempts

    with installation.store.engine.connect() as conn:
        assert conn.execute(select(login_attempts.c.ip)).scalars().all() == ["203.0.113.7"]
        conn.rollback()


def test_finding12_half_a_tls_setup_is_refused_naming_the_setting(tmp_path: Path) -> None:
    """A certificate without its key (or a missing file) is a ConfigError naming the dashboard setting."""
    from sepbots.exceptions import ConfigError

    cert, key = self_signed(tmp_path)
    with pytest.raises(ConfigError, match="dashboard.tls_key"):
        Serving(tls_cert=cert).check()
    with pytest.raises(ConfigError, match="dashboard.tls_cert"):
        Serving(tls_cert=tmp_path / "missing.pem", tls_key=key).check()


# --- finding 13: query strings that do not fit ---------------------------------------------------------

HUGE = "99999999999999999999"
BAD_VALUES = [
    ("/runs?page={v}", [HUGE, "-1", "0", "abc"]),
    ("/runs?from={v}", ["0001-01-01", "9999-12-31", "2026-13-01"]),
    ("/runs?to={v}", ["9999-12-31", "0001-01-01"]),
    ("/runs/{run}?page={v}", [HUGE, "-3"]),
    ("/items/{v}", [HUGE, "-1", "0"]),
    ("/queue?page={v}", [HUGE, "-1"]),
    ("/audit?item={v}", [HUGE, "-1", "1e9"]),
    ("/audit?before={v}", [HUGE, "-5"]),
    ("/gains?from={v}", ["0001-01-01", "9999-12-31"]),
    ("/gains?to={v}", ["9999-12-31", "0001-01-01", "banana"]),
]
CASES = [(template, value) for template, values in BAD_VALUES for value in values]


@pytest.mark.parametrize(("template", "value"), CASES, ids=[t.format(v=v, run="RUN") for t, v in CASES])
def test_finding13_oversized_numbers_and_extreme_dates_answer_400(dashboard: Dashboard, template: str, value: str) -> None:
    """Every page that reads a number or a date from its address answers 400 (Danish page), never 500, to one that does not fit."""
    from tests.dashboard.seed import seed_run

    run_id, _ = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    with dashboard.login("viewer") as client:
        response = client.get(template.format(v=value, run=run_id))
        assert response.status_code == 400, response.text[:300]
        assert "ikke kan bruges" in response.text


@pytest.mark.parametrize("action", ["handle", "retry"])
@pytest.mark.parametrize("item_id", [HUGE, "-1"])
def test_finding13_item_actions_with_impossible_ids_answer_400(dashboard: Dashboard, action: str, item_id: str) -> None:
    """The operator's item actions answer 400 for an id no database can hold, never 500."""
    from tests.dashboard.conftest import csrf_of

    with dashboard.login("operator") as client:
        token = csrf_of(client.get("/queue").text)
        response = client.post(f"/items/{item_id}/{action}", data={"csrf": token, "note": "x"})
        assert response.status_code == 400


def test_finding13_sensible_values_still_work(dashboard: Dashboard) -> None:
    """In-range pages, dates and ids keep answering 200 (or 404 for an id that simply does not exist)."""
    with dashboard.login("viewer") as client:
        assert client.get("/runs?page=2&from=2026-01-01&to=2026-12-31").status_code == 200
        assert client.get("/audit?item=5&before=100").status_code == 200
        assert client.get("/items/123456").status_code == 404
