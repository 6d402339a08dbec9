"""Verifying the audit chain: every row, its links, neutralisations, the keyed head and installation.

A full verify walks every row; an incremental one starts at the last verified point (a keyed
record in ``audit_verified``) and reads only the rows after it, plus the older rows a newer
neutralisation event blanked. Rows are streamed in batches and checked with as little work per
row as possible: the details are read as stored text and hashed as they are (sepbots stores them
as canonical JSON), parsed only when that text is not canonical.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Text, cast, select, text
from sqlalchemy.exc import SQLAlchemyError

from sepbots.audit_seal import GENESIS, Sealer, canonical, read_installation, record_verified, row_fields
from sepbots.i18n import Catalog
from sepbots.store.schema import audit_head, audit_log, audit_verified

NEUTRALISED_EVENT = "details_neutralised"


class ChainProblem(enum.StrEnum):
    """Why the chain does not verify."""

    ROW_MISSING = "row_missing"
    ROW_DUPLICATED = "row_duplicated"
    LINK_BROKEN = "link_broken"
    DETAILS_EDITED = "details_edited"
    ROW_EDITED = "row_edited"
    TAIL_DELETED = "tail_deleted"
    HEAD_MISSING = "head_missing"
    HEAD_FORGED = "head_forged"
    NO_INSTALLATION = "no_installation"
    INSTALLATION_FORGED = "installation_forged"
    NEUTRALISED_NOT_BLANK = "neutralised_not_blank"
    NEUTRALISED_UNRECORDED = "neutralised_unrecorded"
    NEUTRALISATION_MISMATCH = "neutralisation_mismatch"
    VERIFIED_POINT_FORGED = "verified_point_forged"
    REWRITTEN = "rewritten"
    CHECKPOINT_FORGED = "checkpoint_forged"
    CHECKPOINT_OTHER_INSTALLATION = "checkpoint_other_installation"
    CHECKPOINT_MISSING = "checkpoint_missing"
    CHECKPOINT_DIFFERS = "checkpoint_differs"
    UNREADABLE = "unreadable"

    def text(self, lang: str = "en", **values: object) -> str:
        return _TEXTS(lang, self.value, **values)


_TEXTS = Catalog({
    "row_missing": ("rækken mangler (slettede eller ombyttede rækker)", "the row is missing (deleted or reordered rows)"),
    "row_duplicated": ("rækken mangler (dublerede rækker)", "the row is missing (duplicated rows)"),
    "link_broken": ("kæden til forrige række er brudt (række indsat, slettet eller flyttet)",
                    "the link to the previous row is broken (row inserted, deleted or reordered)"),
    "details_edited": ("rækkens detaljer er ændret", "the row's details were edited"),
    "row_edited": ("rækken er ændret (hash passer ikke)", "the row was edited (hash mismatch)"),
    "tail_deleted": ("rækker i slutningen af sporet er slettet", "rows at the end of the trail were deleted"),
    "head_missing": ("kædens hoved mangler (sporet er tømt)", "the chain head is missing (the trail was emptied)"),
    "head_forged": ("kædens hoved har ikke et gyldigt segl (spoleret tilbage eller forfalsket)",
                    "the chain head's seal does not match (the head was rewound or forged)"),
    "no_installation": ("installationsposten mangler (databasen er udskiftet, tømt eller oprettet uden nøglen)",
                        "the installation record is missing (the database was replaced, emptied or set up "
                        "without its key)"),
    "installation_forged": ("installationspostens segl passer ikke (databasen er udskiftet eller posten forfalsket)",
                            "the installation record's seal does not match (the database was replaced or the "
                            "record forged)"),
    "neutralised_not_blank": ("rækken er mærket neutraliseret, men har stadig detaljer",
                              "the row is marked neutralised but still holds details"),
    "neutralised_unrecorded": ("rækken er mærket neutraliseret uden en tilhørende neutraliseringshændelse",
                               "the row is marked neutralised without a matching neutralisation event"),
    "neutralisation_mismatch": ("neutraliseringshændelsen passer ikke med de rækker, der er mærket neutraliseret",
                                "the neutralisation event does not match the rows marked neutralised"),
    "verified_point_forged": ("det sidst kontrollerede punkt har ikke et gyldigt segl",
                              "the seal of the last verified point does not match"),
    "rewritten": ("rækken er ændret, efter den blev kontrolleret (kæden er omskrevet)",
                  "the row changed after it was verified (the chain was rewritten)"),
    "checkpoint_forged": ("kontrolpunktfilens segl passer ikke (ændret eller lavet med en anden nøgle)",
                          "the checkpoint file's seal does not match (edited, or made with another key)"),
    "checkpoint_other_installation": ("kontrolpunktet hører til en anden installation (databasen er udskiftet)",
                                      "the checkpoint belongs to another installation (the database was replaced)"),
    "checkpoint_missing": ("kæden indeholder ikke længere kontrolpunktets række fra {at} (afkortet)",
                           "the chain no longer contains the checkpoint's row from {at} (truncated)"),
    "checkpoint_differs": ("rækken er en anden end i kontrolpunktet fra {at} (kæden er omskrevet)",
                           "the row differs from the checkpoint from {at} (the chain was rewritten)"),
    "unreadable": ("databasen kan ikke læses: {detail}", "the database cannot be read: {detail}"),
})


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain.

    ``rows`` counts the rows read; ``from_seq`` is where the walk started (1 for a full verify).
    """

    ok: bool
    rows: int
    broken_seq: int | None = None
    problem: ChainProblem | None = None
    detail: str = ""
    from_seq: int = 1
    head_seq: int = 0

    @property
    def reason(self) -> str | None:
        """The problem in English (``message(lang)`` for people)."""
        return None if self.problem is None else self.problem.text("en", detail=self.detail, at=self.detail)

    def message(self, lang: str = "da") -> str:
        return "" if self.problem is None else self.problem.text(lang, detail=self.detail, at=self.detail)


