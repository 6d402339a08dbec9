"""The dashboard over real HTTP: access control, CSRF, rate limit, pages, actions and artifacts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from sepbots import BotContext, Runner, WorkItem, bot
from sepbots.store.schema import audit_log, work_items
from sepbots.workitems.models import NewItem
from tests.dashboard.conftest import Dashboard, csrf_of
from tests.dashboard.seed import seed_run


def test_anonymous_visitors_are_sent_to_login(dashboard: Dashboard) -> None:
    """Every page except the login page redirects an anonymous visitor to /login with a next link."""
    with dashboard.client() as client:
        for path in ["/", "/runs", "/queue", "/audit", "/items/1", "/artifacts/x.png"]:
            response = client.get(path)
            assert response.status_code == 303
            assert response.headers["location"].startswith("/login?next=")
        assert client.get("/login").status_code == 200
        assert client.post("/items/1/retry", data={"csrf": "x"}).headers["location"] == "/login?next=/"


def test_login_requires_the_form_csrf_token(dashboard: Dashboard) -> None:
    """A login POST without the double-submit token is refused even with the right password."""
    with dashboard.client() as client:
        client.get("/login")
        response = client.post("/login", data={"username": "admin", "password": "korrekt-hest-batteri"})
        assert response.status_code == 403
        assert "sepbots_session" not in client.cookies


def test_wrong_passwords_are_rate_limited(dashboard: Dashboard) -> None:
    """After five wrong passwords in five minutes even the right one is refused until the window passes."""
    with dashboard.client() as client:
        client.get("/login")
        token = client.cookies["sepbots_login_csrf"]
        for _ in range(5):
            r = client.post("/login", data={"username": "operator", "password": "forkert-kode!", "csrf": token})
            assert r.status_code == 401
            assert "Forkert brugernavn eller adgangskode" in r.text
        r = client.post("/login", data={"username": "operator", "password": "korrekt-hest-batteri", "csrf": token})
        assert r.status_code == 429
        dashboard.clock.advance(minutes=6)
        r = client.post("/login", data={"username": "operator", "password": "korrekt-hest-batteri", "csrf": token})
        assert r.status_code == 303
    with dashboard.store.engine.connect() as conn:
        events = [e for (e,) in conn.execute(select(audit_log.c.event).order_by(audit_log.c.seq))]
    assert events == ["dashboard_login_failed"] * 5 + ["dashboard_login"]


def test_pages_render_in_danish_with_danish_formats(dashboard: Dashboard) -> None:
    """Overview, runs, run, item, queue and audit render in Danish with dd-mm-yyyy times and 1.234 numbers."""
    run_id, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    with dashboard.login("viewer") as client:
        overview = client.get("/")
        assert overview.status_code == 200
        assert "emner venter på manuel behandling" in overview.text
        assert 'id="waiting">2<' in overview.text
        runs_page = client.get("/runs?status=failed")
        assert "27.11.2026 13:30" in runs_page.text  # 12:30 UTC in Copenhagen
        run = client.get(f"/runs/{run_id}")
        assert "12,3 s" in run.text and "manuel behandling" in run.text
        assert "010203-1234" not in run.text and "[CPR:" in run.text
        item = client.get(f"/items/{ids['sag-4']}")
        assert "/artifacts/" not in item.text and "kun operatører og administratorer" in item.text
        assert "item_released" in item.text and "0102031234" not in item.text
        assert client.get("/queue").text.count("/items/") == 2
        assert client.get("/audit").status_code == 200


def test_english_switch_changes_texts_and_formats(dashboard: Dashboard) -> None:
    """The language link stores English in a cookie; pages then use English texts and ISO dates."""
    seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    with dashboard.login("viewer") as client:
        r = client.get("/lang/en?next=/runs")
        assert r.headers["location"] == "/runs"
        page = client.get("/runs")
        assert "2026-11-27 13:30" in page.text and "Runs" in page.text
        assert client.get("/lang/en?next=//evil.example").headers["location"] == "/"


def test_viewer_gets_403_on_actions(dashboard: Dashboard) -> None:
    """A viewer with a valid CSRF token is refused operator actions, and the item is unchanged."""
    _, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    with dashboard.login("viewer") as client:
        page = client.get(f"/items/{ids['sag-4']}")
        assert 'id="retry"' not in page.text
        r = client.post(f"/items/{ids['sag-4']}/retry", data={"csrf": csrf_of(page.text)})
        assert r.status_code == 403
    with dashboard.store.engine.connect() as conn:
        assert conn.execute(select(work_items.c.state).where(work_items.c.id == ids["sag-4"])).scalar() == "failed"


def test_posts_without_session_csrf_are_refused(dashboard: Dashboard) -> None:
    """An operator's POST without (or with a wrong) CSRF token gets 403 and changes nothing."""
    _, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    with dashboard.login("operator") as client:
        assert client.post(f"/items/{ids['sag-4']}/retry").status_code == 403
        assert client.post(f"/items/{ids['sag-4']}/retry", data={"csrf": "nope"}).status_code == 403
        assert client.post("/logout").status_code == 403
    with dashboard.store.engine.connect() as conn:
        assert conn.execute(select(work_items.c.state).where(work_items.c.id == ids["sag-4"])).scalar() == "failed"


