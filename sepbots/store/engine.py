"""Opening the database: engine options per backend, migrations, and clear errors.

SQLite (the embedded default) runs in WAL mode with ``synchronous=NORMAL`` and takes the write
lock at the start of each write transaction (``BEGIN IMMEDIATE``), so two processes never
deadlock upgrading a read lock. PostgreSQL (fleets) uses the same schema and statements; claims
add ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from sepbots.exceptions import ConfigError, StoreError
from sepbots.files import private_dir, private_file, tighten_sqlite_files
from sepbots.store.revisions import MIGRATIONS, head_revision, revision_graph

if TYPE_CHECKING:
    from alembic.config import Config

AfterMigration = Callable[[Connection, Mapping[str, Any]], None]


def _json_text(value: Any) -> str:
    """JSON columns are stored as canonical JSON (sorted keys, no spaces), so the audit trail can
    hash the stored details as they are."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


class Store:
    """The project database: one engine for writes and reads, migrated to the newest schema.

    Args:
        url: a SQLAlchemy URL (``sqlite:///path`` or ``postgresql+psycopg://...``).
        busy_timeout_s: SQLite only: how long a writer waits for the lock.
        migrate: bring the schema up to date on open (the default).
        create: create a missing SQLite file (owner-only) and an empty schema; when false (every
            command but ``sepbots init``), a missing or empty database is refused.

    Raises:
        ConfigError: the URL cannot be used (names ``database.url``).
        StoreError: the database is missing (and ``create`` is false), empty, damaged or unreachable.
    """

    def __init__(
        self, url: str, *, busy_timeout_s: float = 30.0, pool_size: int = 5, migrate: bool = True,
        create: bool = True,
    ) -> None:
        self.url = url
        self.create = create
        try:
            parsed = make_url(url)
            self.dialect = parsed.get_backend_name()
        except ArgumentError as exc:
            raise ConfigError(f"ikke en database-URL / not a database URL: {exc}", key="database.url") from exc
        kwargs: dict[str, Any] = {"pool_pre_ping": self.dialect != "sqlite", "json_serializer": _json_text}
        self.path: Path | None = None
        if self.dialect == "sqlite":
            db = parsed.database
            if db and db != ":memory:":
                self.path = Path(db)
                self._prepare_file(self.path, create)
            kwargs["connect_args"] = {"timeout": busy_timeout_s, "check_same_thread": False}
        else:
            kwargs["pool_size"] = pool_size
            if self.dialect == "postgresql" and parsed.drivername == "postgresql":
                url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except (NoSuchModuleError, ArgumentError, ImportError) as exc:
            raise ConfigError(
                f"databasetypen i {self.describe()} kendes ikke / unknown kind of database: {exc}",
                key="database.url",
            ) from exc
        if self.dialect == "sqlite":
            self._sqlite_setup(self.engine, busy_timeout_s)
        event.listen(self.engine, "handle_error", self._name_damage)
        if migrate:
            try:
                self.migrate()
            except BaseException:
                self.engine.dispose()
                raise
        if self.path is not None and create:
            tighten_sqlite_files(self.path)

    @staticmethod
    def _prepare_file(path: Path, create: bool) -> None:
        """Refuse a missing or empty SQLite file, or (``create``) make it owner-only before SQLite opens it."""
        exists = path.exists()
        if exists and path.is_file() and path.stat().st_size == 0:
            raise StoreError(
                f"databasen {path} er tom (0 byte); gendan den fra en sikkerhedskopi "
                f"/ the database {path} is empty (0 bytes); restore it from a backup"
            )
        if not create:
            if not exists:
                raise StoreError(
                    f"databasen {path} findes ikke; opret installationen med: sepbots init "
                    f"/ the database {path} does not exist; create the installation with: sepbots init"
                )
            return
        try:
            private_dir(path.parent)
            if not exists:
                private_file(path)
        except OSError as exc:
            raise StoreError(f"databasen kan ikke oprettes / cannot create the database {path}: {exc.strerror}") from exc

    @staticmethod
    def _sqlite_setup(engine: Engine, busy_timeout_s: float) -> None:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    def _name_damage(self, context: Any) -> None:
        """Turn a damaged database or a full disk into a ``StoreError`` that names the database."""
        orig = context.original_exception
        name = getattr(orig, "sqlite_errorname", None) or ""
        state = getattr(orig, "sqlstate", None) or ""
        if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or state in ("XX001", "XX002"):
            raise StoreError(
                f"databasen {self.describe()} er beskadiget ({_first_line(orig)}); gendan den fra en sikkerhedskopi "
                f"/ the database {self.describe()} is damaged; restore it from a backup"
            ) from orig
        if name == "SQLITE_FULL" or state == "53100":
            raise StoreError(
                f"disken med databasen {self.describe()} er fuld ({_first_line(orig)}); intet er gemt "
                f"/ the disk holding the database {self.describe()} is full; nothing was saved"
            ) from orig
        if name.startswith("SQLITE_IOERR"):
            raise StoreError(
                f"databasen {self.describe()} kan ikke læses eller skrives ({_first_line(orig)}) "
                f"/ the database {self.describe()} cannot be read or written: disk error"
            ) from orig

    def migrate(self, *, create: bool | None = None, after: AfterMigration | None = None) -> None:
        """Apply every migration this database lacks (idempotent).

        Args:
            create: set up the schema in a database that has none (default: the store's
                ``create``); ``False`` refuses such a database (every command but ``sepbots init``).
            after: called in the migration's transaction, with the Alembic attributes the
                migrations set (``audit_seal_needed``), when a migration ran.
        """
        create = self.create if create is None else create
        graph = revision_graph()
        head = head_revision()
        try:
            with self.engine.connect() as conn:
                current = _current_revision(conn)
                conn.rollback()
                if current is None and not create:
                    raise StoreError(
                        f"databasen {self.describe()} har ingen sepbots-tabeller; kør: sepbots init "
                        f"/ the database {self.describe()} holds no sepbots schema; run: sepbots init"
                    )
                if current == head and head is not None:
                    return
                if current is not None and current not in graph:
                    raise StoreError(
                        f"databasen er skrevet af en nyere sepbots; opgrader sepbots / the database was written by a newer sepbots; "
                        f"upgrade sepbots: {self.describe()} (schema {current})"
                    )
            from alembic import command

            with self.engine.begin() as conn:
                cfg = _alembic_config(conn)
                command.upgrade(cfg, "head")
                if after is not None:
                    after(conn, cfg.attributes)
        except (OperationalError, DBAPIError) as exc:
            raise StoreError(f"databasen kan ikke åbnes / cannot open the database {self.describe()}: {_reason(exc)}") from exc

    def describe(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction; commits on success, rolls back on error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except (OperationalError, DBAPIError) as exc:
            if isinstance(exc, DBAPIError) and not exc.connection_invalidated and not isinstance(exc, OperationalError):
                raise
            raise StoreError(f"databasefejl / database error on {self.describe()}: {_reason(exc)}") from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _current_revision(conn: Connection) -> str | None:
    """The database's schema revision (``alembic_version``), or ``None`` for a new database."""
    if not conn.dialect.has_table(conn, "alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _reason(exc: DBAPIError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0]