class _Broken(Exception):  # noqa: N818 - internal control flow: the first broken link ends the walk
    def __init__(self, problem: ChainProblem, seq: int | None, detail: str = "") -> None:
        self.problem, self.seq, self.detail = problem, seq, detail


_BLANK = (None, "null")
# Plain SQL: no per-value result processing (SQLite hands back the time as stored text, PostgreSQL an
# aware datetime; the details as stored JSON text on both).
_ROWS = text(
    "SELECT seq, ts, event, actor, bot, run_id, item_id, CAST(details AS TEXT), details_digest, neutralised,"
    " neutralised_by, hash, prev_hash FROM audit_log WHERE seq >= :start AND seq <= :end ORDER BY seq"
)


def _sqlite_iso(raw: str) -> str:
    """``2026-01-05 08:00:00.123456`` (SQLAlchemy's SQLite storage, UTC) → ``datetime.isoformat()`` of it, aware."""
    if len(raw) == 26 and raw[10] == " ":
        return f"{raw[:10]}T{raw[11:19]}{'' if raw[20:] == '000000' else raw[19:]}+00:00"
    return datetime.fromisoformat(raw).replace(tzinfo=UTC).isoformat()


def _aware_iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _digest_ok(raw: str, digest: str) -> bool:
    """Whether stored details text that is not canonical JSON still matches its digest once parsed."""
    try:
        return hashlib.sha256(canonical(json.loads(raw))).hexdigest() == digest
    except ValueError:
        return False


class _Walk:
    """The state of one walk along the chain."""

    def __init__(self, key: bytes, prev: str, next_seq: int, iso: Any = _aware_iso) -> None:
        self.base = hmac.new(key, digestmod=hashlib.sha256)
        self.iso = iso
        self.prev, self.next_seq, self.rows = prev, next_seq, 0
        self.pending: dict[int, tuple[int, Any, int]] = {}  # event seq -> (rows, sha256 of their seqs, first seq)

    def neutralised(self, seq: int, raw: str | None, by: int | None) -> None:
        if raw not in _BLANK:
            raise _Broken(ChainProblem.NEUTRALISED_NOT_BLANK, seq)
        if by is None or by <= seq:
            raise _Broken(ChainProblem.NEUTRALISED_UNRECORDED, seq)
        n, h, first = self.pending.get(by) or (0, hashlib.sha256(), seq)
        h.update(f"{seq},".encode())
        self.pending[by] = (n + 1, h, first)

    def walk(self, rows: Any) -> None:
        """Check ``rows`` (in seq order) — the hot loop: locals only, one HMAC and one SHA-256 per row."""
        base, iso, prev, expected, sha256 = self.base, self.iso, self.prev, self.next_seq, hashlib.sha256
        try:
            for seq, ts, event, actor, bot, run_id, item_id, raw, digest, neutralised, by, hash_, prev_hash in rows:
                self.rows += 1
                if seq != expected:
                    raise _Broken(ChainProblem.ROW_MISSING if seq > expected else ChainProblem.ROW_DUPLICATED,
                                  expected)
                if prev_hash != prev:
                    raise _Broken(ChainProblem.LINK_BROKEN, seq)
                if neutralised:
                    self.neutralised(seq, raw, by)
                else:
                    text = "{}" if raw in _BLANK else raw
                    if by is not None or (sha256(text.encode()).hexdigest() != digest and not _digest_ok(text, digest)):
                        raise _Broken(ChainProblem.DETAILS_EDITED, seq)
                h = base.copy()
                h.update(row_fields(prev, seq, iso(ts), event, actor, bot, run_id, item_id, digest))
                if h.hexdigest() != hash_:
                    raise _Broken(ChainProblem.ROW_EDITED, seq)
                if event == NEUTRALISED_EVENT:
                    self._close_event(seq, raw)
                prev, expected = hash_, seq + 1
        except (ValueError, TypeError, AttributeError) as exc:  # a value of the wrong shape: an edited row
            raise _Broken(ChainProblem.ROW_EDITED, expected) from exc
        finally:
            self.prev, self.next_seq = prev, expected

    def _close_event(self, seq: int, raw: str | None) -> None:
        n, h, _ = self.pending.pop(seq, None) or (0, hashlib.sha256(), seq)
        details = json.loads(raw) if raw not in _BLANK else {}
        if details.get("rows") != n or details.get("seqs_sha256") != h.hexdigest():
            raise _Broken(ChainProblem.NEUTRALISATION_MISMATCH, seq)

    def finish(self) -> None:
        if self.pending:
            raise _Broken(ChainProblem.NEUTRALISED_UNRECORDED, min(first for _, _, first in self.pending.values()))


