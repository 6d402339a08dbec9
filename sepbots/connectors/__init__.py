"""Connectors to what municipal robots touch besides screens: mailboxes, alert channels, registers, Digital Post.

One module per connector; each returns pydantic models, retries transient failures only
(``sepbots.connectors.retry``), raises ``BusinessException`` with a code for bad data, has
timeouts, and logs through structlog (the installation's redaction removes CPR numbers and
secrets). Passwords and client secrets come from the vault (``ctx.credential(name)``).
"""

from sepbots.connectors.retry import RetryPolicy, TransientError, call_with_retry

__all__ = ["RetryPolicy", "TransientError", "call_with_retry"]
