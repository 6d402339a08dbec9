"""Browser launch settings (no Playwright import). The model lives with the other settings in
``sepbots.config``; this module re-exports it for the toolkit's users."""

from __future__ import annotations

from sepbots.config import BrowserSettings

__all__ = ["BrowserSettings"]
