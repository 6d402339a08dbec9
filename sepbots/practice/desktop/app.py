"""The practice case system's window (Tk), driven by the keyboard like the legacy systems it imitates.

Keys: Tab/Shift+Tab between fields; Ctrl+S or Enter saves; Ctrl+N clears the form; F6 puts the
focus on the status line with its text selected (Ctrl+C copies it). The error dialog ("Fejl") is
modal; Enter, Escape or Space closes it and Ctrl+C copies its message, as a Windows message box does.

The status line has a 16×16 indicator at its left end, 4 px from the window's left and bottom
edges, whose colour tells a robot the state without reading text: grey ready, yellow saving,
green saved, red invalid input (``INDICATOR_COLOURS``).
"""

from __future__ import annotations

import tkinter as tk
from dataclasses import dataclass
from enum import StrEnum
from tkinter import ttk

from sepbots.clock import Clock, SystemClock
from sepbots.practice.desktop.records import JournalStore
from sepbots.practice.desktop.validation import (
    CATEGORIES,
    TEXTS,
    Field,
    JournalForm,
    Problem,
    parse_date,
    validate,
)


class Status(StrEnum):
    """What the status line shows."""

    READY = "ready"
    SAVING = "saving"
    SAVED = "saved"
    INVALID = "invalid"


INDICATOR_COLOURS: dict[Status, tuple[int, int, int]] = {
    Status.READY: (192, 192, 192),
    Status.SAVING: (255, 200, 0),
    Status.SAVED: (0, 160, 0),
    Status.INVALID: (200, 0, 0),
}
INDICATOR_OFFSET = 12
"""The indicator's centre is this many pixels from the window's left and bottom edges."""
WINDOW_SIZE = (640, 260)


@dataclass(frozen=True)
class Slowness:
    """How slow the case system is: ``delay_ms`` per save, on every save or every n-th.

    Args:
        delay_ms: how long a save takes.
        slow_every_n: 0 → every save is slow; n → only every n-th save is.
        startup_delay_ms: how long before the window appears.
    """

    delay_ms: int = 0
    slow_every_n: int = 0
    startup_delay_ms: int = 0

    def delay_for(self, save_number: int) -> int:
        """Milliseconds the ``save_number``-th save (1-based) takes."""
        if self.slow_every_n and save_number % self.slow_every_n:
            return 0
        return self.delay_ms


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


