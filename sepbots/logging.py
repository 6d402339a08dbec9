"""structlog, configured once per process: context, redaction, JSON lines to ``logs/``, console on a TTY.

Every event passes the redaction processor *after* exceptions are rendered, so a CPR number or a
secret in an exception message or a traceback is removed too. Third-party libraries that log
through the standard library go through the same chain.

State: this module keeps none of its own. ``configure_logging`` sets state that is one per process
by design and owned by structlog and the standard library: structlog's configuration, the root
logger's level and handlers (ours carry the handler name ``sepbots`` so that calling it again
replaces them and leaves other handlers alone), and logging's switches for collecting a record's
source line, thread and process, which nothing we write reads.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import structlog

from sepbots.files import private_dir, private_file
from sepbots.redaction import Redactor

_LEVELS: Final[Mapping[str, int]] = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
_ROOT = "sepbots"
_OURS = "sepbots"  # the name of every handler this module adds


# Values the logging chain itself fills in (never caller data), so not worth a redaction pass.
_CHAIN_KEYS = frozenset({"level", "logger", "timestamp"})
_REDACTABLE = (str, dict, list, tuple)
_RENDERED = "_sepbots_json"  # a record's JSON line, rendered once for every JSON-lines handler


class RedactProcessor:
    """structlog processor: redact every key and value in the event dict.

    Keys are usually ours (``item_id``), but ``log.info("x", **row)`` makes caller data a key; the
    redactor remembers keys found clean, so the usual vocabulary costs a set lookup per key.
    """

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor

    def __call__(self, _logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        redactor = self.redactor
        renamed: list[tuple[str, str]] = []
        for key, value in event_dict.items():
            if key in _CHAIN_KEYS:
                continue
            if (new_key := redactor.redact_key(key)) != key:
                renamed.append((key, new_key))
            if isinstance(value, _REDACTABLE):
                event_dict[key] = redactor.redact_obj(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                event_dict[key] = redactor.redact_int(value)
            elif isinstance(value, BaseException):
                event_dict[key] = redactor.redact(repr(value))
        for old, new in renamed:
            event_dict[new] = event_dict.pop(old)
        return event_dict


class _RenderJSONOnce:
    """Last structlog processor: renders the redacted JSON line here, once per event, and passes the
    event dict on to the standard library as usual.

    The JSON-lines handlers (``sepbots.jsonl`` and the run's ``log.jsonl``) write the rendered line as
    it is; other handlers (the console) still format the event dict. This skips the standard
    library formatter's copy of the record and its second processor chain for every event of ours —
    a runner logs a line per item, so this is most of what logging costs.
    """

    def __init__(self, redactor: Redactor) -> None:
        self._redact = RedactProcessor(redactor)
        self._render = structlog.processors.JSONRenderer(ensure_ascii=False)

    def __call__(self, logger: Any, method: str, event_dict: MutableMapping[str, Any]) -> Any:
        event = structlog.processors.dict_tracebacks(logger, method, dict(event_dict))
        line = self._render(logger, method, self._redact(logger, method, event))
        args, kwargs = structlog.stdlib.ProcessorFormatter.wrap_for_formatter(logger, method, event_dict)
        kwargs["extra"][_RENDERED] = line
        return args, kwargs


def _shared(redactor: Redactor) -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]


def configure_logging(
    *,
    logs_dir: Path | None,
    redactor: Redactor,
    level: str = "info",
    console: str = "auto",
    json_file: bool = True,
) -> None:
    """Configure structlog and the standard library's root logger (call once, at an entry point).

    Args:
        logs_dir: where ``sepbots.jsonl`` goes (rotated daily); None for no file.
        redactor: the installation's redactor.
        level: minimum level.
        console: ``auto`` (human-readable on a TTY), ``always`` or ``never``.
        json_file: write JSON lines to ``logs_dir``.
    """
    shared = _shared(redactor)
    redact = RedactProcessor(redactor)
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *shared, _RenderJSONOnce(redactor)],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    # Nothing we write uses a record's source file and line, thread or process fields; not collecting
    # them saves a stack walk per log call (the logging HOWTO's "Optimization" section).
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    for h in list(root.handlers):
        if h.get_name() == _OURS:
            root.removeHandler(h)
            h.close()
    root.setLevel(_LEVELS[level])
    if json_file and logs_dir is not None:
        private_dir(logs_dir)
        fh = logging.handlers.TimedRotatingFileHandler(
            private_file(logs_dir / "sepbots.jsonl"), when="midnight", backupCount=90, encoding="utf-8", utc=True
        )
        fh.setFormatter(json_formatter(redactor))
        fh.set_name(_OURS)
        root.addHandler(fh)
    if console == "always" or (console == "auto" and sys.stderr.isatty()):
        ch = logging.StreamHandler(sys.stderr)
        ch.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                foreign_pre_chain=shared,
                processors=[
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    redact,
                    structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty()),
                ],
            )
        )
        ch.set_name(_OURS)
        root.addHandler(ch)


class _JSONLineFormatter(structlog.stdlib.ProcessorFormatter):
    """Formats a record once, however many JSON-lines files it goes to (global log and run log)."""

    def format(self, record: logging.LogRecord) -> str:
        cached = record.__dict__.get(_RENDERED)  # our own events arrive rendered (``_RenderJSONOnce``)
        if cached is None:
            cached = super().format(record)
            record.__dict__[_RENDERED] = cached
        return cached


def json_formatter(redactor: Redactor) -> logging.Formatter:
    """A formatter writing one redacted JSON object per line."""
    return _JSONLineFormatter(
        foreign_pre_chain=_shared(redactor),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.dict_tracebacks,
            RedactProcessor(redactor),
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )


@contextmanager
def run_log_file(path: Path, redactor: Redactor) -> Iterator[None]:
    """Also write every log line to ``path`` (the run's own ``log.jsonl``) while the block runs."""
    private_dir(path.parent)
    handler = logging.FileHandler(private_file(path), encoding="utf-8")
    handler.setFormatter(json_formatter(redactor))
    handler.set_name(_OURS)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()


def get_logger(name: str = _ROOT, **bind: Any) -> structlog.stdlib.BoundLogger:
    """A structlog logger; ``bind`` adds key-values to every event."""
    return structlog.stdlib.get_logger(name).bind(**bind)
