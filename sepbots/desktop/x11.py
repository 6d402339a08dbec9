"""The X11 side of the toolkit, on python-xlib (already a pyautogui dependency on Linux).

- Windows: the window manager's client list when there is one, else the root's children (a bare
  Xvfb has no window manager); titles from ``_NET_WM_NAME`` (UTF-8) or ``WM_NAME``.
- Typing: XTest key events. pyautogui silently drops characters the keyboard layout lacks
  (``æ``, ``ø``, ``å`` on Xvfb's US layout), so text is typed here: a character missing from the
  layout is bound to a spare keycode (as xdotool does) and kept bound until ``close()``.
- Clipboard: an ICCCM ``CLIPBOARD`` → ``UTF8_STRING`` conversion on a private window.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

from Xlib import XK, X
from Xlib import error as xerror
from Xlib.display import Display
from Xlib.ext import xtest

from sepbots.desktop.errors import DesktopError
from sepbots.desktop.windows import Window

_CLIPBOARD_TIMEOUT_S = 2.0
_REBIND_PAUSE_S = 0.2
_MAPPING_SETTLE_S = 0.05


def open_display(name: str) -> Display:
    """Connect to X display ``name``.

    python3-xlib (pyautogui's pin) reads the Xauthority file without closing it; the resulting
    ResourceWarning is the library's, so it is silenced here rather than in every caller.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        return Display(name)


def _keysym_for(char: str) -> int:
    """The X keysym of a character: Latin-1 keysyms equal their code point, others are 0x1000000+."""
    code = ord(char)
    if char == "\n":
        return XK.XK_Return
    if char == "\t":
        return XK.XK_Tab
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
        return code
    return 0x01000000 | code


class X11WindowSystem:
    """Windows, keyboard and clipboard on one X display.

    Args:
        display_name: e.g. ``":1"``.
    """

    def __init__(self, display_name: str) -> None:
        try:
            self._display = open_display(display_name)
        except (xerror.DisplayError, xerror.XauthError, OSError) as exc:
            raise DesktopError(f"kan ikke forbinde til X-skærmen / cannot connect to X display {display_name}: {exc}") from exc
        self._root = self._display.screen().root
        self._spares: list[int] | None = None
        self._bound: dict[int, int] = {}
        self._helper: Any = None
        self._shift = self._display.keysym_to_keycode(XK.XK_Shift_L)

    def _atom(self, name: str) -> int:
        return self._display.intern_atom(name)

    def _title(self, window: Any) -> str:
        prop = window.get_full_property(self._atom("_NET_WM_NAME"), self._atom("UTF8_STRING"))
        if prop is not None and prop.value:
            value = prop.value
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        name = window.get_wm_name()
        if isinstance(name, bytes):
            return name.decode("latin-1")
        return name or ""

    def _top_level(self) -> list[Any]:
        for list_name in ("_NET_CLIENT_LIST_STACKING", "_NET_CLIENT_LIST"):
            prop = self._root.get_full_property(self._atom(list_name), X.AnyPropertyType)
            if prop is not None and len(prop.value):
                return [self._display.create_resource_object("window", wid) for wid in prop.value]
        return list(self._root.query_tree().children)

    def windows(self) -> list[Window]:
        """Visible, titled top-level windows, bottom of the stack first."""
        found = []
        for window in self._top_level():
            try:
                if window.get_attributes().map_state != X.IsViewable:
                    continue
                title = self._title(window)
                if not title:
                    continue
                geometry = window.get_geometry()
                origin = self._root.translate_coords(window, 0, 0)
            except xerror.XError:  # the window went away while we looked at it
                continue
            found.append(Window(title, origin.x, origin.y, geometry.width, geometry.height, window.id))
        return found

    def activate(self, window: Window) -> None:
        """Raise the window and give it the keyboard focus (via the window manager if any)."""
        target = self._display.create_resource_object("window", window.handle)
        supported = self._root.get_full_property(self._atom("_NET_SUPPORTED"), X.AnyPropertyType)
        active = self._atom("_NET_ACTIVE_WINDOW")
        try:
            if supported is not None and active in supported.value:
                from Xlib.protocol import event

                message = event.ClientMessage(window=target, client_type=active, data=(32, [2, X.CurrentTime, 0, 0, 0]))
                mask = X.SubstructureRedirectMask | X.SubstructureNotifyMask
                self._root.send_event(message, event_mask=mask)
            else:
                target.configure(stack_mode=X.Above)
                target.set_input_focus(X.RevertToParent, X.CurrentTime)
            self._display.sync()
        except xerror.XError as exc:
            raise DesktopError(f"vinduet {window.title!r} kan ikke aktiveres / cannot activate window {window.title!r}: {exc}") from exc

    def _bind(self, keysym: int) -> int:
        """A keycode that types ``keysym``, binding a spare keycode the first time.

        Bindings stay for the session and are undone by ``close()``: the application reads the
        keyboard mapping when it handles the key event, maybe later than we send it, so a keycode
        must not be rebound while keys typed with it may still be queued.
        """
        if keysym in self._bound:
            return self._bound[keysym]
        if self._spares is None:
            first = self._display.display.info.min_keycode
            count = self._display.display.info.max_keycode - first + 1
            mapping = self._display.get_keyboard_mapping(first, count)
            self._spares = [first + offset for offset, keysyms in enumerate(mapping) if not any(keysyms)]
        if self._spares:
            keycode = self._spares.pop(0)
        else:  # every spare is bound: reuse the oldest binding once queued keys have been read
            if not self._bound:
                raise DesktopError("ingen ledig tastekode til tegn, tastaturlayoutet mangler / "
                                   "no spare keycode to type characters the keyboard layout lacks")
            oldest = next(iter(self._bound))
            keycode = self._bound.pop(oldest)
            time.sleep(_REBIND_PAUSE_S)
        self._display.change_keyboard_mapping(keycode, [(keysym, keysym)])
        self._display.sync()
        self._bound[keysym] = keycode
        return keycode

    def _tap(self, keycode: int, *, shift: bool = False) -> None:
        if shift:
            xtest.fake_input(self._display, X.KeyPress, self._shift)
        xtest.fake_input(self._display, X.KeyPress, keycode)
        xtest.fake_input(self._display, X.KeyRelease, keycode)
        if shift:
            xtest.fake_input(self._display, X.KeyRelease, self._shift)

    def _plan(self, char: str) -> tuple[int, bool] | None:
        """The (keycode, shift) that types ``char`` on the current layout, or None if it lacks it."""
        keysym = _keysym_for(char)
        keycode = self._display.keysym_to_keycode(keysym)
        if keycode and self._display.keycode_to_keysym(keycode, 0) == keysym:
            return keycode, False
        if keycode and self._display.keycode_to_keysym(keycode, 1) == keysym:
            return keycode, True
        if keysym in self._bound:
            return self._bound[keysym], False
        return None

    def type_text(self, text: str, interval_s: float = 0.0) -> None:
        """Type ``text`` as key presses, whatever the keyboard layout.

        Characters the layout lacks are bound to spare keycodes *before* the first key is sent,
        followed by a short pause: applications fetch the new mapping lazily, and a key that
        arrives while they are still catching up with several mapping changes can be lost.

        Args:
            text: any characters; ``\\n`` presses Return and ``\\t`` Tab.
            interval_s: pause between characters.
        """
        missing = [char for char in dict.fromkeys(text) if self._plan(char) is None]
        for char in missing:
            self._bind(_keysym_for(char))
        if missing:
            time.sleep(_MAPPING_SETTLE_S)
        try:
            for char in text:
                plan = self._plan(char)
                if plan is None:  # a spare keycode was reused for another character meanwhile
                    plan = self._bind(_keysym_for(char)), False
                    time.sleep(_MAPPING_SETTLE_S)
                keycode, shift = plan
                self._tap(keycode, shift=shift)
                if interval_s > 0:
                    self._display.sync()
                    time.sleep(interval_s)
        finally:
            self._display.sync()  # the server has every key before pyautogui's connection sends more
            self._drain_events()

    def _drain_events(self) -> None:
        while self._display.pending_events():
            self._display.next_event()

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        """The colour of one screen pixel, read over this connection (no screenshot)."""
        try:
            image = self._root.get_image(x, y, 1, 1, X.ZPixmap, 0xFFFFFFFF)
        except xerror.XError as exc:
            raise DesktopError(f"pixlen kan ikke læses / cannot read the pixel at ({x}, {y}): {exc}") from exc
        data = image.data if isinstance(image.data, bytes) else bytes(image.data, "latin-1")
        if self._display.display.info.image_byte_order == X.MSBFirst:  # 32-bit pixels: X R G B
            return data[1], data[2], data[3]
        return data[2], data[1], data[0]  # B G R X

    def clipboard_text(self) -> str:
        """The text on the ``CLIPBOARD`` selection, "" if nobody owns it or it is not text."""
        clipboard = self._atom("CLIPBOARD")
        if self._display.get_selection_owner(clipboard) == X.NONE:
            return ""
        if self._helper is None:
            self._helper = self._root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        target, prop = self._atom("UTF8_STRING"), self._atom("SEPBOTS_CLIPBOARD")
        self._helper.convert_selection(clipboard, target, prop, X.CurrentTime)
        self._display.flush()
        deadline = time.monotonic() + _CLIPBOARD_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self._display.pending_events():
                time.sleep(0.005)
                continue
            event = self._display.next_event()
            if event.type != X.SelectionNotify or event.requestor != self._helper:
                continue
            if event.property == X.NONE:
                return ""
            value = self._helper.get_full_property(prop, X.AnyPropertyType)
            self._helper.delete_property(prop)
            if value is None:
                return ""
            data = value.value
            return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        raise DesktopError(f"udklipsholderens ejer svarede ikke inden for {_CLIPBOARD_TIMEOUT_S:g} s / "
                           f"the clipboard owner did not answer within {_CLIPBOARD_TIMEOUT_S:g} s")

    def clear_clipboard(self) -> None:
        """Empty the ``CLIPBOARD`` selection (its owner is told it lost it)."""
        from Xlib.protocol import request

        request.SetSelectionOwner(
            display=self._display.display,
            window=X.NONE,
            selection=self._atom("CLIPBOARD"),
            time=X.CurrentTime,
        )
        self._display.sync()

    def close(self) -> None:
        """Close the connection to the X server."""
        try:
            for keycode in self._bound.values():
                self._display.change_keyboard_mapping(keycode, [(0, 0)])
            self._bound.clear()
            if self._helper is not None:
                self._helper.destroy()
            self._display.close()
        except xerror.XError:
            pass
