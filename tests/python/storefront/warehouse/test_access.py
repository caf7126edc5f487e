"""Least-privilege roles (`storefront db roles`), dbt grants and personal data kept out of marts.

Everything runs on the session server: the roles are created in this module's database, dbt builds
as storefront_transformer, and each role's session is tried for what it may and may not do.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace

import psycopg
import pytest

from conftest import PROJECT, run_cli, run_dbt
from loaders import load
from storefront import warehouse
from storefront.load import loader_connection
from storefront.warehouse import Target, roles

DENIED = psycopg.errors.InsufficientPrivilege


def as_user(target: Target, user: str) -> psycopg.Connection:
    return psycopg.connect(target.conninfo().replace("user=postgres", f"user={user}"),
                           autocommit=True)


@pytest.fixture(scope="module")
def built(fresh_db, tmp_path_factory):
    """Roles created twice (idempotent), then the project built as the transformer."""
    with psycopg.connect(fresh_db.conninfo(), autocommit=True) as conn:
        load.ensure_raw_schema(conn)
    first = run_cli("db", "roles", check=True)
    again = run_cli("db", "roles", check=True)
    assert "storefront_reporter: updated" in again.stdout, (first.stdout, again.stdout)
    folder = tmp_path_factory.mktemp("access")
    paths = ("--target-path", str(folder / "target"), "--log-path", str(folder / "logs"))
    transformer = Target(fresh_db.host, fresh_db.port, roles.TRANSFORMER, fresh_db.dbname)
    run_dbt("build", *paths, target=transformer)
    manifest = json.loads((folder / "target" / "manifest.json").read_text())
    return {"target": fresh_db, "transformer": transformer, "paths": paths, "manifest": manifest}


def relations(conn: psycopg.Connection, schema: str) -> list[str]:
    found = conn.execute(
        "select c.relname from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
        " where n.nspname = %s and c.relkind in ('r', 'v', 'm', 'p') order by 1",
        (schema,),
    )
    return [row[0] for row in found]


def test_roles_have_no_superpowers(built):
    with psycopg.connect(built["target"].conninfo()) as conn:
        found = conn.execute(
            "select rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin from pg_roles"
            " where rolname like 'storefront\\_%' order by 1"
        ).fetchall()
    assert found == [(role, False, False, False, True) for role in sorted(roles.ROLES)]


def test_reporter_reads_every_mart_and_nothing_else(built):
    with psycopg.connect(built["target"].conninfo()) as admin:
        marts = relations(admin, "marts")
        others = {schema: relations(admin, schema)
                  for schema in ("raw", "staging", "core", "snapshots")}
    assert len(marts) >= 9
    with as_user(built["target"], roles.REPORTER) as conn:
        for mart in marts:
            conn.execute(f'select count(*) from marts."{mart}"')
        for schema, names in others.items():
            for name in names:
                with pytest.raises(DENIED):
                    conn.execute(f'select 1 from {schema}."{name}" limit 1')
        with pytest.raises(DENIED):
            conn.execute("create table marts.sneaky (n int)")
    assert others["raw"] and others["staging"] and others["core"]


def reporter_grants(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute(
        "select table_schema, table_name from information_schema.role_table_grants"
        " where grantee = %s and privilege_type = 'SELECT' order by 1, 2",
        (roles.REPORTER,),
    ).fetchall()


def test_dbt_grants_the_reporter_every_mart_and_nothing_else(built):
    nodes = [n for n in built["manifest"]["nodes"].values()
             if n["resource_type"] in {"model", "snapshot", "seed"}]
    granted = {n["name"] for n in nodes if n["config"]["grants"]}
    marts = {n["name"] for n in nodes if n["schema"] == "marts"}
    assert len(marts) >= 20 and granted == marts
    assert all(n["config"]["grants"] == {"select": [roles.REPORTER]}
               for n in nodes if n["name"] in marts)
    with psycopg.connect(built["target"].conninfo()) as conn:
        assert reporter_grants(conn) == [("marts", name) for name in sorted(marts)]
        # no default privileges: every grant comes from dbt's config
        assert conn.execute("select count(*) from pg_default_acl as d"
                            " join pg_namespace as n on n.oid = d.defaclnamespace"
                            " where n.nspname = 'marts'").fetchone() == (0,)


def test_a_rebuild_keeps_the_grants(built):
    """A full refresh replaces tables; an incremental run keeps them: both end granted, and a
    grant revoked by hand is put back by the next build."""
    with psycopg.connect(built["target"].conninfo(), autocommit=True) as conn:
        before = reporter_grants(conn)
        oids = conn.execute("select 'marts.customer_rfm'::regclass::oid,"
                            " 'marts.metrics_daily'::regclass::oid").fetchone()
        conn.execute(f"revoke select on marts.metrics_daily from {roles.REPORTER}")
        assert ("marts", "metrics_daily") not in reporter_grants(conn)
        run_dbt("run", "-s", "customer_rfm", "--full-refresh", *built["paths"],
                target=built["transformer"])
        run_dbt("run", "-s", "metrics_daily", *built["paths"], target=built["transformer"])
        after = conn.execute("select 'marts.customer_rfm'::regclass::oid,"
                             " 'marts.metrics_daily'::regclass::oid").fetchone()
        assert after[0] != oids[0] and after[1] == oids[1]  # one replaced, one kept
        assert reporter_grants(conn) == before
    with as_user(built["target"], roles.REPORTER) as conn:
        conn.execute("select count(*) from marts.customer_rfm")
        conn.execute("select count(*) from marts.metrics_daily")


def test_a_missing_reporter_role_does_not_stop_the_build(built):
    with psycopg.connect(built["target"].conninfo(), autocommit=True) as conn:
        conn.execute(f"alter role {roles.REPORTER} rename to storefront_reporter_away")
        try:
            done = run_dbt("run", "-s", "customer_rfm", "--full-refresh", *built["paths"],
                           target=built["transformer"])
        finally:
            conn.execute(f"alter role storefront_reporter_away rename to {roles.REPORTER}")
        assert re.search(r"grants: role storefront_reporter does not exist, select on \S+"
                         r'"marts"\."customer_rfm" not granted \(run `storefront db roles`\)',
                         done.stdout), done.stdout[-2000:]
        assert ("marts", "customer_rfm") not in reporter_grants(conn)
        run_dbt("run", "-s", "customer_rfm", *built["paths"], target=built["transformer"])
        assert ("marts", "customer_rfm") in reporter_grants(conn)


def test_other_targets_and_servers_need_the_contact_salt(built, monkeypatch, tmp_path):
    """The public local salt serves the local target on this machine only."""
    monkeypatch.delenv("STOREFRONT_CONTACT_SALT", raising=False)
    missing = "Env var required but not provided: 'STOREFRONT_CONTACT_SALT'"
    done = run_dbt("compile", "-s", "customer_rfm", "--target", "prod", *built["paths"],
                   target=built["transformer"], check=False)
    assert done.returncode != 0 and missing in done.stdout
    paths = ("--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"))
    remote = Target("db.example.com", 5432, roles.TRANSFORMER, "storefront")
    done = run_dbt("parse", *paths, target=remote, check=False)
    assert done.returncode != 0 and missing in done.stdout
    local = Target("localhost", 5432, roles.TRANSFORMER, "storefront")
    run_dbt("parse", *paths, target=local)


def test_loader_writes_raw_only(built):
    with as_user(built["target"], roles.LOADER) as conn:
        conn.execute("create table raw.loader_probe (n int)")
        conn.execute("insert into raw.loader_probe values (1)")
        conn.execute("drop table raw.loader_probe")
        for schema in ("public", "staging", "core", "marts", "snapshots"):
            with pytest.raises(DENIED):
                conn.execute(f"create table {schema}.loader_probe (n int)")
        with pytest.raises(DENIED):
            conn.execute("create schema loader_probe")
        with pytest.raises(DENIED):
            conn.execute("select 1 from core.orders limit 1")


def test_transformer_reads_raw_but_cannot_write_it(built):
    with as_user(built["target"], roles.TRANSFORMER) as conn:
        conn.execute("select count(*) from raw.order_lines")
        with pytest.raises(DENIED):
            conn.execute("delete from raw.order_lines")
        with pytest.raises(DENIED):
            conn.execute("create table raw.transformer_probe (n int)")


def test_the_loader_role_loads_through_the_loader(built, tmp_path):
    export = tmp_path / "lines.csv"
    export.write_text(
        "Order_Date,Time,Aging,Customer_Id,Gender,Device_Type,Customer_Login_type,"
        "Product_Category,Product,Sales,Quantity,Discount,Profit,Shipping_Cost,Order_Priority,"
        "Payment_method\n"
        "2018-01-02,10:56:33,8.0,37077,Female,Web,Member,Auto & Accessories,Car Media Players,"
        "140.0,1.0,0.3,46.0,4.6,Medium,credit_card\n"
    )
    loader = Target(built["target"].host, built["target"].port, roles.LOADER,
                    built["target"].dbname)
    result = load.load_file(loader_connection(loader), "order-lines", export)
    assert (result.status, result.rows_loaded) == ("loaded", 1)
    with psycopg.connect(built["target"].conninfo()) as conn:
        owner = conn.execute(
            "select tableowner from pg_tables"
            " where schemaname = 'raw' and tablename = 'order_lines'"
        ).fetchone()
    assert owner == (roles.LOADER,)


def test_local_warehouse_connects_loaders_as_the_loader_role(built):
    local = Target(built["target"].host, built["target"].port, "postgres",
                   built["target"].dbname, embedded=True)
    assert warehouse.as_role(local, roles.LOADER).user == roles.LOADER
    assert warehouse.as_role(local, "no_such_role").user == "postgres"
    # on another server the user's PGUSER decides
    other = replace(built["target"], embedded=False)
    assert warehouse.as_role(other, roles.LOADER).user == "postgres"


def test_no_secret_in_tracked_files():
    files = subprocess.run(["git", "ls-files"], cwd=PROJECT, capture_output=True, text=True,
                           check=True).stdout.split()
    assert files, "not a git checkout"
    patterns = [
        r"password\s*[:=]\s*['\"]?[A-Za-z0-9!@#%^&*]{6,}",
        r"PGPASSWORD=(?!\.\.\.|\$)\S+",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
        r"postgres(ql)?://[^:/\s]+:[^@\s]+@",
        r"AKIA[0-9A-Z]{16}",
    ]
    found = []
    for name in files:
        path = PROJECT / name
        if not path.is_file() or path.suffix in {".png", ".whl"}:
            continue
        text = path.read_text(errors="ignore")
        for pattern in patterns:
            for match in re.finditer(pattern, text, re.IGNORECASE):
                line = text[: match.start()].count("\n") + 1
                found.append(f"{name}:{line}: {match.group(0)[:40]}")
    allowed = {
        "tests/python/storefront/warehouse/test_access.py",
        "tests/python/storefront/warehouse/test_warehouse.py",
    }
    found = [f for f in found if f.split(":", 1)[0] not in allowed]
    assert found == []
