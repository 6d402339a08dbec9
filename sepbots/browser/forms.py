"""The in-page script that fills a whole form by its labels in one round trip.

Playwright's ``fill`` checks and fills one control per call; a form of eight fields costs eight
round trips to the browser. ``FILL_SCRIPT`` finds every control through its ``<label>`` (the
``for`` attribute or a nested control), sets text fields, selects and checkboxes, fires ``input``
and ``change`` events as typing would, and optionally presses a submit button — all in one call.
"""

from __future__ import annotations

from collections.abc import Mapping

FieldValue = str | bool

FILL_SCRIPT = """
([entries, button]) => {
  const norm = (s) => (s || "").replace(/\\s+/g, " ").trim();
  const labels = Array.from(document.querySelectorAll("label"));
  const missing = [];
  for (const [name, value] of entries) {
    const label = labels.find((l) => norm(l.textContent) === name);
    const control = label && (label.control || (label.htmlFor && document.getElementById(label.htmlFor)));
    if (!control) { missing.push("label " + JSON.stringify(name)); continue; }
    if (control.type === "checkbox" || control.type === "radio") {
      control.checked = value === true || value === "true";
    } else if (control.tagName === "SELECT") {
      const option = Array.from(control.options)
        .find((o) => o.value === value || norm(o.textContent) === value);
      if (!option) {
        missing.push("option " + JSON.stringify(value) + " in " + JSON.stringify(name));
        continue;
      }
      control.value = option.value;
    } else {
      control.value = value;
    }
    control.dispatchEvent(new Event("input", { bubbles: true }));
    control.dispatchEvent(new Event("change", { bubbles: true }));
  }
  let target = null;
  if (button !== null) {
    target = Array.from(document.querySelectorAll("button, input[type=submit]"))
      .find((b) => norm(b.textContent || b.value) === button);
    if (!target) missing.push("button " + JSON.stringify(button));
  }
  if (missing.length === 0 && target) {
    setTimeout(() => target.form ? target.form.requestSubmit(target) : target.click(), 0);
  }
  return missing;
}
"""


def script_args(values: Mapping[str, FieldValue], button: str | None) -> list[object]:
    """The argument list for :data:`FILL_SCRIPT`."""
    return [[[label, value] for label, value in values.items()], button]