class JournalApp:
    """The main window and its error dialog.

    Args:
        root: the Tk root window.
        store: where saved documents go.
        slowness: simulated slowness.
        lang: ``"da"`` or ``"en"``.
        clock: time source for ``saved_at``.
    """

    def __init__(
        self,
        root: tk.Tk,
        store: JournalStore,
        *,
        slowness: Slowness = Slowness(),
        lang: str = "da",
        clock: Clock | None = None,
    ) -> None:
        self.root = root
        self.store = store
        self.slowness = slowness
        self.texts = TEXTS[lang]
        self.lang = lang
        self.clock = clock or SystemClock()
        self.saves = 0
        self.saving = False
        self.dialog: tk.Toplevel | None = None
        width, height = WINDOW_SIZE
        root.title(self.texts["window_title"])
        root.geometry(f"{width}x{height}+40+40")
        root.resizable(False, False)
        self.entries: dict[Field, ttk.Entry] = {}
        self._build_form()
        self._build_status()
        for sequence in ("<Control-s>", "<Control-S>", "<Return>", "<KP_Enter>"):
            root.bind(sequence, self._on_save)
        for sequence in ("<Control-n>", "<Control-N>"):
            root.bind(sequence, self._on_new)
        root.bind("<F6>", self._on_status_focus)
        self.set_status(Status.READY)
        self.entries[Field.CASE_NUMBER].focus_set()

    def _build_form(self) -> None:
        form = ttk.Frame(self.root, padding=10)
        form.pack(fill="x")
        for row, field in enumerate(Field):
            ttk.Label(form, text=self.texts[field.value]).grid(row=row, column=0, sticky="w", pady=3)
            widget: ttk.Entry
            if field is Field.CATEGORY:
                widget = ttk.Combobox(form, values=CATEGORIES, width=30)
            else:
                widget = ttk.Entry(form, width=48 if field is Field.TITLE else 20)
            widget.grid(row=row, column=1, sticky="w", pady=3)
            self.entries[field] = widget
        self.save_button = ttk.Button(form, text=self.texts["save"], command=self._on_save)
        self.save_button.grid(row=len(Field), column=1, sticky="w", pady=6)

    def _build_status(self) -> None:
        bar = tk.Frame(self.root, height=24, bd=0)
        bar.place(x=0, rely=1.0, y=-24, relwidth=1.0, height=24)
        self.indicator = tk.Frame(bar, width=16, height=16, bd=0, highlightthickness=0)
        self.indicator.place(x=INDICATOR_OFFSET - 8, y=0, width=16, height=16)
        self.status_text = tk.StringVar()
        self.status_entry = ttk.Entry(bar, textvariable=self.status_text, state="readonly", takefocus=False)
        self.status_entry.place(x=28, y=-2, relwidth=1.0, width=-36)

    # -- state -------------------------------------------------------------------------------

    def set_status(self, status: Status, text: str | None = None) -> None:
        """Show ``status`` in the indicator and the status line."""
        self.indicator.configure(background=_hex(INDICATOR_COLOURS[status]))
        self.status_entry.selection_clear()
        self.status_text.set(text if text is not None else self.texts[status.value])

    def form(self) -> JournalForm:
        """The form's current contents."""
        return JournalForm(*(self.entries[field].get() for field in Field))

    def clear(self) -> None:
        """Empty every field and put the focus in the first."""
        for entry in self.entries.values():
            entry.delete(0, "end")
        self.entries[Field.CASE_NUMBER].focus_set()

    # -- events ------------------------------------------------------------------------------

    def _on_new(self, _event: object = None) -> str:
        if not self.saving:
            self.clear()
            self.set_status(Status.READY)
        return "break"

    def _on_status_focus(self, _event: object = None) -> str:
        self.status_entry.focus_set()
        self.status_entry.selection_range(0, "end")
        return "break"

    def _on_save(self, _event: object = None) -> str:
        if self.saving or self.dialog is not None:
            return "break"
        self.saving = True
        self.saves += 1
        self.set_status(Status.SAVING)
        form = self.form()
        self.root.after(self.slowness.delay_for(self.saves), lambda: self._finish_save(form))
        return "break"

    def _finish_save(self, form: JournalForm) -> None:
        self.saving = False
        problems = validate(form, self.lang)
        if problems:
            self.set_status(Status.INVALID, self.texts["invalid"])
            self.show_error(problems)
            return
        document_date = parse_date(form.document_date.strip())
        assert document_date is not None
        case_number, title = form.case_number.strip(), form.title.strip()
        existing = self.store.find(case_number, title, document_date)
        if existing is not None:
            self.set_status(Status.INVALID, self.texts["invalid"])
            self.show_error([Problem(Field.TITLE, self.texts["duplicate"].format(journal_number=existing))])
            return
        number = self.store.save(case_number, title, document_date, form.category.strip(), self.clock.now())
        self.clear()
        self.set_status(Status.SAVED, self.texts["saved"].format(journal_number=number))

    def show_error(self, problems: list[Problem]) -> None:
        """Open the modal error dialog listing ``problems``; closing it focuses the first bad field."""
        message = "\n".join(problem.message for problem in problems)
        dialog = tk.Toplevel(self.root)
        self.dialog = dialog
        dialog.title(self.texts["error_title"])
        dialog.transient(self.root)
        dialog.resizable(False, False)
        dialog.geometry(f"+{self.root.winfo_rootx() + 60}+{self.root.winfo_rooty() + 60}")
        ttk.Label(dialog, text=message, padding=14, wraplength=420).pack()
        button = ttk.Button(dialog, text=self.texts["ok"])
        button.pack(pady=(0, 12))

        def close(_event: object = None) -> str:
            dialog.grab_release()
            dialog.destroy()
            self.dialog = None
            self.root.focus_force()
            self.entries[problems[0].field].focus_set()
            return "break"

        def copy(_event: object = None) -> str:
            self.root.clipboard_clear()
            self.root.clipboard_append(message)
            return "break"

        button.configure(command=close)
        for sequence in ("<Return>", "<KP_Enter>", "<Escape>", "<space>"):
            dialog.bind(sequence, close)
        for sequence in ("<Control-c>", "<Control-C>"):
            dialog.bind(sequence, copy)
        dialog.protocol("WM_DELETE_WINDOW", close)
        dialog.wait_visibility()
        dialog.grab_set()
        dialog.focus_force()
        button.focus_set()


def run_app(store: JournalStore, *, slowness: Slowness = Slowness(), lang: str = "da", clock: Clock | None = None) -> None:
    """Open the case system's window and run until it is closed."""
    root = tk.Tk()
    root.withdraw()
    app = JournalApp(root, store, slowness=slowness, lang=lang, clock=clock)

    def show() -> None:
        root.deiconify()
        root.focus_force()
        app.entries[Field.CASE_NUMBER].focus_set()

    root.after(slowness.startup_delay_ms, show)
    root.mainloop()
