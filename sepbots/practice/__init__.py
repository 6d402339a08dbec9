"""Practice targets that behave like municipal systems, for tests, demos and benchmarks.

``sepbots.practice.portal`` is a small server-rendered web app (login, session expiry, CSRF,
a multi-step refund form, a company lookup, chaos settings); ``sepbots.practice.server``
serves any ASGI app in a background thread; ``sepbots.practice.data`` generates the data.
"""

from __future__ import annotations
