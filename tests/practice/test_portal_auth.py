"""Login, lockout, session expiry and CSRF of the practice portal, over real HTTP."""

from __future__ import annotations

import httpx

from tests.practice.conftest import Served, csrf, log_in


def test_anonymous_visitor_is_sent_to_login_and_back_after_logging_in(client: httpx.Client) -> None:
    """A protected page redirects to the login form, and a good login continues to that page."""
    page = client.get("/virksomheder")
    assert page.url.path == "/login"
    assert 'for="username">Brugernavn<' in page.text and 'for="password">Adgangskode<' in page.text
    done = client.post(
        "/login",
        data={
            "csrf_token": csrf(page),
            "username": "robot",
            "password": "robot-pass-1",
            "next": "/virksomheder",
        },
    )
    assert done.status_code == 200
    assert done.url.path == "/virksomheder"
    assert "Logget ind som <strong>robot</strong>" in done.text


def test_wrong_password_is_refused_with_a_danish_message(client: httpx.Client) -> None:
    """A wrong password answers 401 with "Forkert brugernavn eller adgangskode." and no session."""
    refused = log_in(client, password="forkert")
    assert refused.status_code == 401
    assert "Forkert brugernavn eller adgangskode." in refused.text
    assert client.get("/").url.path == "/login"


def test_account_locks_after_repeated_failures_and_unlocks_later(
    served: Served, client: httpx.Client
) -> None:
    """After lockout_after failures even the right password is refused until the lock time passes."""
    assert log_in(client, password="x1").status_code == 401
    assert log_in(client, password="x2").status_code == 401
    locked = log_in(client, password="x3")
    assert locked.status_code == 423 and "Kontoen er spærret" in locked.text
    assert log_in(client).status_code == 423
    served.clock.advance(minutes=16)
    assert log_in(client).url.path == "/"


def test_idle_session_expires_and_the_login_page_says_so(served: Served, client: httpx.Client) -> None:
    """After session_minutes without activity a page sends the user to login with an expiry notice."""
    log_in(client)
    served.clock.advance(minutes=19)
    assert client.get("/refusion/trin-1").url.path == "/refusion/trin-1"  # activity renews the session
    served.clock.advance(minutes=21)
    expired = client.get("/refusion/trin-1")
    assert expired.url.path == "/login"
    assert expired.url.params["udloebet"] == "1"
    assert "Din session er udløbet. Log ind igen." in expired.text


def test_post_without_the_session_csrf_token_is_refused(client: httpx.Client) -> None:
    """A form post whose CSRF token does not match the session answers 403 and changes nothing."""
    log_in(client)
    form = client.get("/refusion/trin-1")
    bad = client.post("/refusion/trin-1", data={"csrf_token": "forfalsket", "employer_cvr": "12345674"})
    assert bad.status_code == 403 and "Ugyldig formular" in bad.text
    page = client.get("/login")
    login = client.post("/login", data={"username": "robot", "password": "robot-pass-1"})
    assert login.status_code == 403
    assert csrf(form) and csrf(page)


def test_logout_ends_the_session(client: httpx.Client) -> None:
    """Logging out (with the CSRF token) makes protected pages ask for login again."""
    front = log_in(client)
    assert front.url.path == "/"
    out = client.post("/logout", data={"csrf_token": csrf(front)})
    assert out.url.path == "/login"
    assert client.get("/").url.path == "/login"


def test_login_cookie_is_a_new_session_id(client: httpx.Client) -> None:
    """Logging in replaces the anonymous session id, so a planted cookie never becomes logged in."""
    client.get("/login")
    before = client.cookies.get("praksisportal_session")
    log_in(client)
    after = client.cookies.get("praksisportal_session")
    assert before and after and before != after
