"""The toolkit driving the practice case system on a real Xvfb display."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from sepbots.desktop import Desktop, DesktopSettings, DesktopTimeout
from sepbots.exceptions import StopRequested
from sepbots.practice.desktop import JournalStore

from .conftest import INVALID, READY, SAVED, PracticeApp, journal_number, start_app, stop_app

pytestmark = pytest.mark.desktop


def fill_form(desktop: Desktop, case: str, title: str, when: str, category: str) -> None:
    desktop.type_text(case)
    desktop.tab_to_field()
    desktop.type_text(title)
    desktop.tab_to_field()
    desktop.type_text(when)
    desktop.tab_to_field()
    desktop.type_text(category)


def test_the_app_saves_a_record_entered_by_keyboard(desktop: Desktop, practice_app: PracticeApp) -> None:
    """Typing the fields (æ, ø, å included), Tab between them and Ctrl+S stores exactly that record."""
    fill_form(desktop, "2026-001234", "Ansøgning om hjælp – Ærø", "01-02-2026", "Ansøgning")
    desktop.hotkey("ctrl", "s")
    assert desktop.wait_for_pixel(*practice_app.indicator, [SAVED, INVALID]) == SAVED
    desktop.press("f6")
    assert desktop.copy_text() == f"Gemt: journalnr. {journal_number(practice_app.db, 1)}"
    [record] = JournalStore(practice_app.db).records()
    assert (
        record.journal_number,
        record.case_number,
        record.title,
        record.document_date,
        record.category,
    ) == (journal_number(practice_app.db, 1), "2026-001234", "Ansøgning om hjælp – Ærø", date(2026, 2, 1), "Ansøgning")


def test_many_characters_missing_from_the_layout_arrive_intact(desktop: Desktop, practice_app: PracticeApp) -> None:
    """A text with ten characters Xvfb's US layout lacks is typed exactly, first time."""
    title = "Æble, Ørn & Åen – Müller, Café, Straße: 5 € (½) “citat”"
    fill_form(desktop, "2026-000010", title, "10-10-2026", "Notat")
    desktop.hotkey("ctrl", "s")
    desktop.wait_for_pixel(*practice_app.indicator, SAVED)
    assert [r.title for r in JournalStore(practice_app.db).records()] == [title]


def test_invalid_data_opens_a_modal_error_dialog_the_toolkit_detects(desktop: Desktop, practice_app: PracticeApp) -> None:
    """A bad case number opens the modal "Fejl" dialog; its text can be copied; nothing is saved."""
    fill_form(desktop, "2026-12", "Notat", "31-12-2026", "Notat")
    desktop.press("enter")
    dialog = desktop.wait_for_window("Fejl", exact=True)
    assert dialog.left >= practice_app.window.left
    desktop.activate(dialog)
    assert desktop.copy_text() == "Sagsnummer skal have formen ÅÅÅÅ-NNNNNN, fx 2026-001234."
    desktop.hotkey("ctrl", "s")  # the dialog is modal: the main window ignores this
    desktop.press("enter")
    desktop.wait_for_window_gone("Fejl", exact=True)
    assert desktop.pixel(*practice_app.indicator) == INVALID
    assert JournalStore(practice_app.db).records() == []


def test_after_the_dialog_the_form_can_be_corrected_and_saved(desktop: Desktop, practice_app: PracticeApp) -> None:
    """Closing the dialog returns the focus to the bad field, so a bot can correct it and save."""
    fill_form(desktop, "2026-001234", "Klage over afgørelse", "30-02-2026", "Klage")
    desktop.hotkey("ctrl", "s")
    desktop.wait_for_window("Fejl", exact=True)
    desktop.press("esc")
    desktop.wait_for_window_gone("Fejl", exact=True)
    desktop.press("end")
    desktop.press("backspace", presses=10)
    desktop.type_text("28-02-2026")
    desktop.hotkey("ctrl", "s")
    desktop.wait_for_pixel(*practice_app.indicator, SAVED)
    assert [r.document_date for r in JournalStore(practice_app.db).records()] == [date(2026, 2, 28)]


def test_a_slow_save_within_the_timeout_is_waited_for(desktop: Desktop, tmp_path: Path) -> None:
    """A save that takes 1.5 s is seen through by a pixel wait (30 s: room for a loaded machine)."""
    app = start_app(desktop, tmp_path / "slow.db", "--delay-ms", "1500")
    try:
        fill_form(desktop, "2026-000001", "Afgørelse", "02-01-2026", "Afgørelse")
        started = time.monotonic()
        desktop.hotkey("ctrl", "s")
        assert desktop.wait_for_pixel(*app.indicator, SAVED, timeout_s=30) == SAVED
        assert time.monotonic() - started >= 1.4
        assert len(JournalStore(app.db).records()) == 1
    finally:
        stop_app(app)


