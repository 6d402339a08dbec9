"""Failure evidence from a page: a screenshot with the bot's ``mask`` selectors painted over, and the
page's HTML with the same elements blanked.

The runtime redacts the HTML afterwards (CPR numbers, secrets) and makes both files owner-only;
masking covers what redaction cannot see: pixels, and fields the bot knows are personal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Locator, Page

MASK_COLOUR = "#000000"
MASKED_TEXT = "[MASKED]"
_MARK = "data-sepbots-mask"
_MARK_SCRIPT = f"(elements) => elements.forEach((e) => e.setAttribute('{_MARK}', ''))"
# Serialise a copy of the document with the marked elements emptied (text and value), then unmark.
_MASKED_HTML_SCRIPT = f"""
(masked) => {{
  const copy = document.documentElement.cloneNode(true);
  for (const e of copy.querySelectorAll('[{_MARK}]')) {{
    e.removeAttribute('{_MARK}');
    if (e.hasAttribute('value')) e.setAttribute('value', masked);
    if (e.textContent.trim()) e.textContent = masked;
  }}
  for (const e of document.querySelectorAll('[{_MARK}]')) e.removeAttribute('{_MARK}');
  const doctype = document.doctype ? '<!DOCTYPE ' + document.doctype.name + '>' : '';
  return doctype + copy.outerHTML;
}}
"""


def mask_locators(page: Page, mask: Sequence[str]) -> list[Locator]:
    """Locators for the selectors to mask (Playwright selectors: CSS, ``text=``, ``:text-is()`` …)."""
    return [page.locator(selector) for selector in mask]


def save_screenshot(page: Page, path: Path, mask: Sequence[str]) -> None:
    """A full-page PNG with every element matching ``mask`` painted over."""
    page.screenshot(path=str(path), full_page=True, timeout=5000, mask=mask_locators(page, mask),
                    mask_color=MASK_COLOUR, animations="disabled")


def masked_html(page: Page, mask: Sequence[str]) -> str:
    """The page's HTML with every element matching ``mask`` (and input values set on it) blanked."""
    if not mask:
        return page.content()
    for locator in mask_locators(page, mask):
        locator.evaluate_all(_MARK_SCRIPT)
    return str(page.evaluate(_MASKED_HTML_SCRIPT, MASKED_TEXT))
