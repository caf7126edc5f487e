"""The warehouse: which PostgreSQL server every command talks to (:mod:`.server`: the PG*
variables or the local embedded server), the roles (:mod:`.roles`), the dbt runner
(:mod:`.dbt`) and the `storefront db` / `storefront dbt` commands (:mod:`.commands`).

The names of :mod:`.server` are re-exported: ``from storefront import warehouse`` then
``warehouse.connect()``."""

from storefront.warehouse.server import (
    DEFAULT_DATABASE,
    PORT,
    SERVER_SETTINGS,
    SUPERUSER,
    THROWAWAY_SETTINGS,
    EmbeddedServer,
    Target,
    WarehouseError,
    as_role,
    bin_dir,
    connect,
    dbt_env,
    disk_usage,
    ensure_database,
    explain,
    external_target,
    local_server,
    project_dir,
    resolve,
    role_is_set_up,
    size_text,
    state_dir,
)

__all__ = [
    "DEFAULT_DATABASE",
    "PORT",
    "SERVER_SETTINGS",
    "SUPERUSER",
    "THROWAWAY_SETTINGS",
    "EmbeddedServer",
    "Target",
    "WarehouseError",
    "as_role",
    "bin_dir",
    "connect",
    "dbt_env",
    "disk_usage",
    "ensure_database",
    "explain",
    "external_target",
    "local_server",
    "project_dir",
    "resolve",
    "role_is_set_up",
    "size_text",
    "state_dir",
]