def verify_chain(conn: Connection, key: bytes, *, incremental: bool = False, batch: int = 10_000) -> tuple[
        Verification, tuple[int, str] | None]:
    """Check the chain on ``conn``; returns the result and, when intact, the (seq, hash) it reached."""
    sealer = Sealer(key)
    walk: _Walk | None = None
    start = 1
    try:
        inst = read_installation(conn)
        if inst is None:
            raise _Broken(ChainProblem.NO_INSTALLATION, None)
        if not hmac.compare_digest(inst.mac, sealer.installation(inst.installation_id, inst.created_at)):
            raise _Broken(ChainProblem.INSTALLATION_FORGED, None)
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash, audit_head.c.mac)
                            .where(audit_head.c.id == 1)).first()
        if head is None:
            raise _Broken(ChainProblem.HEAD_MISSING, None)
        if not hmac.compare_digest(head.mac or "", sealer.head(head.seq, head.hash)):
            raise _Broken(ChainProblem.HEAD_FORGED, head.seq)
        dialect = conn.dialect.name
        walk = _Walk(key, GENESIS, 1, _sqlite_iso if dialect == "sqlite" else _aware_iso)
        if incremental:
            _resume(conn, sealer, walk)
        start = walk.next_seq
        rows = conn.execution_options(yield_per=batch).execute(
            _ROWS, {"start": start, "end": head.seq})
        try:
            walk.walk(itertools.chain.from_iterable(rows.partitions(batch)))
        finally:
            rows.close()  # a walk that stops early leaves a server-side cursor open otherwise
        walk.finish()
        if walk.next_seq - 1 != head.seq or walk.prev != head.hash:
            raise _Broken(ChainProblem.TAIL_DELETED, walk.next_seq)
    except _Broken as b:
        return Verification(False, walk.rows if walk else 0, b.seq, b.problem, b.detail, from_seq=start), None
    except (SQLAlchemyError, ValueError, TypeError) as exc:  # e.g. a dropped table, a value that cannot be read
        detail = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        return Verification(False, walk.rows if walk else 0, None, ChainProblem.UNREADABLE, detail,
                            from_seq=start), None
    return Verification(True, walk.rows, from_seq=start, head_seq=head.seq), (head.seq, head.hash)


def _resume(conn: Connection, sealer: Sealer, walk: _Walk) -> None:
    """Start ``walk`` after the last verified point; take in the older rows newer events neutralised."""
    point = conn.execute(select(audit_verified).where(audit_verified.c.id == 1)).first()
    if point is None:
        return
    if not hmac.compare_digest(point.mac, sealer.verified(point.seq, point.hash, point.verified_at)):
        raise _Broken(ChainProblem.VERIFIED_POINT_FORGED, point.seq)
    if point.seq > 0:
        stored = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == point.seq)).scalar()
        if stored != point.hash:
            raise _Broken(ChainProblem.REWRITTEN, point.seq)
    # Only the neutralised_by condition in SQL: with a second range on seq, SQLite's planner may walk the
    # primary key over every older row instead of this index.
    later = conn.execute(
        select(audit_log.c.seq, cast(audit_log.c.details, Text), audit_log.c.neutralised_by)
        .where(audit_log.c.neutralised_by > point.seq)
    ).all()
    for seq, raw, by in sorted(later):
        if seq <= point.seq:
            walk.neutralised(seq, raw, by)
    walk.prev, walk.next_seq = point.hash, point.seq + 1


def stamp_verified(conn: Connection, key: bytes, reached: tuple[int, str], at: datetime) -> None:
    """Record the point a successful verify reached (see ``audit_seal.record_verified``)."""
    record_verified(conn, Sealer(key), reached[0], reached[1], at)