def test_operator_retry_and_handle_are_audited(dashboard: Dashboard) -> None:
    """Retry puts the item back as new with one more attempt; handling records the note; both are audited."""
    run_id, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    with dashboard.login("operator") as client:
        page = client.get(f"/items/{ids['sag-4']}")
        r = client.post(f"/items/{ids['sag-4']}/retry", data={"csrf": csrf_of(page.text)})
        assert r.status_code == 303 and r.headers["location"].endswith("?done=retry")
        again = client.post(f"/items/{ids['sag-4']}/retry", data={"csrf": csrf_of(page.text)})
        assert again.status_code == 409
        r = client.post(
            f"/items/{ids['sag-3']}/handle", data={"csrf": csrf_of(page.text), "note": "Rettet i KMD, cpr 0102031234"}
        )
        assert r.status_code == 303
        audit = client.get("/audit?actor=operator")
        assert "item_retry_requested" in audit.text and "item_handled" in audit.text
    with dashboard.store.engine.connect() as conn:
        retried = conn.execute(select(work_items).where(work_items.c.id == ids["sag-4"])).one()
        handled = conn.execute(select(work_items).where(work_items.c.id == ids["sag-3"])).one()
    assert (retried.state, retried.attempts, retried.max_attempts) == ("new", 3, 4)
    assert retried.next_attempt_at == dashboard.clock.now()
    assert (handled.state, handled.handled_by) == ("business_exception", "operator")
    assert handled.handled_note.startswith("Rettet i KMD, cpr [CPR:") and "0102031234" not in handled.handled_note


def test_handling_time_is_measured_from_opening_or_entered(dashboard: Dashboard) -> None:
    """An operator opening a waiting item starts its handling time; marking it handled 4 minutes later
    records 4.00 min (opened); entered minutes win; a viewer opening an item starts nothing; all audited."""
    run_id, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    with dashboard.login("viewer") as client:
        client.get(f"/items/{ids['sag-3']}")
    with dashboard.store.engine.connect() as conn:
        assert conn.execute(select(work_items.c.handling_opened_at).where(work_items.c.id == ids["sag-3"])).scalar() is None
    with dashboard.login("operator") as client:
        page = client.get(f"/items/{ids['sag-3']}")
        assert 'name="minutes"' in page.text
        dashboard.clock.advance(minutes=4)
        client.get(f"/items/{ids['sag-3']}")  # opening again does not restart the clock
        r = client.post(f"/items/{ids['sag-3']}/handle", data={"csrf": csrf_of(page.text), "note": "rettet"})
        assert r.status_code == 303
        page = client.get(f"/items/{ids['sag-4']}")
        bad = client.post(f"/items/{ids['sag-4']}/handle",
                          data={"csrf": csrf_of(page.text), "note": "rettet", "minutes": "ti"})
        assert bad.status_code == 409 and "ti" in bad.text
        r = client.post(f"/items/{ids['sag-4']}/handle",
                        data={"csrf": csrf_of(page.text), "note": "rettet", "minutes": "2,5"})
        assert r.status_code == 303
    with dashboard.store.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(work_items).where(work_items.c.id.in_([ids["sag-3"], ids["sag-4"]])))}
        details = [r.details for r in conn.execute(select(audit_log.c.details).where(audit_log.c.event == "item_handled")
                                                   .order_by(audit_log.c.seq))]
    assert (rows[ids["sag-3"]].handling_minutes, rows[ids["sag-3"]].handling_source) == (Decimal("4.00"), "opened")
    assert (rows[ids["sag-4"]].handling_minutes, rows[ids["sag-4"]].handling_source) == (Decimal("2.50"), "entered")
    assert [(d["minutes"], d["measured"]) for d in details] == [("4.00", "opened"), ("2.50", "entered")]


def test_artifacts_are_served_only_from_runs_dir(dashboard: Dashboard) -> None:
    """A screenshot is served as a PNG to an operator; traversal outside runs_dir, files no item lists
    (the run's log) and missing files give 404."""
    run_id, _ = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    secret = dashboard.settings.var_dir / "secret.png"
    secret.write_bytes(b"\x89PNG top secret")
    with dashboard.login("operator") as client:
        r = client.get(f"/artifacts/{run_id}/items/sag-4.png")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        assert r.content.startswith(b"\x89PNG")
        for bad in ["../secret.png", "..%2Fsecret.png", f"{run_id}/../../secret.png", "%2Fetc%2Fpasswd", "nope.png",
                    f"{run_id}/log.jsonl"]:
            assert client.get(f"/artifacts/{bad}").status_code == 404, bad