def test_a_wait_that_times_out_raises_and_leaves_a_screenshot(desktop: Desktop, tmp_path: Path) -> None:
    """A wait shorter than the app's 20 s save raises DesktopTimeout after ≥ its timeout; evidence is saved.

    The save is long so that the screenshot taken after the timeout still shows it in progress on a loaded
    machine (the test stops the app; it never waits for the save).
    """
    app = start_app(desktop, tmp_path / "slower.db", "--delay-ms", "20000")
    try:
        fill_form(desktop, "2026-000002", "Partshøring", "03-01-2026", "Partshøring")
        desktop.hotkey("ctrl", "s")
        started = time.monotonic()
        with pytest.raises(DesktopTimeout) as caught:
            desktop.wait_for_pixel(*app.indicator, SAVED, timeout_s=1.0)
        elapsed = time.monotonic() - started
        assert 1.0 <= elapsed < 15  # well before the app's 20 s save
        assert caught.value.timeout_s == 1.0
        files = desktop.capture_failure(tmp_path / "evidence", "item-1-attempt-1")
        png, listing = files
        assert png.name == "item-1-attempt-1.png"
        with Image.open(png) as image:
            assert image.size == (1280, 800)
            assert image.convert("RGB").getpixel(app.indicator) == (255, 200, 0)  # still saving
        assert "Sagssystem" in listing.read_text(encoding="utf-8")
    finally:
        stop_app(app)


def test_wait_for_image_finds_a_cut_of_the_screen(desktop: Desktop, practice_app: PracticeApp, tmp_path: Path) -> None:
    """An image cut from a screenshot is found again: the region found shows exactly the same pixels.

    (A plain stretch of the window may occur more than once, so the place itself is not pinned.)
    """
    window = practice_app.window
    region = (window.left + 5, window.top + 5, 120, 40)
    needle = tmp_path / "label.png"
    cut = desktop.screenshot(region)
    cut.save(needle)
    found = desktop.wait_for_image(needle, timeout_s=30, region=window.region)
    assert found[2:] == region[2:]
    assert desktop.screenshot(found).tobytes() == cut.tobytes()


def test_wait_for_image_times_out_when_the_image_is_absent(desktop: Desktop, tmp_path: Path) -> None:
    """An image that is not on screen makes the wait raise DesktopTimeout."""
    needle = tmp_path / "absent.png"
    Image.new("RGB", (30, 30), (1, 2, 3)).save(needle)
    with pytest.raises(DesktopTimeout, match="absent.png"):
        desktop.wait_for_image(needle, timeout_s=0.5)


def test_duplicate_document_is_refused_with_its_journal_number(desktop: Desktop, practice_app: PracticeApp) -> None:
    """Saving the same document on the same case twice opens the dialog naming the first journal number."""
    for _ in range(2):
        desktop.hotkey("ctrl", "n")
        desktop.wait_for_pixel(*practice_app.indicator, READY)
        fill_form(desktop, "2026-000003", "Notat om møde", "04-01-2026", "Notat")
        desktop.hotkey("ctrl", "s")
        desktop.wait_for_pixel(*practice_app.indicator, [SAVED, INVALID])
    desktop.activate(desktop.wait_for_window("Fejl", exact=True))
    assert desktop.copy_text() == f"Dokumentet findes allerede på sagen som journalnr. {journal_number(practice_app.db, 1)}."
    desktop.press("enter")
    assert len(JournalStore(practice_app.db).records()) == 1


def test_copy_text_never_returns_an_old_clipboard(desktop: Desktop, practice_app: PracticeApp) -> None:
    """copy_text empties the clipboard first, so copying nothing times out instead of returning stale text."""
    desktop.press("f6")
    assert desktop.copy_text() == "Klar"
    desktop.hotkey("ctrl", "n")  # focus moves to the empty case number field: nothing is selected
    with pytest.raises(DesktopTimeout, match="copied text"):
        desktop.copy_text(timeout_s=0.5)
    assert desktop.clipboard_text() == ""


def test_moving_the_mouse_into_a_corner_stops_the_bot(desktop: Desktop) -> None:
    """pyautogui's fail-safe is on and surfaces as StopRequested, which bot code cannot swallow."""
    desktop.gui.moveTo(0, 0)
    try:
        with pytest.raises(StopRequested):
            desktop.type_text("x")
    finally:
        desktop.gui.FAILSAFE = False  # type: ignore[attr-defined]  # pyautogui is set up through module attributes
        desktop.gui.moveTo(640, 400)
        desktop.gui.FAILSAFE = True  # type: ignore[attr-defined]  # pyautogui is set up through module attributes


def test_capture_failure_never_raises(tmp_path: Path) -> None:
    """Evidence capture returns no files, rather than raising, when it cannot write or never opened."""
    assert Desktop(DesktopSettings()).capture_failure(tmp_path, "never-opened") == []
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with Desktop(DesktopSettings(virtual_display=True)) as own:
        assert own.capture_failure(blocker, "x") == []
