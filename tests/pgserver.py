"""A throwaway PostgreSQL server for the tests, on loopback, from the Debian packages `.ci/run` installs.

``GONGKAI_TEST_POSTGRES`` names an existing server instead. Without either, PostgreSQL tests skip — unless
``GONGKAI_REQUIRE_POSTGRES=1`` (set by `.ci/run`), where a missing server is a failure, not a skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self) -> None:
        self.dir: Path | None = None
        self.url: str | None = None
        self.reason = ""
        self._pg_ctl: str | None = None
        self._as_user: list[str] = []

    def start(self) -> "Server":
        existing = os.environ.get("GONGKAI_TEST_POSTGRES")
        if existing:
            self.url = existing
            return self
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not (initdb and pg_ctl):
            self.reason = "PostgreSQL server programs (initdb, pg_ctl) not found: apt-get install postgresql"
            return self
        self._pg_ctl = pg_ctl
        self.dir = Path(tempfile.mkdtemp(prefix="gongkai-pg-"))
        data = self.dir / "data"
        if os.geteuid() == 0:  # the server refuses to run as root: run it as the postgres user
            shutil.chown(self.dir, "postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]
        port = _free_port()

        def run(*cmd):
            return subprocess.run([*self._as_user, *cmd], capture_output=True, text=True, timeout=120)

        r = run(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
        if r.returncode != 0:
            r = run(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale")
        if r.returncode != 0:
            self.reason = f"initdb failed: {r.stderr.strip()[-500:]}"
            return self
        opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {self.dir} -c fsync=off -c max_connections=50"
        r = run(pg_ctl, "-D", str(data), "-o", opts, "-l", str(self.dir / "server.log"), "-w", "-t", "60", "start")
        if r.returncode != 0:
            log = (
                (self.dir / "server.log").read_text(errors="replace")[-800:]
                if (self.dir / "server.log").exists()
                else ""
            )
            self.reason = f"PostgreSQL did not start: {r.stderr.strip()[-300:]} {log}"
            return self
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        return self

    def new_database(self, name: str) -> str:
        """A fresh empty database on the server; its URL."""
        from sqlalchemy import create_engine, text

        assert self.url
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        if self._pg_ctl and self.dir:
            subprocess.run(
                [*self._as_user, self._pg_ctl, "-D", str(self.dir / "data"), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
            shutil.rmtree(self.dir, ignore_errors=True)