def test_disabled_user_loses_session(dashboard: Dashboard) -> None:
    """Disabling a user ends their live session at the next request."""
    from sepbots.dashboard import users

    with dashboard.login("operator") as client:
        assert client.get("/").status_code == 200
        with dashboard.store.begin() as conn:
            users.set_active(conn, "operator", False)
        assert client.get("/").status_code == 303


def test_security_headers_and_cookie_flags(dashboard: Dashboard) -> None:
    """Pages carry a strict CSP and no-store; the session cookie is HttpOnly and SameSite=Lax."""
    with dashboard.client() as client:
        client.get("/login")
        token = client.cookies["sepbots_login_csrf"]
        r = client.post("/login", data={"username": "viewer", "password": "korrekt-hest-batteri", "csrf": token})
        cookie = r.headers["set-cookie"]
        assert "sepbots_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        page = client.get("/")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"


def test_admin_disables_a_user_and_operators_cannot(dashboard: Dashboard) -> None:
    """Only admins see /users; disabling a viewer ends the viewer's session and is audited with the admin."""
    with dashboard.login("operator") as operator:
        assert operator.get("/users").status_code == 403
        token = csrf_of(operator.get("/").text)
        assert operator.post("/users/viewer/disable", data={"csrf": token}).status_code == 403
    with dashboard.login("viewer") as viewer, dashboard.login("admin") as admin:
        page = admin.get("/users")
        assert page.status_code == 200 and "Brugere af driftsoverblikket" in page.text
        r = admin.post("/users/viewer/disable", data={"csrf": csrf_of(page.text)})
        assert r.status_code == 303
        assert viewer.get("/").status_code == 303
        assert admin.post("/users/admin/disable", data={"csrf": csrf_of(page.text)}).status_code == 409
        assert admin.post("/users/nobody/disable", data={"csrf": csrf_of(page.text)}).status_code == 404
        assert "user_disabled" in admin.get("/audit?actor=admin").text


def test_every_page_has_all_texts_in_both_languages(dashboard: Dashboard) -> None:
    """No page shows a raw message key in Danish or English (every text exists in both catalogues)."""
    import re

    run_id, ids = seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now())
    raw_key = re.compile(
        r">[^<]*\b(?:app|nav|role|login|error|state|status|trigger|errorkind|col|filter|page|overview|runs|run|item"
        r"|queue|audit|users|schedules|catalogue|gains|notconfigured)\.(?!toml\b|yaml\b)[a-z_]+\b"
    )
    pages = ["/", "/runs", f"/runs/{run_id}", f"/items/{ids['sag-4']}", f"/items/{ids['sag-3']}", "/queue",
             "/audit", "/users", "/schedules", "/catalogue", "/gains", "/nope"]
    with dashboard.login("admin") as client:
        for lang in ("da", "en"):
            client.get(f"/lang/{lang}")
            for path in pages:
                text = client.get(path).text
                found = raw_key.search(text)
                assert found is None, (lang, path, found.group(0) if found else "")


class Case(BaseModel):
    n: int


@bot(name="hurtig", max_attempts=2)
def hurtig(item: WorkItem[Case], ctx: BotContext[Any]) -> None:
    return None


def test_an_item_page_shows_the_batch_audit_rows_that_claimed_and_released_the_item(dashboard: Dashboard) -> None:
    """A fast bot's claims and releases are batch rows in the trail; the item page shows the item's entries."""
    env = dashboard.env
    with env.store.begin() as conn:
        env.queues.add(conn, "hurtig", [NewItem(reference=f"c{i}", payload=Case(n=i)) for i in range(40)],
                       max_attempts=2, run_id=None, actor="test")
    assert Runner(env).run(hurtig, produce=False).counts.done == 40
    with env.store.engine.connect() as conn:
        item_id = conn.execute(select(work_items.c.id).where(work_items.c.reference == "c20")).scalar_one()
    with dashboard.login("viewer") as client:
        page = client.get(f"/items/{item_id}").text
    audit = page[page.index("<h2>Revisionsspor</h2>"):]
    assert "items_claimed" in audit and "items_released" in audit
    assert "state=done" in audit and "attempt=1" in audit and "batch=" in audit
    with dashboard.login("viewer") as client:
        filtered = client.get(f"/audit?item={item_id}").text
        only_claims = client.get(f"/audit?item={item_id}&event=items_claimed").text
    assert "items_claimed" in filtered and "items_released" in filtered and f'href="/items/{item_id}"' in filtered
    assert "items_claimed" in only_claims and "items_released" not in only_claims
