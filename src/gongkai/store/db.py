"""Opening a store: one URL form for SQLite and PostgreSQL, the schema brought up to date by Alembic.

SQLite is set up for several writers (WAL, a busy timeout, ``BEGIN IMMEDIATE`` so two processes never deadlock
upgrading a read lock). Migrations run under a lock (a file lock beside the SQLite file, an advisory lock on
PostgreSQL) so two ingests starting at once do not both create the tables.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from gongkai.errors import GongkaiError, StoreError, os_reason

DEFAULT_FILE = "gongkai.db"
_MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK_KEY = 0x60_6E_6B_61  # advisory lock for migrations ("gnka")


# what drivers say (in English) → what the user reads; the driver's own words stay in brackets otherwise
_REASONS = (
    ("file is not a database", "该文件不是 SQLite 数据库"),
    ("unable to open database file", "无法创建或打开该文件（目录不存在或没有权限）"),
    ("database is locked", "数据库正被其他程序锁定，请稍后重试"),
    ("Connection refused", "连接被拒绝（数据库服务器未运行，或主机、端口不对）"),
    ("password authentication failed", "用户名或密码错误"),
    ("does not exist", "数据库或用户不存在"),
    ("could not translate host name", "找不到该主机"),
    ("Name or service not known", "找不到该主机"),
    ("timeout expired", "连接超时"),
    ("Can't load plugin", "不认识的数据库类型（请用文件路径、sqlite:///… 或 postgresql://…）"),
    ("Could not parse", "地址格式不对（请用文件路径、sqlite:///… 或 postgresql://用户@主机/库）"),
)


def _reason(exc: BaseException) -> str:
    """Why a database could not be used, in Chinese (the driver's first line only when nothing matches)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    for needle, chinese in _REASONS:
        if needle in text:
            return chinese
    return f"数据库驱动报告：{text.splitlines()[0] if text else type(exc).__name__}"


def _shown(url: str) -> str:
    """A URL as the user wrote it: Chinese file names not percent-encoded, no driver name (+psycopg)."""
    from urllib.parse import unquote

    return unquote(url.replace("postgresql+psycopg://", "postgresql://", 1))


def default_url() -> str:
    """The embedded database in the current directory (overridable with GONGKAI_DB)."""
    return os.environ.get("GONGKAI_DB") or f"sqlite:///{DEFAULT_FILE}"


def normalize_url(url: str | os.PathLike | None) -> str:
    """A database URL from what a user typed: a URL, ``postgresql://…`` (psycopg driver), or a file path."""
    if url is None:
        return default_url()
    url = str(url)
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


@dataclass
class Store:
    engine: Engine  # reads (and single-process writes)
    url: str

    @property
    def write_engine(self) -> Engine:
        """Connections whose transactions take the write lock at BEGIN (SQLite): a writer that started as a
        reader and upgrades later can fail at once with "database is locked" when another process writes."""
        return self.engine.execution_options(write_lock=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def display_url(self) -> str:
        return _shown(self.engine.url.render_as_string(hide_password=True))

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction. On PostgreSQL callers that must not interleave (the cross-report recomputation)
        take :meth:`exclusive` inside it; SQLite's BEGIN IMMEDIATE already serialises writers."""
        with self.write_engine.begin() as conn:
            yield conn

    def exclusive(self, conn: Connection, key: int = 1) -> None:
        """Serialise this transaction against others taking the same key (PostgreSQL); no-op on SQLite."""
        if self.is_postgresql:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY + key})

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:  # pragma: no cover - exercised through every SQLite test
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=120000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # pragma: no cover
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write_lock") else "BEGIN")


def create(url: str | os.PathLike | None = None) -> Store:
    """An engine for ``url`` without touching the schema."""
    url = normalize_url(url)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 120})
            _sqlite_setup(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, SQLAlchemyError) as exc:
        raise StoreError(f"数据库地址无效：{_shown(url)}（{_reason(exc)}）") from None
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"连接该数据库需要的驱动未安装：{exc.name}；PostgreSQL 请安装 pip install 'gongkai[postgres]'",
            code="E-DEPENDENCY",
        ) from None
    return Store(engine, url)


def _alembic_config(conn: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)  # type: ignore[arg-type]
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextlib.contextmanager
def _migration_lock(store: Store) -> Iterator[None]:
    if store.is_sqlite and store.engine.url.database not in (None, "", ":memory:"):
        import fcntl

        lock_path = Path(str(store.engine.url.database) + ".migrate-lock")
        while True:
            fh = open(lock_path, "a+")  # noqa: SIM115 - closed below, after the unlink
            try:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    same = os.stat(lock_path).st_ino == os.fstat(fh.fileno()).st_ino
                except FileNotFoundError:
                    same = False
                if not same:  # the holder before us removed it: lock the file that is there now
                    continue
                try:
                    yield
                finally:
                    # removed while still held, so no lock file is left behind and a waiter that locked the
                    # removed file sees it is gone and starts again
                    lock_path.unlink(missing_ok=True)
                return
            finally:
                fh.close()
    elif store.is_postgresql:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
    else:
        yield


def migrate(store: Store) -> None:
    """Bring the schema to the newest migration (creating it in an empty database)."""
    from alembic import command

    head = head_revision()
    with store.engine.connect() as conn:
        if current_revision(conn) == head:
            return
    with _migration_lock(store):
        with store.engine.begin() as conn:
            if current_revision(conn) == head:  # another process did it while we waited
                return
            command.upgrade(_alembic_config(conn), "head")


def open_store(url: str | os.PathLike | None = None, *, migrate_schema: bool = True) -> Store:
    """Open (and create or upgrade) the database at ``url``; default ``gongkai.db`` in the current directory."""
    store = create(url)
    try:
        if migrate_schema:
            migrate(store)
        else:
            with store.engine.connect():
                pass
    except SQLAlchemyError as exc:  # also "file is not a database" (a DatabaseError, not an OperationalError)
        store.dispose()
        raise StoreError(f"无法打开数据库 {store.display_url()}：{_reason(exc)}") from None
    except OSError as exc:  # the lock file beside the database cannot be created
        store.dispose()
        raise StoreError(f"无法打开数据库 {store.display_url()}：{os_reason(exc)}") from None
    return store


def open_existing(url: str | os.PathLike | None = None) -> Store:
    """An existing store, for reading (export, stats, findings): never creates or migrates a database. Reads
    start deferred transactions on SQLite, so a long export does not hold the write lock an ingest needs; on
    PostgreSQL they run at REPEATABLE READ, so the several queries of one export see one snapshot."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        path = make_url(url).database
        if path and path != ":memory:" and not Path(path).is_file():
            raise StoreError(f"数据库文件不存在：{path}（请先用 gongkai ingest 导入报告，或用 --db 指定数据库）")
    store = create(url)
    try:
        with store.engine.connect() as conn:
            if not inspect(conn).has_table("parse"):
                raise StoreError(f"{store.display_url()} 不是 gongkai 数据库（没有报告表）")
    except SQLAlchemyError as exc:
        store.dispose()
        raise StoreError(f"无法打开数据库 {store.display_url()}：{_reason(exc)}") from None
    except GongkaiError:
        store.dispose()
        raise
    if store.is_postgresql:
        store.engine = store.engine.execution_options(isolation_level="REPEATABLE READ")
    return store


__all__ = [
    "open_existing",
    "DEFAULT_FILE",
    "Store",
    "create",
    "current_revision",
    "default_url",
    "head_revision",
    "migrate",
    "normalize_url",
    "open_store",
]
